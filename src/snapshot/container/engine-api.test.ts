/**
 * The Engine API client against a misbehaving engine: a real HTTP server on a unix socket answering with
 * non-JSON, wrong shapes, errors and silence. Every case must end in issues, never an exception. (The real
 * engine — podman's Docker-compatible and libpod API — is exercised in test/integration/containers.test.ts.)
 */

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CollectionIssue } from "../../model/index.js";
import { createHostFs } from "../host-fs.js";
import { EngineClient, engineEndpoints } from "./engine-api.js";
import { collectContainerFacts } from "./facts.js";

const dir = mkdtempSync(join(tmpdir(), "envtrace-engine-"));
const sock = join(dir, "engine.sock");
let server: Server;

const answers: Record<string, [number, string]> = {
  "/containers/notjson/json": [200, "<html>"],
  "/containers/array/json": [200, "[1,2]"],
  "/containers/boom/json": [500, '{"message":"boom"}'],
  "/containers/denied/json": [403, "{}"],
  "/containers/ok/json": [
    200,
    JSON.stringify({ Id: "ok", Image: "img", Config: { Env: ["A=1", 3], Labels: [] } }),
  ],
  "/images/img/json": [200, "null"],
  "/images/img/history": [200, '{"not":"a list"}'],
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0]!;
    if (path === "/containers/slow/json") return; // never answers
    const [status, body] = answers[path] ?? [404, '{"message":"no such container"}'];
    res.writeHead(status, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(sock, r));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe("Engine API client", () => {
  it("takes DOCKER_HOST and CONTAINER_HOST, and reports what it cannot use", () => {
    const issues: CollectionIssue[] = [];
    const eps = engineEndpoints({ CONTAINER_HOST: `unix://${sock}`, DOCKER_HOST: "ssh://user@host" }, issues);
    expect(eps[0]).toMatchObject({ flavor: "podman", socketPath: sock, from: "CONTAINER_HOST" });
    expect(issues.map((i) => [i.subject, i.code])).toEqual([["DOCKER_HOST", "UNSUPPORTED"]]);
    expect(engineEndpoints({ DOCKER_HOST: "tcp://10.0.0.1:2375" })[0]).toMatchObject({
      flavor: "docker",
      origin: "http://10.0.0.1:2375",
    });
  });

  it("turns bad answers into issues, never exceptions", async () => {
    const c = new EngineClient(
      { flavor: "docker", socketPath: sock, origin: "http://localhost", from: "t" },
      500,
    );
    try {
      const codes: Array<string | undefined> = [];
      for (const ref of ["notjson", "boom", "denied", "missing", "slow"]) {
        const r = await c.inspectContainer(ref);
        codes.push(r.ok ? undefined : r.issue.code);
        if (!r.ok) expect(r.issue.detail).not.toContain("\n");
      }
      expect(codes).toEqual(["PARSE", "EIO", "EACCES", "ENOENT", "TIMEOUT"]);
    } finally {
      await c.close();
    }
    const gone = new EngineClient({
      flavor: "docker",
      socketPath: join(dir, "none.sock"),
      origin: "http://localhost",
      from: "t",
    });
    const r = await gone.inspectContainer("x");
    expect(r.ok ? "" : r.issue.code).toBe("UNAVAILABLE");
    await gone.close();
  });

  it("collects what it can from odd shapes and says what it could not", async () => {
    const issues: CollectionIssue[] = [];
    const env = { DOCKER_HOST: `unix://${sock}` };
    const fs = createHostFs(dir);
    expect(
      await collectContainerFacts("array", { fs, env, useApi: true, timeoutMs: 500 }, issues),
    ).toBeUndefined();
    expect(issues.some((i) => i.code === "PARSE")).toBe(true);
    const more: CollectionIssue[] = [];
    const f = await collectContainerFacts("ok", { fs, env, useApi: true, timeoutMs: 500 }, more);
    expect(f?.env).toEqual([["A", "1", 0]]);
    expect(f?.image).toBeUndefined();
    expect(more.some((i) => i.detail.includes("not an image object"))).toBe(true);
  });
});
