import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { goldenReport, SECRET } from "../../test/report/golden-input.js";
import { recordRun } from "./deliver.js";
import { canonicalize } from "./jcs.js";
import { type AuditKey, auditKey, GENESIS, sealRecord } from "./record.js";
import { verifyAuditFiles } from "./verify.js";
import { readWitness } from "./witness.js";
import { AuditLog, preflightAuditLog } from "./writer.js";

const env = { ENVTRACE_FINGERPRINT_KEY: "f".repeat(32) };
let dir: string;
let n = 0;
const file = () => join(dir, `a${++n}.log`);
const KEY = auditKey(Buffer.from("k".repeat(32)));

function report() {
  const r = goldenReport();
  r.run.id = randomUUID();
  return r;
}

async function runs(f: string, count: number, extra: Record<string, unknown> = {}, keyFile?: string) {
  let err = "";
  const io = { stderr: { write: (s: string) => (err += s) }, env };
  for (let i = 0; i < count; i++)
    await recordRun(report(), { auditLog: f, ...(keyFile ? { auditKeyFile: keyFile } : {}), ...extra }, io);
  return err;
}

const lines = (f: string) => readFileSync(f, "utf8").split("\n").slice(0, -1);
const put = (f: string, ls: string[]) => writeFileSync(f, `${ls.join("\n")}\n`);
/** A record edited and sealed again (hash recomputed; MAC only with the key). */
function reseal(line: string, edit: (o: Record<string, unknown>) => void, key?: AuditKey): string {
  const o = JSON.parse(line);
  delete o.hash;
  delete o.mac;
  delete o.kid;
  edit(o);
  return sealRecord(o, key).line.trimEnd();
}
const first = (f: string | string[], o = {}) => verifyAuditFiles(Array.isArray(f) ? f : [f], o).damages[0];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "envtrace-audit-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("JCS (RFC 8785)", () => {
  it("serializes the RFC's examples", () => {
    // RFC 8785 §3.2.2 (numbers, literals, string escapes) and §3.2.3 (sorting by UTF-16 code units).
    expect(
      canonicalize({
        // biome-ignore lint/correctness/noPrecisionLoss: the RFC's own example literal
        numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
        string: "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"/",
        literals: [null, true, false],
      }),
    ).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    const sorted = canonicalize({
      "\u20ac": 1,
      "\r": 2,
      "\ufb33": 3,
      "1": 4,
      "\ud83d\ude00": 5,
      "\u0080": 6,
      "\u00f6": 7,
    });
    expect(Object.keys(JSON.parse(sorted))).toEqual([
      "1",
      "\r",
      "\u0080",
      "\u00f6",
      "\u20ac",
      "\ud83d\ude00",
      "\ufb33",
    ]);
    expect(sorted.startsWith('{"\\r":2,"1":4')).toBe(true);
    expect(canonicalize({ b: undefined, a: [undefined, -0] })).toBe('{"a":[null,0]}');
    expect(() => canonicalize({ a: Number.NaN })).toThrow(/finite/);
  });
});

describe("HMAC", () => {
  it("macOf equals createHmac for short and long keys", async () => {
    const { createHmac } = await import("node:crypto");
    const { macOf } = await import("./record.js");
    for (const k of [Buffer.from("k".repeat(16)), Buffer.alloc(64, 7), Buffer.alloc(100, 9)]) {
      const h = "ab".repeat(32);
      expect(macOf(h, k)).toBe(createHmac("sha256", k).update(h, "latin1").digest("hex"));
    }
  });
});

describe("audit log: writing", () => {
  it("chains runs in one file; records carry masked values and keyed fingerprints, never the secret", async () => {
    const f = file();
    const err = await runs(f, 2);
    const ls = lines(f);
    const recs = ls.map((l) => JSON.parse(l));
    expect(recs[0]).toMatchObject({ v: 1, seq: 0, prev: GENESIS, type: "run-start" });
    expect(recs.map((r) => r.seq)).toEqual(recs.map((_, i) => i));
    for (let i = 1; i < recs.length; i++) expect(recs[i].prev).toBe(recs[i - 1].hash);
    expect(recs.filter((r) => r.type === "run-end")).toHaveLength(2);
    const end = recs.find((r) => r.type === "run-end");
    expect(end.payload).toMatchObject({ events: 6, records: 8, failures: 0 });
    expect(readFileSync(f, "utf8")).not.toContain(SECRET);
    const gh = recs.find((r) => r.type === "variable" && r.payload.key === "GITHUB_TOKEN");
    expect(gh.payload.data.masked).toBe(true);
    expect(gh.payload.valueFingerprint).toMatch(/^hmac-sha256:[0-9a-f]{12}$/);
    expect(err).toMatch(new RegExp(`head seq=${recs.length - 1} hash=${recs.at(-1).hash}`));
    const v = verifyAuditFiles([f]);
    expect(v.damages).toEqual([]);
    expect(v).toMatchObject({ records: 16, runs: 2, openRuns: 0, macs: "none" });
  });

  it("MACs every record with the key; a second run continues the chain", async () => {
    const f = file();
    const k = join(dir, "key");
    writeFileSync(k, `${"k".repeat(32)}\n`);
    await runs(f, 2, {}, k);
    const recs = lines(f).map((l) => JSON.parse(l));
    expect(recs.every((r) => r.kid === KEY.kid && /^[0-9a-f]{64}$/.test(r.mac))).toBe(true);
    expect(verifyAuditFiles([f], { key: KEY }).damages).toEqual([]);
  });

  it("cuts a torn last line before appending, and says so in the next run-start", async () => {
    const f = file();
    await runs(f, 1);
    const size = readFileSync(f).length;
    truncateSync(f, size - 20);
    expect(first(f)).toMatchObject({ kind: "truncated", line: 8 });
    const err = await runs(f, 1);
    expect(err).toMatch(/cut \d+ bytes of a torn last line/);
    const recs = lines(f).map((l) => JSON.parse(l));
    expect(recs[7]).toMatchObject({ type: "run-start", seq: 7 });
    expect(recs[7].payload.repairedTornBytes).toBeGreaterThan(0);
    expect(verifyAuditFiles([f]).damages).toEqual([]);
  });

  it("rotates before passing --audit-max-bytes; the files verify as one chain", async () => {
    const f = file();
    await runs(f, 4, { auditMaxBytes: 6000 });
    const parts = readdirSync(dir)
      .filter((x) => x.startsWith(`${f.split("/").at(-1)}.`) && /\.\d+$/.test(x))
      .sort((a, b) => Number(a.split(".").at(-1)) - Number(b.split(".").at(-1)))
      .map((x) => join(dir, x));
    expect(parts.length).toBeGreaterThan(1);
    const all = [...parts, f];
    for (const p of all) expect(readFileSync(p).length).toBeLessThanOrEqual(6000);
    expect(verifyAuditFiles(all).damages).toEqual([]);
    const next = JSON.parse(lines(parts[1]!)[0]!);
    expect(next.type).toBe("rotate");
    expect(next.payload.previousHead).toBe(JSON.parse(lines(parts[0]!).at(-1)!).hash);
    // A later file alone is fine (it starts with a rotate record) …
    expect(verifyAuditFiles([f]).damages).toEqual([]);
    // … and a missing middle file is a gap.
    expect(first([parts[0]!, ...parts.slice(2), f])).toMatchObject({
      kind: "deleted",
      file: parts[2] ?? f,
      line: 1,
    });
  });

  it("concurrent writers never interleave or fork the chain (in-process and across processes)", async () => {
    const f = file();
    await Promise.all(Array.from({ length: 6 }, () => runs(f, 2)));
    const recs = lines(f).map((l) => JSON.parse(l));
    expect(verifyAuditFiles([f]).damages).toEqual([]);
    // Whole runs, one after the other.
    for (let i = 0; i < recs.length; i += 8) {
      expect(recs[i].type).toBe("run-start");
      expect(new Set(recs.slice(i, i + 8).map((r) => r.run)).size).toBe(1);
    }
    const script = join(dir, "writer.mts");
    writeFileSync(
      script,
      `import { recordRun } from ${JSON.stringify(new URL("./deliver.ts", import.meta.url).pathname)};
import { goldenReport } from ${JSON.stringify(new URL("../../test/report/golden-input.ts", import.meta.url).pathname)};
import { randomUUID } from "node:crypto";
for (let i = 0; i < 5; i++) { const r = goldenReport(); r.run.id = randomUUID();
  await recordRun(r, { auditLog: process.argv[2] }, { stderr: { write() {} }, env: { ENVTRACE_FINGERPRINT_KEY: "${"f".repeat(32)}" } }); }`,
    );
    const tsx = new URL("../../node_modules/.bin/tsx", import.meta.url).pathname;
    const codes = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<number | null>((resolve) =>
            spawn(tsx, [script, f], { stdio: "ignore" }).on("exit", (c) => resolve(c)),
          ),
      ),
    );
    expect(codes).toEqual([0, 0, 0]);
    const v = verifyAuditFiles([f]);
    expect(v.damages).toEqual([]);
    expect(v.runs).toBe(12 + 15);
  }, 60_000);

  it("refuses before the scan what it can know: a missing directory, another key, a newer schema, a full disk", async () => {
    await expect(preflightAuditLog(join(dir, "nope", "a.log"), undefined)).rejects.toThrow(/does not exist/);
    await expect(preflightAuditLog(dir, undefined)).rejects.toThrow(/not a regular file/);
    const f = file();
    await runs(f, 1);
    await expect(preflightAuditLog(f, KEY)).rejects.toThrow(/carry no MACs/);
    const g = file();
    const k = join(dir, "key2");
    writeFileSync(k, "k".repeat(32));
    await runs(g, 1, {}, k);
    await expect(preflightAuditLog(g, undefined)).rejects.toThrow(/carry MACs/);
    await expect(preflightAuditLog(g, auditKey(Buffer.from("z".repeat(32))))).rejects.toThrow(/key id/);
    const h = file();
    put(h, [reseal(lines(f)[0]!, (o) => (o.v = 2))]);
    await expect(preflightAuditLog(h, undefined)).rejects.toThrow(/schema v2/);
  });

  it("a write failure mid-run is counted and reported (ENOSPC on a full tmpfs)", async () => {
    const mnt = mkdtempSync(join(tmpdir(), "envtrace-full-"));
    const { spawnSync } = await import("node:child_process");
    if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=16k", "tmpfs", mnt]).status !== 0) {
      console.warn("cannot mount a tmpfs here: the full-disk case is not exercised");
      return;
    }
    try {
      const f = join(mnt, "a.log");
      writeFileSync(join(mnt, "filler"), Buffer.alloc(8192));
      let err = "";
      const io = { stderr: { write: (s: string) => (err += s) }, env };
      const big = report();
      const r = await recordRun(big, { auditLog: f }, io);
      const r2 = await recordRun(report(), { auditLog: f }, io);
      const failed = [r, r2].find((x) => x.failed);
      expect(failed).toBeDefined();
      expect(failed!.issues[0]).toMatchObject({ code: "EIO" });
      expect(failed!.issues[0]!.detail).toMatch(/(ENOSPC|short write)[\s\S]*records of this run not written/);
      expect(err).toMatch(/audit log: .*(ENOSPC|short write)/);
      // Whatever was written still verifies up to a possibly torn last line.
      const v = verifyAuditFiles([f]);
      expect(v.damages.every((d) => d.kind === "truncated")).toBe(true);
      // Read-only: refused before the scan.
      spawnSync("mount", ["-o", "remount,ro", mnt]);
      await expect(preflightAuditLog(f, undefined)).rejects.toThrow(/EROFS|cannot write|disk is full/);
    } finally {
      spawnSync("umount", [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });

  it("AuditLog.open waits for another writer's lock", async () => {
    const f = file();
    const a = await AuditLog.open({ file: f });
    const t0 = Date.now();
    const pending = AuditLog.open({ file: f });
    await new Promise((r) => setTimeout(r, 300));
    a.append({ time: "t", host: "h", run: "r", type: "issue", payload: {} });
    await a.close();
    const b = await pending;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect(b.head.seq).toBe(0);
    await b.close();
  });
});

describe("audit verify: tampering", () => {
  let base: string;
  let ls: string[];
  beforeAll(async () => {
    base = file();
    await runs(base, 3);
    ls = lines(base);
    expect(ls).toHaveLength(24);
  });
  const variant = (edit: (x: string[]) => string[]) => {
    const f = file();
    put(f, edit([...ls]));
    return f;
  };

  it("edited content (hash not recomputed): that record", () => {
    const f = variant((x) => {
      x[4] = x[4]!.replace('"shell"', '"pam-env"');
      return x;
    });
    expect(first(f)).toMatchObject({ kind: "edited", line: 5, seq: 4 });
    expect(verifyAuditFiles([f]).damages).toHaveLength(1);
  });

  it("edited and re-hashed: that record, not its successor", () => {
    const f = variant((x) => {
      x[4] = reseal(x[4]!, (o) => ((o.payload as { code: string }).code = "pam-env"));
      return x;
    });
    expect(first(f)).toMatchObject({ kind: "edited", line: 5, seq: 4 });
  });

  it("deleted records: the record after the gap", () => {
    const f = variant((x) => [...x.slice(0, 6), ...x.slice(8)]);
    expect(first(f)).toMatchObject({ kind: "deleted", line: 7, seq: 8 });
    expect(first(variant((x) => x.slice(1)))).toMatchObject({ kind: "deleted", line: 1, seq: 1 });
  });

  it("inserted records: a duplicate, or a forged record that links in", () => {
    const dup = variant((x) => [...x.slice(0, 12), x[11]!, ...x.slice(12)]);
    expect(first(dup)).toMatchObject({ kind: "inserted", line: 13, seq: 11 });
    const forged = variant((x) => {
      const fake = reseal(x[11]!, (o) => ((o.payload as { code: string }).code = "forged"));
      return [...x.slice(0, 11), fake, ...x.slice(11)];
    });
    expect(first(forged)).toMatchObject({ kind: "inserted", line: 12, seq: 11 });
    expect(verifyAuditFiles([forged]).damages).toHaveLength(1);
  });

  it("reordered records", () => {
    const f = variant((x) => {
      [x[9], x[10]] = [x[10]!, x[9]!];
      return x;
    });
    expect(first(f)).toMatchObject({ kind: "reordered", line: 10, seq: 10 });
    expect(verifyAuditFiles([f]).damages).toHaveLength(1);
  });

  it("truncated: a torn line; a cut tail only with a witness or an expected head", () => {
    const torn = file();
    writeFileSync(torn, `${ls.join("\n")}\n${ls[0]!.slice(0, 40)}`);
    expect(first(torn)).toMatchObject({ kind: "truncated", line: 25 });
    const cut = variant((x) => x.slice(0, 18));
    expect(verifyAuditFiles([cut]).damages).toEqual([]);
    const head = JSON.parse(ls.at(-1)!).hash;
    expect(first(cut, { expectHeads: [head] })).toMatchObject({ kind: "truncated", line: 19 });
    expect(verifyAuditFiles([base], { expectHeads: [head] }).damages).toEqual([]);
    const witness = join(dir, "witness.log");
    writeFileSync(
      witness,
      `Dec  4 04:00:00 vm envtrace: <133>1 2026-12-04T04:00:00Z vm envtrace - run-end [envtrace@32473 type="run-end" run="x" seq="23" hash="${head}"] run ended\n`,
    );
    const w = readWitness(witness);
    expect(w).toEqual([{ seq: 23, hash: head, at: `${witness}:1` }]);
    expect(first(cut, { witness: w })).toMatchObject({ kind: "truncated", seq: 23 });
    expect(verifyAuditFiles([base], { witness: w }).damages).toEqual([]);
  });

  it("bad MACs: a record re-hashed without the key, a wrong key", async () => {
    const k = join(dir, "mkey");
    writeFileSync(k, "k".repeat(32));
    const f = file();
    await runs(f, 2, {}, k);
    // The attacker edits record 3 and re-hashes everything after it: the chain is whole again, the MACs are not.
    const x = lines(f);
    let prev = JSON.parse(x[2]!).hash;
    for (let i = 3; i < x.length; i++) {
      x[i] = reseal(x[i]!, (o) => {
        if (i === 3) (o.payload as { code: string }).code = "pam-env";
        o.prev = prev;
      });
      prev = JSON.parse(x[i]!).hash;
    }
    put(f, x);
    expect(first(f, { key: KEY })).toMatchObject({ kind: "bad-mac", line: 4, seq: 3 });
    expect(verifyAuditFiles([f], { noMac: true }).damages).toEqual([]);
    const wrong = auditKey(Buffer.from("w".repeat(32)));
    expect(first(f, { key: wrong })).toMatchObject({ kind: "bad-mac", line: 1 });
    expect(first(f, { key: wrong })!.detail).toMatch(/key id/);
    expect(() => verifyAuditFiles([f])).toThrow(/line 1 \(seq 0\): the records carry MACs/);
    // A key given for a log without MACs: every record lacks one.
    expect(first(base, { key: KEY })).toMatchObject({ kind: "bad-mac", line: 1 });
  });

  it("bad input: binary, empty, huge line, future schema, unreadable", () => {
    const bin = file();
    writeFileSync(bin, Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0x89, 0x50, 10]));
    expect(first(bin)).toMatchObject({ kind: "corrupted", line: 1 });
    const empty = file();
    writeFileSync(empty, "");
    expect(first(empty)).toMatchObject({ kind: "truncated", line: 1 });
    const huge = variant((x) => [...x.slice(0, 3), "x".repeat(2 * 1024 * 1024), ...x.slice(3)]);
    expect(first(huge)).toMatchObject({ kind: "corrupted", line: 4 });
    expect(first(huge)!.detail).toMatch(/longer than/);
    const future = variant((x) => [...x.slice(0, 5), reseal(x[5]!, (o) => (o.v = 9)), ...x.slice(6)]);
    expect(first(future)).toMatchObject({ kind: "unknown-schema", line: 6, seq: 5 });
    expect(verifyAuditFiles([future]).damages).toHaveLength(1);
    expect(() => verifyAuditFiles([join(dir, "missing.log")])).toThrow(
      /cannot read the audit log \(ENOENT\)/,
    );
    expect(() => verifyAuditFiles([dir])).toThrow(/not a regular file/);
  });
});

describe("audit verify: the byte-level fast path judges as JSON.parse does", () => {
  let ls: string[];
  let macLs: string[];
  beforeAll(async () => {
    const f = file();
    await runs(f, 2);
    ls = lines(f);
    const k = join(dir, "fkey");
    writeFileSync(k, "k".repeat(32));
    const g = file();
    await runs(g, 1, {}, k);
    macLs = lines(g);
  });
  /** Both paths over the same bytes: the same result, damage for damage. */
  const same = (content: string | Buffer, o: { key?: AuditKey; noMac?: boolean } = {}) => {
    const f = file();
    writeFileSync(f, content);
    const fast = verifyAuditFiles([f], o);
    expect(fast).toEqual(verifyAuditFiles([f], { ...o, fastPath: false }));
    return fast;
  };
  /** A record's body edited as text and hashed over its raw bytes (as a forger without JSON would). */
  const rawSeal = (line: string, edit: (body: string) => string) => {
    const body = edit(line.slice(0, line.indexOf(',"hash":"')));
    return `${body},"hash":"${createHash("sha256").update(`${body}}`).digest("hex")}"}`;
  };

  it("agrees on intact logs, with and without MACs", () => {
    expect(same(`${ls.join("\n")}\n`).damages).toEqual([]);
    expect(same(`${macLs.join("\n")}\n`, { key: KEY }).damages).toEqual([]);
    expect(same(`${macLs.join("\n")}\n`, { noMac: true }).damages).toEqual([]);
    expect(same(`${macLs.join("\n")}\n`, { key: auditKey(Buffer.from("w".repeat(32))) }).damages).not.toEqual(
      [],
    );
  });

  it("a body that is no JSON but hashes right is corrupted, not accepted", () => {
    const bad: [string, string][] = [
      ['"code":"', '"code":01,"x":"'], // leading zero
      ['"code":"', '"code":1.,"x":"'],
      ['"code":"', '"code":-,"x":"'],
      ['"code":"', '"code":tru,"x":"'],
      ['"code":"', '"code":[1,],"x":"'], // trailing comma
      ['"code":"', '"code":{"a":1,},"x":"'],
      ['"code":"', '"code":\'a\',"x":"'],
      ['"code":"', '"code":"\t","x":"'], // a raw control character in a string
      ['"code":"', '"code":"\\x","x":"'], // an escape JSON has not
      ['"code":"', '"code":"\\u12g4","x":"'],
      ['"code":"', '"code":{"a"},"x":"'],
      ['"code":"', '"code":[}],"x":"'],
      ['"payload":{', '"payload":{,'],
      ['"payload":{', '"payload":{"a":1}}{'],
    ];
    for (const [from, to] of bad) {
      const x = [...ls];
      x[3] = rawSeal(x[3]!, (b) => b.replace(from, to));
      expect(x[3]).not.toBe(ls[3]);
      const v = same(`${x.join("\n")}\n`);
      expect(v.damages[0], to).toMatchObject({ kind: "corrupted", line: 4 });
    }
  });

  it("agrees where the bytes are valid JSON in another layout, or not UTF-8", () => {
    const variants: ((b: string) => string)[] = [
      (b) => b.replace('"code":"', '"code": "'), // whitespace
      (b) => b.replace('"code":"', '"code":"\\u00e9\\n'), // escapes
      (b) => b.replace('"code":"', '"code":"é'), // non-ASCII
      (b) => b.replace('"code":"', '"code":[1e5,-0.5,true,null,{},[]],"c2":"'),
      (b) => b.replace('"run":"', '"run":"\\u0041'), // an escape in a member read as text
      (b) => b.replace('"type":"', '"type":"é'),
      (b) => b.replace('"seq":', '"seq":-'),
      (b) => b.replace(/"seq":(\d+)/, '"seq":$1.0'),
      (b) => b.replace(/"seq":(\d+)/, '"seq":1$1000000000000000'), // not a safe integer
      (b) => b.replace('"v":1', '"v":1,"w":2'), // a member after v
      (b) => b.replace('"v":1', '"v":1.0'),
      (b) => b.replace('{"host"', '{"a":1,"host"'), // an unknown member
      (b) => b.replace('"prev":"', '"prev":"A').replace(/("prev":"A[0-9a-f]{63})[0-9a-f]/, "$1"), // upper-case hex
      (b) => b.replace('"host":"', '"host":"\\"'),
    ];
    for (const edit of variants) {
      const x = [...ls];
      x[5] = rawSeal(x[5]!, edit);
      expect(x[5]).not.toBe(ls[5]);
      same(`${x.join("\n")}\n`);
    }
    // Bytes after the closing brace: whitespace is JSON (the record then hashes by its canonical form), the rest not.
    expect(same(`${ls.map((l, i) => (i === 2 ? `${l} ` : l)).join("\n")}\n`).damages).toEqual([]);
    for (const tail of ["}", "x", ",", "\u0000"]) {
      const v = same(`${ls.map((l, i) => (i === 2 ? l + tail : l)).join("\n")}\n`);
      expect(v.damages[0], tail).toMatchObject({ kind: "corrupted", line: 3 });
    }
    // Invalid UTF-8 inside a string, even hashed as it is: the text decoder's replacement character is what
    // JSON.parse reads, so the record does not match its hash.
    for (const byte of [0xff, 0xc3, 0x80]) {
      const line = Buffer.from(ls[6]!.slice(0, ls[6]!.indexOf(',"hash":"')));
      line[line.indexOf('"code":"') + 8] = byte;
      const h = createHash("sha256")
        .update(Buffer.concat([line, Buffer.from("}")]))
        .digest("hex");
      const bytes = Buffer.concat([
        Buffer.from(`${ls.slice(0, 6).join("\n")}\n`),
        line,
        Buffer.from(`,"hash":"${h}"}\n${ls.slice(7).join("\n")}\n`),
      ]);
      expect(same(bytes).damages[0]).toMatchObject({ kind: "edited", line: 7 });
    }
  });

  it("agrees on a log longer than one 4 MiB read, with lines cut by the reads (intact and damaged)", () => {
    // Records of ~1 KB with a non-ASCII member, sealed as the writer seals them, chained.
    const recs: string[] = [];
    let prev = GENESIS;
    for (let seq = 0; seq < 9000; seq++) {
      const { line, record } = sealRecord(
        {
          v: 1,
          seq,
          time: "2026-12-04T06:00:00.000Z",
          host: "h",
          run: "r",
          type: "variable",
          payload: { key: `K${seq}`, note: "é".repeat(seq % 7), value: "x".repeat(900 + (seq % 97)) },
          prev,
        },
        KEY,
      );
      recs.push(line.trimEnd());
      prev = record.hash;
    }
    const text = `${recs.join("\n")}\n`;
    expect(Buffer.byteLength(text)).toBeGreaterThan(8 * 1024 * 1024);
    expect(same(text, { key: KEY }).damages).toEqual([]);
    // The record that straddles the first read's end, edited inside the part after it.
    let at = 0;
    let i = 0;
    while (at + Buffer.byteLength(recs[i]!) + 1 <= 4 * 1024 * 1024) at += Buffer.byteLength(recs[i++]!) + 1;
    const x = [...recs];
    x[i] = x[i]!.replace(/x"\},"prev"/, 'y"},"prev"');
    expect(x[i]).not.toBe(recs[i]);
    const v = same(`${x.join("\n")}\n`, { key: KEY });
    expect(v.damages[0]).toMatchObject({ kind: "edited", line: i + 1, seq: i });
  });

  it("agrees on random damage: bytes changed, inserted or removed, lines moved", () => {
    const chars = [
      '"',
      "\\",
      ",",
      ":",
      "{",
      "}",
      "[",
      "]",
      " ",
      "0",
      "1",
      "a",
      "e",
      "-",
      ".",
      "é",
      "\t",
      "\n",
      "\u0000",
    ];
    const edit = fc.record({
      line: fc.nat(),
      pos: fc.nat(),
      op: fc.constantFrom("set", "insert", "delete", "append", "swap", "dup"),
      ch: fc.constantFrom(...chars),
    });
    fc.assert(
      fc.property(fc.boolean(), fc.array(edit, { minLength: 1, maxLength: 3 }), (mac, edits) => {
        const x = [...(mac ? macLs : ls)];
        for (const { line, pos, op, ch } of edits) {
          const i = line % x.length;
          const l = x[i]!;
          const p = pos % (l.length + 1);
          if (op === "set") x[i] = l.slice(0, p) + ch + l.slice(p + 1);
          else if (op === "insert") x[i] = l.slice(0, p) + ch + l.slice(p);
          else if (op === "delete") x[i] = l.slice(0, p) + l.slice(p + 1);
          else if (op === "append") x[i] = l + ch;
          else if (op === "swap" && i + 1 < x.length) [x[i], x[i + 1]] = [x[i + 1]!, l];
          else if (op === "dup") x.splice(i, 0, l);
        }
        same(`${x.join("\n")}\n`, mac ? { key: KEY } : {});
      }),
      { numRuns: 150 },
    );
  });
});
