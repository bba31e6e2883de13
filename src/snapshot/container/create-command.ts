/**
 * Podman's `Config.CreateCommand` (the argv of the `podman run|create` that made the container) tells
 * `--env`/`-e` from `--env-file` and names the file. This reads the env-related flags in order, up to the
 * image argument (flags after the image belong to the container's own command).
 */

export type EnvFlag =
  | { kind: "env"; key: string; value?: string; prefix?: boolean; argIndex: number }
  | { kind: "env-file"; path: string; argIndex: number }
  | { kind: "env-host"; argIndex: number };

/** Boolean flags of `podman run`/`docker run` (a following word is not their value). */
const BOOLEAN_FLAGS = new Set([
  "-d",
  "--detach",
  "-i",
  "--interactive",
  "-t",
  "--tty",
  "--rm",
  "--privileged",
  "--init",
  "--read-only",
  "--replace",
  "-q",
  "--quiet",
  "--no-healthcheck",
  "--env-host",
  "--rmi",
  "-P",
  "--publish-all",
  "--no-hosts",
  "--oom-kill-disable",
  "--sig-proxy",
  "--read-only-tmpfs",
  "--passwd",
  "--http-proxy",
  "--tls-verify",
  "--help",
  "--disable-content-trust",
]);

export interface ParsedCreateCommand {
  /** `run` or `create` (or whatever followed the program name). */
  verb?: string;
  flags: EnvFlag[];
  image?: string;
}

function envValue(v: string, argIndex: number): EnvFlag {
  const eq = v.indexOf("=");
  if (eq < 0) {
    return v.endsWith("*")
      ? { kind: "env", key: v.slice(0, -1), prefix: true, argIndex }
      : { kind: "env", key: v, argIndex };
  }
  return { kind: "env", key: v.slice(0, eq), value: v.slice(eq + 1), argIndex };
}

/** Parses a CreateCommand argv. Never throws. */
export function parseCreateCommand(argv: readonly string[]): ParsedCreateCommand {
  const out: ParsedCreateCommand = { flags: [] };
  let i = 1;
  // Global options before the verb (`podman --root X run …`).
  while (i < argv.length && argv[i]!.startsWith("-")) {
    if (!argv[i]!.includes("=") && i + 1 < argv.length && !argv[i + 1]!.startsWith("-")) i++;
    i++;
  }
  // `podman container run` / `podman run`.
  if (argv[i] === "container") i++;
  out.verb = argv[i];
  i++;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      out.image = argv[i + 1];
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      out.image = a;
      break;
    }
    let name = a;
    let inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      if (eq > 0) {
        name = a.slice(0, eq);
        inline = a.slice(eq + 1);
      }
    } else if (
      a.length > 2 &&
      (a.startsWith("-e") || a.startsWith("-l") || a.startsWith("-v") || a.startsWith("-p"))
    ) {
      // short option with its value attached: -eKEY=V
      name = a.slice(0, 2);
      inline = a.slice(2);
    }
    const takeValue = (): string | undefined => {
      if (inline !== undefined) return inline;
      i++;
      return argv[i];
    };
    if (name === "-e" || name === "--env") {
      const v = takeValue();
      if (v !== undefined) out.flags.push(envValue(v, inline !== undefined ? i : i));
    } else if (name === "--env-file") {
      const v = takeValue();
      if (v !== undefined) out.flags.push({ kind: "env-file", path: v, argIndex: i });
    } else if (name === "--env-host") {
      if (inline === undefined || inline === "true") out.flags.push({ kind: "env-host", argIndex: i });
    } else if (inline === undefined && !BOOLEAN_FLAGS.has(name) && !/^-[a-zA-Z]{2,}$/.test(name)) {
      // An option that takes a value in the next word.
      if (i + 1 < argv.length) i++;
    }
  }
  return out;
}
