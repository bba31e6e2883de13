/**
 * Checks one or more audit log files (in order: FILE.1 FILE.2 … FILE) as one hash chain and names every
 * damage: the first bad record by file, line and `seq`, and the kind —
 * `edited` (a record's content no longer matches its hash, or its hash was recomputed so the next record
 * no longer links to it), `deleted` (a gap in `seq`), `inserted` (a record that is not part of the chain:
 * a duplicate `seq`), `reordered` (records out of `seq` order), `truncated` (a torn last line, or records
 * missing from the end according to a witness or an expected head), `bad-mac` (a MAC that the key does
 * not confirm, or none where the key expects one), `unknown-schema` (a record of a newer schema),
 * `corrupted` (a line that is no JSON record at all).
 *
 * What it cannot see alone: records cut from the END of the log (the file is then a shorter valid chain).
 * That needs a head recorded elsewhere: `expectHeads` (`--expect-head`) or a `witness` (a syslog capture
 * of the run-end events).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { AUDIT_SCHEMA, type AuditKey, GENESIS, HEX64, macOf, recomputeHash, sha256Hex } from "./record.js";

export type DamageKind =
  | "edited"
  | "deleted"
  | "inserted"
  | "reordered"
  | "truncated"
  | "bad-mac"
  | "unknown-schema"
  | "corrupted";

export interface Damage {
  kind: DamageKind;
  file: string;
  /** 1-based line number in `file`. */
  line: number;
  seq?: number;
  detail: string;
}

export interface VerifiedFile {
  file: string;
  records: number;
  firstSeq?: number;
  lastSeq?: number;
  head?: string;
}

export interface VerifyResult {
  files: VerifiedFile[];
  records: number;
  runs: number;
  /** Runs with a run-start but no run-end (a crash, or a truncated log). */
  openRuns: number;
  head?: { seq: number; hash: string; file: string; line: number };
  macs: "all" | "some" | "none";
  damages: Damage[];
  /** True when MACs were checked with a key. */
  macChecked: boolean;
}

export interface WitnessEntry {
  hash: string;
  seq?: number;
  /** Where the witness saw it (`FILE:line`). */
  at: string;
}

export interface VerifyOptions {
  key?: AuditKey;
  /** Skip MAC checks even when records carry MACs (no key at hand). */
  noMac?: boolean;
  expectHeads?: string[];
  witness?: WitnessEntry[];
  /** Longest line accepted (bytes). */
  maxLineBytes?: number;
}

/** A problem that stops verification before any record is judged (exit 2). */
export class AuditVerifyError extends Error {}

export const MAX_RECORD_BYTES = 1024 * 1024;

interface RawLine {
  line: number;
  text: string;
  /** No newline after it (the file's last bytes). */
  torn: boolean;
  tooLong: boolean;
}

/** The lines of a file, read in 4 MiB chunks; a line longer than `max` is reported, not held. */
export function* fileLines(file: string, max = MAX_RECORD_BYTES): Generator<RawLine> {
  let fd: number;
  try {
    fd = openSync(file, "r");
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      throw Object.assign(new Error(), { code: "EISDIR" });
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new AuditVerifyError(
      `${file}: cannot read the audit log (${code}${code === "EISDIR" ? ": not a regular file" : ""})`,
    );
  }
  try {
    const buf = Buffer.alloc(4 * 1024 * 1024);
    // Bytes of an unfinished line from the previous chunks (dropped once it is known to be too long).
    let carry: Buffer[] = [];
    let carryLen = 0;
    let tooLong = false;
    let line = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const firstNl = buf.indexOf(0x0a);
      if (firstNl < 0 || firstNl >= n) {
        if (!tooLong && carryLen + n <= max) {
          carry.push(Buffer.from(buf.subarray(0, n)));
          carryLen += n;
        } else {
          tooLong = true;
          carry = [];
          carryLen = 0;
        }
        continue;
      }
      // The line that began in earlier chunks.
      line++;
      if (tooLong || carryLen + firstNl > max) yield { line, text: "", torn: false, tooLong: true };
      else
        yield {
          line,
          text: Buffer.concat([...carry, buf.subarray(0, firstNl)]).toString("utf8"),
          torn: false,
          tooLong: false,
        };
      carry = [];
      carryLen = 0;
      tooLong = false;
      // Whole lines of this chunk: decoded at once, split as text.
      const lastNl = buf.lastIndexOf(0x0a, n - 1);
      if (lastNl > firstNl) {
        const texts = buf.toString("utf8", firstNl + 1, lastNl).split("\n");
        for (const text of texts) {
          line++;
          if (text.length > max && Buffer.byteLength(text) > max)
            yield { line, text: "", torn: false, tooLong: true };
          else yield { line, text, torn: false, tooLong: false };
        }
      }
      if (lastNl + 1 < n) {
        const rest = buf.subarray(lastNl + 1, n);
        if (rest.length <= max) {
          carry.push(Buffer.from(rest));
          carryLen = rest.length;
        } else tooLong = true;
      }
    }
    if (carryLen > 0 || tooLong) {
      line++;
      yield {
        line,
        text: tooLong ? "" : Buffer.concat(carry).toString("utf8"),
        torn: true,
        tooLong,
      };
    }
  } finally {
    closeSync(fd);
  }
}

interface Entry {
  file: string;
  line: number;
  /** Last line of its file without a newline. */
  torn: boolean;
  problem?: { kind: DamageKind; detail: string };
  seq?: number;
  prev?: string;
  hash?: string;
  type?: string;
  run?: string;
  selfOk?: boolean;
  mac?: string;
  kid?: string;
  /** Rotate records: the previous file's head they claim. */
  previousHead?: string;
}

const TAIL = /^,"hash":"[0-9a-f]{64}"(?:,"mac":"[0-9a-f]{64}")?\}$/;

/**
 * Whether a record's hash matches its content. Fast path: the line is the canonical body followed by
 * `,"hash":…` (as envtrace writes it), so the body's bytes are hashed as they are, once the parsed body is
 * known to be in JCS key order. Otherwise (another writer's member order) the body is canonicalized anew.
 */
function selfHashOk(text: string, o: Record<string, unknown>): boolean {
  const i = text.lastIndexOf(',"hash":"');
  if (i > 0 && TAIL.test(text.slice(i)) && keysInOrder(o)) {
    return sha256Hex(`${text.slice(0, i)}}`) === o.hash;
  }
  try {
    return recomputeHash(o) === o.hash;
  } catch {
    return false;
  }
}

/** The top-level members other than hash and mac are in JCS order and come before them. */
function keysInOrder(o: Record<string, unknown>): boolean {
  let prev = "";
  let seenHash = false;
  for (const k in o) {
    if (k === "hash" || k === "mac") {
      seenHash = true;
      continue;
    }
    if (seenHash || k <= prev) return false;
    prev = k;
  }
  return true;
}

function parseEntry(raw: RawLine, file: string): Entry {
  const e: Entry = { file, line: raw.line, torn: raw.torn };
  if (raw.tooLong) {
    e.problem = {
      kind: "corrupted",
      detail: `the line is longer than ${MAX_RECORD_BYTES} bytes: no record is`,
    };
    return e;
  }
  let r: unknown;
  try {
    r = JSON.parse(raw.text);
  } catch {
    e.problem = raw.torn
      ? {
          kind: "truncated",
          detail: "the last line is cut off (a write was interrupted: crash or full disk)",
        }
      : {
          kind: "corrupted",
          detail: raw.text.trim() === "" ? "an empty line" : "not a JSON record (binary or damaged bytes)",
        };
    return e;
  }
  if (r === null || typeof r !== "object" || Array.isArray(r)) {
    e.problem = { kind: "corrupted", detail: "not a JSON object" };
    return e;
  }
  const o = r as Record<string, unknown>;
  if (typeof o.v === "number" && o.v > AUDIT_SCHEMA) {
    e.problem = {
      kind: "unknown-schema",
      detail: `record of schema v${o.v}; this envtrace reads v${AUDIT_SCHEMA}: upgrade to verify it`,
    };
    if (typeof o.seq === "number") e.seq = o.seq;
    if (typeof o.hash === "string") e.hash = o.hash;
    return e;
  }
  if (
    o.v !== AUDIT_SCHEMA ||
    !Number.isSafeInteger(o.seq) ||
    (o.seq as number) < 0 ||
    typeof o.hash !== "string" ||
    !HEX64.test(o.hash) ||
    typeof o.prev !== "string" ||
    !HEX64.test(o.prev) ||
    typeof o.type !== "string" ||
    typeof o.run !== "string" ||
    o.payload === null ||
    typeof o.payload !== "object"
  ) {
    e.problem = {
      kind: o.v === undefined ? "corrupted" : "unknown-schema",
      detail:
        o.v === undefined
          ? "a JSON object that is no audit record"
          : "a record without the fields of schema v1",
    };
    return e;
  }
  e.seq = o.seq as number;
  e.prev = o.prev;
  e.hash = o.hash;
  e.type = o.type;
  e.run = o.run;
  if (typeof o.mac === "string") e.mac = o.mac;
  if (typeof o.kid === "string") e.kid = o.kid;
  if (o.type === "rotate") {
    const ph = (o.payload as Record<string, unknown>).previousHead;
    if (typeof ph === "string") e.previousHead = ph;
  }
  e.selfOk = selfHashOk(raw.text, o);
  if (raw.torn && e.selfOk) {
    // A whole record whose newline never made it: the write was cut after its last byte.
    e.problem = { kind: "truncated", detail: "the last record has no newline (a write was interrupted)" };
  }
  return e;
}

/** Reads and judges the files as one chain. Throws {@link AuditVerifyError} for unreadable input. */
export function verifyAuditFiles(files: readonly string[], o: VerifyOptions = {}): VerifyResult {
  const entries: Entry[] = [];
  const perFile: VerifiedFile[] = [];
  const empty: string[] = [];
  for (const file of files) {
    const vf: VerifiedFile = { file, records: 0 };
    let any = false;
    for (const raw of fileLines(file, o.maxLineBytes)) {
      any = true;
      const e = parseEntry(raw, file);
      entries.push(e);
      if (e.seq !== undefined && e.hash && !e.problem) {
        vf.records++;
        vf.firstSeq ??= e.seq;
        vf.lastSeq = e.seq;
        vf.head = e.hash;
      }
    }
    if (!any) empty.push(file);
    perFile.push(vf);
  }
  const withMac = entries.filter((e) => e.mac !== undefined).length;
  const valid = entries.filter((e) => e.hash !== undefined && !e.problem).length;
  const macs: VerifyResult["macs"] = withMac === 0 ? "none" : withMac === valid ? "all" : "some";
  if (withMac > 0 && !o.key && !o.noMac) {
    const first = entries.find((e) => e.mac !== undefined)!;
    throw new AuditVerifyError(
      `${first.file} line ${first.line} (seq ${first.seq}): the records carry MACs: give the key with --key-file or ENVTRACE_AUDIT_KEY (or --no-mac to check the hash chain only)`,
    );
  }
  const macChecked = !!o.key && !o.noMac;

  const damages: Damage[] = [];
  const flagged = new Set<Entry>();
  const damage = (e: Entry, kind: DamageKind, detail: string) => {
    if (flagged.has(e) && kind !== "bad-mac") return;
    flagged.add(e);
    damages.push({
      kind,
      file: e.file,
      line: e.line,
      ...(e.seq !== undefined ? { seq: e.seq } : {}),
      detail,
    });
  };
  for (const f of empty)
    damages.push({
      kind: "truncated",
      file: f,
      line: 1,
      detail: "the file is empty: its records were removed, or none were ever written",
    });

  // Where each seq occurs (first and last index into entries), for lookahead; all of them only when needed.
  const firstAt = new Map<number, number>();
  const lastAt = new Map<number, number>();
  entries.forEach((e, i) => {
    if (e.seq === undefined || e.problem?.kind === "corrupted") return;
    if (!firstAt.has(e.seq)) firstAt.set(e.seq, i);
    lastAt.set(e.seq, i);
  });
  const bySeq = {
    get(seq: number): number[] | undefined {
      const f = firstAt.get(seq);
      if (f === undefined) return undefined;
      const l = lastAt.get(seq)!;
      if (f === l) return [f];
      const out: number[] = [];
      for (let j = f; j <= l; j++)
        if (entries[j]!.seq === seq && entries[j]!.problem?.kind !== "corrupted") out.push(j);
      return out;
    },
  };
  const later = (seq: number, i: number) => (lastAt.get(seq) ?? -1) > i;

  let expSeq: number | undefined;
  let expPrev: string | undefined;
  let prevEntry: Entry | undefined;
  const moved = new Set<number>();
  const genuine = new Set<Entry>();
  const hashes = new Map<string, Entry>();
  const needHashes = (o.expectHeads?.length ?? 0) > 0 || (o.witness?.length ?? 0) > 0;
  let runs = 0;
  const open = new Set<string>();
  let head: VerifyResult["head"];
  let fileStart = true;
  let lastFile: string | undefined;

  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.file !== lastFile) {
      fileStart = true;
      lastFile = e.file;
    }
    const atFileStart = fileStart;
    fileStart = false;
    if (e.problem && e.problem.kind !== "truncated") {
      damage(e, e.problem.kind, e.problem.detail);
      if (e.seq !== undefined && e.hash) {
        expSeq = e.seq + 1;
        expPrev = e.hash;
      } else if (expSeq !== undefined) {
        // Unknown content: the next record is expected one further, linking to something unknown.
        expSeq++;
        expPrev = undefined;
      }
      prevEntry = e;
      continue;
    }
    if (e.problem?.kind === "truncated" && e.seq === undefined) {
      damage(e, "truncated", e.problem.detail);
      continue;
    }
    const seq = e.seq!;
    if (!e.selfOk) damage(e, "edited", "its content does not match its hash (the record was changed)");
    if (macChecked) {
      if (e.mac === undefined)
        damage(e, "bad-mac", "the record has no MAC (it was not written with the key)");
      else if (e.kid && e.kid !== o.key!.kid)
        damage(e, "bad-mac", `the record was MACed with key id ${e.kid}, not with this key (${o.key!.kid})`);
      else if (macOf(e.hash!, o.key!.key) !== e.mac)
        damage(e, "bad-mac", "the MAC does not match (forged or rewritten without the key)");
    }
    let advance = true;
    if (expSeq === undefined) {
      if (!(seq === 0 && e.prev === GENESIS) && e.type !== "rotate")
        damage(
          e,
          "deleted",
          seq === 0
            ? "the first record does not start a chain"
            : `the log starts at seq ${seq}: seq 0–${seq - 1} are missing`,
        );
    } else if (seq === expSeq) {
      if (expPrev !== undefined && e.prev !== expPrev && !genuine.has(e)) {
        const dupLater = (bySeq.get(seq) ?? []).find((j) => j > i && entries[j]!.prev === expPrev);
        if (dupLater !== undefined) {
          damage(e, "inserted", `a record with seq ${seq} that is not part of the chain`);
          genuine.add(entries[dupLater]!);
          advance = false;
        } else if (e.type === "rotate" && atFileStart) {
          damage(
            e,
            "truncated",
            `the previous file ends at a different head than this rotated file continues (${e.previousHead?.slice(0, 16) ?? "?"}…)`,
          );
        } else if (prevEntry && !flagged.has(prevEntry)) {
          damage(
            prevEntry,
            "edited",
            `its hash was recomputed: the next record (seq ${seq}) links to another version of it`,
          );
        } else if (!prevEntry || !flagged.has(prevEntry)) {
          damage(e, "edited", "it does not link to the record before it");
        }
      }
    } else if (seq > expSeq) {
      const missing: number[] = [];
      for (let s = expSeq; s < seq && missing.length < 1_000_000; s++) if (later(s, i)) missing.push(s);
      if (missing.length > 0) {
        damage(e, "reordered", `seq ${seq} comes before seq ${missing[0]}`);
        for (const s of missing) moved.add(s);
      } else if (atFileStart && e.type === "rotate" && e.prev === expPrev) {
        // unreachable: rotate keeps seq contiguous
      } else {
        damage(
          e,
          "deleted",
          seq - expSeq === 1
            ? `seq ${expSeq} is missing before it`
            : `seq ${expSeq}–${seq - 1} (${seq - expSeq} records) are missing before it`,
        );
      }
    } else {
      advance = false;
      if (moved.has(seq)) moved.delete(seq);
      else if ((bySeq.get(seq) ?? []).some((j) => j < i)) {
        const succ = (bySeq.get(seq + 1) ?? []).map((j) => entries[j]!);
        const earlier = entries[(bySeq.get(seq) ?? []).find((j) => j < i)!]!;
        if (succ.some((s) => s.prev === e.hash) && !succ.some((s) => s.prev === earlier.hash)) {
          damage(earlier, "inserted", `a record with seq ${seq} that is not part of the chain`);
          expPrev = seq + 1 === expSeq ? e.hash : expPrev;
        } else damage(e, "inserted", `a second record with seq ${seq} (not part of the chain)`);
      } else damage(e, "reordered", `seq ${seq} comes after seq ${expSeq - 1}`);
    }
    if (advance) {
      expSeq = seq + 1;
      expPrev = e.hash;
      prevEntry = e;
      head = { seq, hash: e.hash!, file: e.file, line: e.line };
    }
    if (needHashes) hashes.set(e.hash!, e);
    if (e.type === "run-start") {
      runs++;
      open.add(e.run!);
    } else if (e.type === "run-end") open.delete(e.run!);
    if (e.problem?.kind === "truncated") damage(e, "truncated", e.problem.detail);
  }

  const lastEntry = entries.at(-1);
  const endAt = { file: lastEntry?.file ?? files.at(-1) ?? "", line: (lastEntry?.line ?? 0) + 1 };
  for (const h of o.expectHeads ?? []) {
    if (!hashes.has(h))
      damages.push({
        kind: "truncated",
        ...endAt,
        detail: `the expected head ${h.slice(0, 16)}… is not in the log: records were removed from its end, or it was rewritten`,
      });
  }
  for (const w of o.witness ?? []) {
    const at = hashes.get(w.hash);
    if (at) continue;
    const sameSeq = w.seq !== undefined ? (bySeq.get(w.seq) ?? []).map((j) => entries[j]!) : [];
    if (sameSeq.length > 0) {
      const e = sameSeq[0]!;
      damages.push({
        kind: "edited",
        file: e.file,
        line: e.line,
        seq: e.seq!,
        detail: `the witness (${w.at}) recorded another hash for seq ${w.seq}: the record was rewritten`,
      });
    } else {
      damages.push({
        kind: "truncated",
        ...endAt,
        ...(w.seq !== undefined ? { seq: w.seq } : {}),
        detail: `the witness (${w.at}) saw ${w.seq !== undefined ? `seq ${w.seq}` : "a head"} that the log does not have${head ? ` (it ends at seq ${head.seq})` : ""}: records were removed from its end`,
      });
    }
  }
  const order = new Map(files.map((f, i) => [f, i]));
  damages.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line);
  return {
    files: perFile,
    records: entries.filter((e) => e.hash !== undefined).length,
    runs,
    openRuns: open.size,
    ...(head ? { head } : {}),
    macs,
    damages,
    macChecked,
  };
}
