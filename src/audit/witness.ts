/**
 * Heads recorded outside the log: a syslog capture (any line holding an `envtrace@PEN` element with
 * `seq="N" hash="HEX"`, as the collector wrote it: plain, JSON-escaped or with rsyslog's `#34;`), the `seq=N hash=HEX` lines envtrace prints on stderr,
 * or bare 64-hex hashes, one a line.
 */
import { readFileSync, statSync } from "node:fs";
import { AuditVerifyError, MAX_RECORD_BYTES, type WitnessEntry } from "./verify.js";

// Quotes as written, JSON-escaped (a collector's JSON template) or as rsyslog's #34; escape.
const Q = String.raw`(?:\\?"|#34;)?`;
const PAIR = new RegExp(String.raw`\bseq=${Q}(\d{1,15})${Q}\s+hash=${Q}([0-9a-f]{64})\b`);
const BARE = /^\s*([0-9a-f]{64})\s*$/;

export function readWitness(file: string): WitnessEntry[] {
  let text: string;
  try {
    if (statSync(file).size > 1024 * MAX_RECORD_BYTES) throw Object.assign(new Error(), { code: "EFBIG" });
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new AuditVerifyError(
      `--witness ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  const out: WitnessEntry[] = [];
  text.split("\n").forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    const m = PAIR.exec(line);
    if (m) out.push({ seq: Number(m[1]), hash: m[2]!, at });
    else {
      const b = BARE.exec(line);
      if (b) out.push({ hash: b[1]!, at });
    }
  });
  if (out.length === 0)
    throw new AuditVerifyError(
      `--witness ${file}: no head in it (expected syslog lines of envtrace with seq and hash, or hashes)`,
    );
  return out;
}
