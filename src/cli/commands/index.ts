/**
 * Command registry: one file per command, listed explicitly. Each entry loads its module on demand, so a
 * run imports only the command it executes (the Kubernetes client, the zip reader and the rule tables are
 * not loaded to explain a process). `envtrace --help` loads them all.
 */
import type { CliCommand } from "./command.js";

export interface CommandEntry {
  name: string;
  load(): Promise<CliCommand>;
}

export const commands: readonly CommandEntry[] = [
  { name: "explain", load: async () => (await import("./explain.js")).explainCommand },
  { name: "scan", load: async () => (await import("./scan.js")).scanCommand },
  { name: "host", load: async () => (await import("./host.js")).hostCommand },
  { name: "container", load: async () => (await import("./container.js")).containerCommand },
  { name: "shell", load: async () => (await import("./shell.js")).shellCommand },
  { name: "snapshot", load: async () => (await import("./snapshot.js")).snapshotCommand },
  { name: "diff", load: async () => (await import("./diff.js")).diffCommand },
  { name: "go", load: async () => (await import("./go.js")).goCommand },
  { name: "k8s", load: async () => (await import("./k8s.js")).k8sCommand },
  { name: "redact", load: async () => (await import("./redact.js")).redactCommand },
  { name: "agent", load: async () => (await import("./agent.js")).agentCommand },
  { name: "audit", load: async () => (await import("./audit.js")).auditCommand },
  { name: "check", load: async () => (await import("./check.js")).checkCommand },
  { name: "webhook", load: async () => (await import("./webhook.js")).webhookCommand },
  { name: "record", load: async () => (await import("./record.js")).recordCommand },
];

/**
 * The command an argv selects (its first word); none for `--version`; every command otherwise (help, or a
 * word that is no command, so that commander can list them).
 */
export async function loadCommands(argv: readonly string[]): Promise<CliCommand[]> {
  const first = argv.find((a) => !a.startsWith("-"));
  const selected = commands.filter((c) => c.name === first);
  if (selected.length === 0 && first === undefined && argv.some((a) => a === "-V" || a === "--version"))
    return [];
  return Promise.all((selected.length > 0 ? selected : commands).map((c) => c.load()));
}
