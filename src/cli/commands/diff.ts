import { readFile, stat } from "node:fs/promises";
import { diffSnapshots, VOLATILE_KEYS } from "../../drift/diff.js";
import { MAX_SNAPSHOT_BYTES, parseSnapshot, type Snapshot } from "../../drift/snapshot.js";
import { driftSubject } from "../../report/build.js";
import { EnvtraceError } from "../errors.js";
import { addOutputOptions, report } from "../output.js";
import type { CliCommand } from "./command.js";

async function load(file: string): Promise<Snapshot> {
  let bytes: Buffer;
  try {
    const st = await stat(file);
    if (!st.isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
    if (st.size > MAX_SNAPSHOT_BYTES) return parseSnapshot(new Uint8Array(MAX_SNAPSHOT_BYTES + 1), file);
    bytes = await readFile(file);
  } catch (err) {
    if (err instanceof EnvtraceError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new EnvtraceError("BAD_INPUT", {
      input: file,
      why: `cannot read the snapshot (${code}); create it with \`envtrace snapshot --out FILE\``,
    });
  }
  return parseSnapshot(bytes, file);
}

export const diffCommand: CliCommand = {
  name: "diff",
  register(program, ctx) {
    const cmd = program
      .command("diff")
      .description(
        "compare two snapshots (e.g. dev and prod): added, removed and changed variables and Go settings with their sources on both sides, and findings for security-relevant drift",
      )
      .argument("<a>", "the reference snapshot")
      .argument("<b>", "the snapshot compared with it")
      .option("--ignore <keys>", `comma-separated keys to leave out (default: ${VOLATILE_KEYS.join(",")})`)
      .option("--all-keys", "compare every key, including the per-session ones ignored by default");
    return addOutputOptions(cmd).action(async (a: string, b: string, o) => {
      const [sa, sb] = [await load(a), await load(b)];
      const ignore: string[] = o.allKeys
        ? []
        : o.ignore !== undefined
          ? String(o.ignore)
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
          : [...VOLATILE_KEYS];
      const drift = diffSnapshots(sa, sb, { a, b }, { ignore });
      await report(ctx, "diff", o, [driftSubject(drift)]);
    });
  },
};
