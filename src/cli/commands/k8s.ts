import { readFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { explainIndex, indexFiles, type K8sExplainOutput } from "../../k8s/explain.js";
import { fetchLive } from "../../k8s/live.js";
import type { DisplayValue, ExplainResult } from "../../model/index.js";
import { reporterFor } from "../../report/index.js";
import { EnvtraceError, EXIT } from "../errors.js";
import { type CliIo, useColor } from "../io.js";
import { atOrAbove, failOnOption } from "../options.js";
import type { CliCommand } from "./command.js";

async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Renders k8s results with the shared reporters; text prints one block per container. */
function render(out: K8sExplainOutput, format: string, io: CliIo, reveal: boolean): string {
  const reporter = reporterFor(format)!;
  const opts = { color: useColor(io), reveal, width: io.stdout.columns };
  const results: ExplainResult<DisplayValue>[] = [...out.results];
  // Problems not tied to one container travel with the output (first result, or a result of their own).
  if (out.issues.length > 0) {
    if (results[0]) results[0] = { ...results[0], issues: [...out.issues, ...results[0].issues] };
    else
      results.push({
        subject: { kind: "inputs", name: "k8s" },
        variables: [],
        findings: [],
        issues: out.issues,
      });
  }
  if (format === "text") return results.map((r) => reporter.render([r], opts)).join("\n");
  return reporter.render(results, opts);
}

export const k8sCommand: CliCommand = {
  name: "k8s",
  register(program, io, setExit) {
    const k8s = program
      .command("k8s")
      .description("Kubernetes: explain pod environments from manifests or the API");
    k8s.addCommand(
      new Command("explain")
        .description(
          "explain where each environment variable of a pod's containers comes from (kubelet order: envFrom, env, service links), who set it (managedFields) and what it breaks (checks)",
        )
        .option(
          "-f, --filename <file>",
          "manifest file (YAML, multi-document, JSON, kubectl List; - for stdin); repeatable",
          collect,
        )
        .option("--pod <name>", "only this pod or workload (name, ns/name or Kind/name)")
        .option("--container <name>", "only this container")
        .option(
          "--live <ns/pod>",
          "read the pod, its owners, ConfigMaps and Services from the API server (kubeconfig or in-cluster)",
        )
        .option(
          "--kubeconfig <file>",
          "kubeconfig for --live (default $KUBECONFIG, ~/.kube/config, in-cluster)",
        )
        .option("--context <name>", "kubeconfig context for --live")
        .option(
          "--resolve-secrets",
          "with --live, also read referenced Secrets to list their keys; values are only fingerprinted, never printed",
        )
        .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
        .option("--reveal", "show secret values in clear (the output says so); Secret data is never shown")
        .addOption(failOnOption())
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
        .action(async (o) => {
          const files: string[] = o.filename ?? [];
          if (files.length === 0 && !o.live) {
            throw new EnvtraceError("USAGE", {
              detail: "k8s explain needs manifests (-f FILE) or a pod (--live NAMESPACE/POD)",
            });
          }
          if (o.resolveSecrets && !o.live) {
            throw new EnvtraceError("USAGE", { detail: "--resolve-secrets only applies to --live" });
          }
          const opts = { pod: o.pod, container: o.container, reveal: !!o.reveal };
          const read = (f: string) => (f === "-" ? readStdin(io) : readFile(f, "utf8"));
          let out: K8sExplainOutput;
          if (o.live) {
            const live = await fetchLive(o.live, {
              kubeconfig: o.kubeconfig,
              context: o.context,
              resolveSecrets: !!o.resolveSecrets,
              env: io.env,
            });
            if (live.fatal) throw new EnvtraceError("UNREADABLE", { what: "the live pod", why: live.fatal });
            if (files.length > 0) {
              // Extra manifests (e.g. the Deployment from git) join the live objects.
              const extra = await indexFiles(files, read);
              for (const x of extra.all) live.index.add(x);
              live.index.issues.push(...extra.issues);
            }
            out = explainIndex(live.index, { ...opts, pod: live.pod });
          } else {
            const index = await indexFiles(files, read);
            out = explainIndex(index, opts);
            if (out.results.length === 0 && index.all.length === 0) {
              const first = out.issues[0];
              throw new EnvtraceError("BAD_INPUT", {
                input: first?.subject ?? files.join(", "),
                why: first
                  ? `${first.detail}; nothing to explain`
                  : "no Kubernetes objects found; pass manifests with -f",
              });
            }
          }
          if (out.results.length === 0 && o.pod) {
            throw new EnvtraceError("BAD_INPUT", {
              input: `--pod ${o.pod}`,
              why: "no Pod or workload with this name among the inputs; check the name with `kubectl get pods`",
            });
          }
          io.stdout.write(render(out, o.format, io, !!o.reveal));
          if (out.results.some((r) => r.findings.some((f) => atOrAbove(f.severity, o.failOn))))
            setExit(EXIT.FINDINGS);
        }),
    );
    return k8s;
  },
};
