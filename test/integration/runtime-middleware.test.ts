/**
 * Middleware against real servers on loopback (express, fastify, koa, node:http) with real requests, and
 * the OpenTelemetry SDK (in-memory exporter) recording the request spans: the snapshot id and drift flag
 * land on the active span, the request's state and (fastify) the request log; the first request after the
 * environment changed emits one `runtime-drift-served` event.
 */
import { once } from "node:events";
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import express from "express";
import Fastify from "fastify";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envtrace as expressEnvtrace } from "../../src/runtime/express.js";
import { envtrace as fastifyEnvtrace } from "../../src/runtime/fastify.js";
import { withEnvtrace } from "../../src/runtime/http.js";
import { init, memorySink, seal, shutdown, snapshot } from "../../src/runtime/index.js";
import { envtrace as koaEnvtrace } from "../../src/runtime/koa.js";
import { ATTR_DRIFT, ATTR_SNAPSHOT, type RequestEnv } from "../../src/runtime/middleware.js";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer("test");
const sink = memorySink();
const servers: Server[] = [];

/** What an HTTP instrumentation does: one active span per request, ended when the response finishes. */
function traced(handler: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    tracer.startActiveSpan(`${req.method} ${req.url}`, (span) => {
      res.on("finish", () => span.end());
      handler(req, res);
    });
  };
}

async function listen(server: Server): Promise<string> {
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  init({ sink, guard: "proxy", recheckMs: 60_000 });
});
afterAll(async () => {
  for (const s of servers) s.close();
  shutdown();
  delete process.env.MW_CHANGED;
  await provider.shutdown();
  trace.disable();
  context.disable();
});

/** Three requests around one environment change: clean, first after the change, second after it. */
async function scenario(base: string, name: string) {
  seal(`before-${name}`);
  exporter.reset();
  const before = sink.events.length;
  const get = async () => (await (await fetch(`${base}/`)).json()) as RequestEnv;
  const clean = await get();
  process.env.MW_CHANGED = `${name}-${Date.now()}`;
  const first = await get();
  const second = await get();
  const spans = exporter.getFinishedSpans();
  const served = sink.events.slice(before).filter((e) => e.type === "runtime-drift-served");
  return { clean, first, second, spans, served };
}

function check(r: Awaited<ReturnType<typeof scenario>>) {
  const id = snapshot().id;
  expect(r.clean).toEqual({ snapshotId: id, drift: false, firstAfterChange: false });
  expect(r.first).toEqual({ snapshotId: id, drift: true, firstAfterChange: true });
  expect(r.second).toEqual({ snapshotId: id, drift: true, firstAfterChange: false });
  expect(r.spans).toHaveLength(3);
  expect(r.spans.map((s) => [s.attributes[ATTR_SNAPSHOT], s.attributes[ATTR_DRIFT]])).toEqual([
    [id, false],
    [id, true],
    [id, true],
  ]);
  expect(r.served).toHaveLength(1);
  expect(r.served[0]?.payload).toMatchObject({ snapshot: id, changedKeys: ["MW_CHANGED"] });
  expect(JSON.stringify(r.served)).not.toContain(process.env.MW_CHANGED);
}

describe("web middleware on real servers", () => {
  it("node:http wrapper", async () => {
    const base = await listen(
      createServer(
        traced(
          withEnvtrace((req, res) => {
            res.setHeader("content-type", "application/json");
            res.end(JSON.stringify(req.envtrace));
          }),
        ),
      ),
    );
    check(await scenario(base, "http"));
  });

  it("express", async () => {
    const app = express();
    app.use(expressEnvtrace());
    app.get("/", (_req, res) => {
      res.json(res.locals.envtrace);
    });
    const base = await listen(createServer(traced(app as unknown as RequestListener)));
    check(await scenario(base, "express"));
  });

  it("koa", async () => {
    const app = new Koa();
    app.use(koaEnvtrace());
    app.use((ctx) => {
      ctx.body = ctx.state.envtrace;
    });
    const base = await listen(createServer(traced(app.callback())));
    check(await scenario(base, "koa"));
  });

  it("fastify (plugin, whole instance), with the state in the request log", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    let server: Server | undefined;
    const app = Fastify({
      logger: { level: "info", stream },
      serverFactory: (handler) => {
        server = createServer(traced(handler as RequestListener));
        return server;
      },
    });
    await app.register(fastifyEnvtrace);
    app.register(async (child) => {
      // An encapsulated child context still gets the hook.
      child.get("/", async (req) => (req as unknown as { envtrace: RequestEnv }).envtrace);
    });
    await app.ready();
    const base = await listen(server as Server);
    const r = await scenario(base, "fastify");
    check(r);
    const completed = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "request completed");
    expect(completed.map((l) => [l.envSnapshot, l.envDrift])).toEqual([
      [snapshot().id, false],
      [snapshot().id, true],
      [snapshot().id, true],
    ]);
    await app.close();
  });

  it("a write that bypassed the guard is found at the next recheck", async () => {
    const rt = init();
    const base = await listen(
      createServer(
        withEnvtrace((req, res) => {
          res.end(JSON.stringify(req.envtrace));
        }),
      ),
    );
    seal("bypass");
    // A reference to the real object, as code that kept `process.env` from before init would hold.
    const real = (rt as unknown as { guard: { real: NodeJS.ProcessEnv } }).guard.real;
    expect(real).not.toBe(process.env);
    real.MW_BYPASS = "1";
    const a = (await (await fetch(base)).json()) as RequestEnv;
    // Forces the recheck the next request would do after recheckMs.
    (rt as unknown as { lastFullCheck: number }).lastFullCheck = -1e12;
    const b = (await (await fetch(base)).json()) as RequestEnv;
    delete process.env.MW_BYPASS;
    expect(a.drift).toBe(false);
    expect(b).toMatchObject({ drift: true, firstAfterChange: true });
  });
});
