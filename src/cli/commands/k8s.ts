import { readFile } from "node:fs/promises";
import { Command } from "commander";
import { explainIndex, indexFiles, type K8sExplainOutput } from "../../k8s/explain.js";
import { fetchLive } from "../../k8s/live.js";
import { explainSubject } from "../../report/build.js";
import { EnvtraceError } from "../errors.js";
import { type CliIo, cliOutput } from "../io.js";
import { addOutputOptions, report } from "../output.js";
import type { CliCommand } from "./command.js";

async function readStdin(io: CliIo): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export const k8sCommand: CliCommand = {
  name: "k8s",
  register(program, ctx) {
    const { io } = ctx;
    const k8s = program
      .command("k8s")
      .description("Kubernetes: explain pod environments from manifests or the API");
    const explain = new Command("explain")
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
      .option("--reveal", "show secret values in clear (the output says so); Secret data is never shown")
      .exitOverride()
      .configureOutput(cliOutput(io));
    k8s.addCommand(
      addOutputOptions(explain).action(async (o) => {
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
        await report(
          ctx,
          "k8s explain",
          o,
          out.results.map((r) => explainSubject(r)),
          out.issues,
        );
      }),
    );
    return k8s;
  },
};
