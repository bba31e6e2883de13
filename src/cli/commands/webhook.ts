/**
 * `envtrace webhook`: the validating admission webhook of a fleet (a Deployment behind a
 * ValidatingWebhookConfiguration). Serves `POST /validate` over HTTPS, prints one audit event per decision
 * as a JSON line on stdout (dry-run requests are evaluated, not audited). `--review FILE` answers one
 * AdmissionReview from a file (`-`: stdin) and exits: 0 allowed, 1 denied, 2 not an AdmissionReview.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import {
  type AdmissionEvaluator,
  celPolicyEvaluator,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_POLICY,
  parsePolicy,
  reviewAdmission,
  severityEvaluator,
  type WebhookPolicy,
} from "../../fleet/admission.js";
import { EnvtraceError, EXIT } from "../errors.js";
import type { CliCommand } from "./command.js";

function parseListen(v: string): { host: string; port: number } {
  const m = /^(?:\[?([^\]]*)\]?)?:(\d{1,5})$/.exec(v);
  if (!m || Number(m[2]) > 65535)
    throw new EnvtraceError("USAGE", {
      detail: `--listen expects HOST:PORT or :PORT, got '${v.slice(0, 60)}'`,
    });
  return { host: m[1] || "0.0.0.0", port: Number(m[2]) };
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1)
    throw new EnvtraceError("USAGE", { detail: `${flag} expects a positive integer` });
  return n;
}

async function readStream(s: NodeJS.ReadableStream, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of s) {
    const b = typeof c === "string" ? Buffer.from(c) : (c as Buffer);
    n += b.length;
    if (n > max) throw new EnvtraceError("BAD_INPUT", { input: "stdin", why: `above ${max} bytes` });
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export const webhookCommand: CliCommand = {
  name: "webhook",
  register(program, ctx) {
    return program
      .command("webhook")
      .description(
        "validating admission webhook (HTTPS, POST /validate, AdmissionReview v1): deny or warn on Pods and workloads whose environment breaks the policy; one audit event per decision on stdout",
      )
      .option("--cert <file>", "TLS certificate (PEM), re-read when it changes")
      .option("--key <file>", "TLS private key (PEM), re-read when it changes")
      .option("--listen <host:port>", "address to serve on", ":8443")
      .option(
        "--policy <file>",
        "webhook policy (YAML: mode, denyAt, warnAt, rules, allowInjected, declared)",
      )
      .option(
        "--check-policy <file>",
        "also apply the policy of envtrace check (CEL rules, declarations, check overrides, ignores); its failOn is the deny threshold",
      )
      .option("--review <file>", "answer the AdmissionReview in FILE (- for stdin), print the response, exit")
      .option("--max-body-bytes <n>", "refuse larger requests with 413", String(DEFAULT_MAX_BODY_BYTES))
      .option("--reload-interval <ms>", "how often the cert and key are checked for a change", "10000")
      .action(async (o) => {
        const maxBody = positive("--max-body-bytes", String(o.maxBodyBytes));
        let policy: WebhookPolicy = DEFAULT_POLICY;
        if (o.policy) {
          let text: string;
          try {
            text = await readFile(o.policy, "utf8");
          } catch (err) {
            throw new EnvtraceError("UNREADABLE", { what: o.policy, why: (err as Error).message });
          }
          try {
            policy = parsePolicy(text, o.policy);
          } catch (err) {
            throw new EnvtraceError("BAD_INPUT", { input: "--policy", why: (err as Error).message });
          }
        }
        let evaluator: AdmissionEvaluator = severityEvaluator(policy);
        if (o.checkPolicy) {
          // Throws PolicyError (exit 2, file:line and field) on a bad policy: at start, never per request.
          const { loadPolicyFile } = await import("../../policy/load.js");
          evaluator = celPolicyEvaluator(loadPolicyFile(o.checkPolicy), policy);
        }
        const base = { evaluator, policy, run: randomUUID(), hostname: hostname() };

        if (o.review) {
          let text: string;
          try {
            text =
              o.review === "-" ? await readStream(ctx.io.stdin, maxBody) : await readFile(o.review, "utf8");
          } catch (err) {
            if (err instanceof EnvtraceError) throw err;
            throw new EnvtraceError("UNREADABLE", { what: o.review, why: (err as Error).message });
          }
          const out = reviewAdmission(text, base);
          ctx.io.stdout.write(`${JSON.stringify(out.body, null, 2)}\n`);
          if (out.status !== 200) ctx.setExit(EXIT.ERROR);
          else if (out.decision === "deny") ctx.setExit(EXIT.FINDINGS);
          return;
        }

        if (!o.cert || !o.key)
          throw new EnvtraceError("USAGE", {
            detail: "webhook needs --cert and --key (or --review FILE to answer one request)",
          });
        const listen = parseListen(String(o.listen));
        const { startWebhookServer } = await import("../../fleet/webhook.js");
        // A collector that stops reading stdout costs dropped events (counted, said on stderr at most
        // every 10 s), not memory without bound.
        const { eventLines } = await import("../../fleet/event-lines.js");
        let warned = 0;
        const lines =
          ctx.io.stdout === process.stdout
            ? eventLines({
                onDrop: (n) => {
                  if (Date.now() - warned < 10_000) return;
                  warned = Date.now();
                  ctx.io.stderr.write(
                    `envtrace webhook: ${n} event(s) dropped so far: stdout is not being read (its pipe is full)\n`,
                  );
                },
              })
            : { write: (l: string) => void ctx.io.stdout.write(l), close: async () => {} };
        let srv: Awaited<ReturnType<typeof startWebhookServer>>;
        try {
          srv = await startWebhookServer({
            ...base,
            host: listen.host,
            port: listen.port,
            certFile: o.cert,
            keyFile: o.key,
            maxBodyBytes: maxBody,
            reloadIntervalMs: positive("--reload-interval", String(o.reloadInterval)),
            onEvent: (e) => lines.write(`${JSON.stringify(e)}\n`),
            log: (l) => ctx.io.stderr.write(`${l}\n`),
          });
        } catch (err) {
          throw new EnvtraceError("UNREADABLE", {
            what: `the webhook's certificate or address (${o.cert}, ${o.key}, ${o.listen})`,
            why: (err as Error).message,
          });
        }
        ctx.io.stderr.write(
          `envtrace webhook: serving POST /validate, /healthz, /readyz on https://${listen.host}:${srv.port} (mode ${policy.mode})\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off("SIGTERM", stop);
            process.off("SIGINT", stop);
            resolve();
          };
          process.once("SIGTERM", stop);
          process.once("SIGINT", stop);
        });
        await srv.close();
        await lines.close();
      });
  },
};
