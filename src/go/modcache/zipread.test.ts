import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yazl from "yazl";
import { hash1Of } from "./hash1.js";
import { HashPool, WorkerJobError, workerEntry } from "./pool.js";
import { hashDir, hashZip, hashZipBuffer } from "./ziphash.js";
import { bufferSource, HashContext, hashEntries, Inflater, WHOLE_READ_MAX, ZipError } from "./zipread.js";

let tmp: string;
beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "envtrace-zipread-"));
});
afterAll(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

type Entry = { name: string; data: Buffer; store?: boolean; zip64?: boolean };

function zipBuffer(entries: Entry[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const e of entries) {
      if (e.name.endsWith("/")) z.addEmptyDirectory(e.name);
      else z.addBuffer(e.data, e.name, { compress: !e.store, forceZip64Format: e.zip64 ?? false });
    }
    const chunks: Buffer[] = [];
    z.outputStream
      .on("data", (c: Buffer) => chunks.push(c))
      .on("end", () => resolve(Buffer.concat(chunks)))
      .on("error", reject);
    z.end();
  });
}

const expected = (entries: Entry[]) => hash1Of(entries.map((e) => ({ name: e.name, data: e.data })));

describe("zip reading and hashing", () => {
  it("matches Hash1 of the entries for any names and contents, stored or deflated, zip64 or not", async () => {
    const entry = fc.record({
      name: fc
        .string({ minLength: 1, maxLength: 20, unit: "grapheme" })
        .filter((s) => !/[\n\\]|^\/|\/$/.test(s)),
      data: fc.oneof(
        fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
        fc.string({ maxLength: 3000 }).map((s) => Buffer.from(s.repeat(20))),
      ),
      store: fc.boolean(),
      zip64: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(entry, { maxLength: 8, selector: (e) => e.name }), async (entries) => {
        const buf = await zipBuffer(entries);
        expect((await hashZipBuffer(buf)).h1).toBe(expected(entries));
      }),
      { numRuns: 150 },
    );
  });

  it("streams entries larger than the output buffer and zips larger than one read", async () => {
    // 17 MiB of incompressible data (above WHOLE_READ_MAX: read in chunks), deflated and stored, plus text
    // that inflates to far more than the 256 KiB output buffer.
    const big = randomBytes(WHOLE_READ_MAX + (1 << 20));
    const entries: Entry[] = [
      { name: "m@v1/big.bin", data: big },
      { name: "m@v1/big.stored", data: big.subarray(0, 3 << 20), store: true },
      { name: "m@v1/text.go", data: Buffer.from("package x // filler\n".repeat(200_000)) },
      { name: "m@v1/go.mod", data: Buffer.from("module m\n") },
    ];
    const f = path.join(tmp, "big.zip");
    fs.writeFileSync(f, await zipBuffer(entries));
    expect(fs.statSync(f).size).toBeGreaterThan(WHOLE_READ_MAX);
    const r = await hashZip(f, "m@v1/go.mod");
    expect(r.h1).toBe(expected(entries));
    expect(r.goMod?.toString()).toBe("module m\n");
    expect(r.files.map((x) => x.name.toString())).toEqual(entries.map((e) => e.name));
  }, 60_000);

  it("rejects a wrong size, a corrupt stream and a truncated stream, and the inflater recovers", async () => {
    const entries: Entry[] = [{ name: "a.go", data: Buffer.from("package a\n".repeat(500)) }];
    const good = await zipBuffer(entries);
    const inflater = new Inflater();
    const hash = (b: Buffer) => hashEntries(bufferSource(b), inflater).digests;
    // Uncompressed size in the central directory, one byte more.
    const cd = good.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const wrongSize = Buffer.from(good);
    wrongSize.writeUInt32LE(wrongSize.readUInt32LE(cd + 24) + 1, cd + 24);
    expect(() => hash(wrongSize)).toThrow(ZipError);
    // Garbage in the deflate stream (after the local header and name).
    const corrupt = Buffer.from(good);
    corrupt.fill(0xff, 30 + 4, 30 + 4 + 8);
    expect(() => hash(corrupt)).toThrow(ZipError);
    // The compressed size cut short: the stream ends early.
    const short = Buffer.from(good);
    short.writeUInt32LE(5, cd + 20);
    expect(() => hash(short)).toThrow(ZipError);
    expect(hash(good)).toEqual(hash(good));
    expect((await hashZipBuffer(good)).h1).toBe(expected(entries));
  });

  it("refuses encrypted entries and unknown methods", async () => {
    const good = await zipBuffer([{ name: "a", data: Buffer.from("x") }]);
    const cd = good.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const enc = Buffer.from(good);
    enc.writeUInt16LE(1, cd + 8);
    await expect(hashZipBuffer(enc)).rejects.toThrow(/encrypted/);
    const bz = Buffer.from(good);
    bz.writeUInt16LE(12, cd + 10);
    await expect(hashZipBuffer(bz)).rejects.toThrow(/method 12/);
  });
});

describe("HashPool", () => {
  it("finds its worker from the sources and hashes as this thread does", async () => {
    expect(workerEntry()).toBeDefined();
    const pool = HashPool.create(2);
    expect(pool).toBeDefined();
    try {
      const files: string[] = [];
      for (let i = 0; i < 6; i++) {
        const f = path.join(tmp, `p${i}.zip`);
        fs.writeFileSync(
          f,
          await zipBuffer([
            { name: `m@v${i}/go.mod`, data: Buffer.from(`module m${i}\n`) },
            { name: `m@v${i}/a.go`, data: Buffer.from("package a\n".repeat(i * 100)) },
          ]),
        );
        files.push(f);
      }
      const viaPool = await Promise.all(files.map((f, i) => hashZip(f, `m@v${i}/go.mod`, pool)));
      const here = await Promise.all(files.map((f, i) => hashZip(f, `m@v${i}/go.mod`)));
      expect(viaPool).toEqual(here);
      expect(viaPool[3]!.goMod?.toString()).toBe("module m3\n");

      const err = await pool!.zip(path.join(tmp, "missing.zip")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkerJobError);
      expect((err as WorkerJobError).code).toBe("ENOENT");
      fs.writeFileSync(path.join(tmp, "junk.zip"), "not a zip");
      await expect(pool!.zip(path.join(tmp, "junk.zip"))).rejects.toMatchObject({ code: "BAD_ZIP" });

      const d = path.join(tmp, "tree");
      fs.mkdirSync(path.join(d, "sub"), { recursive: true });
      fs.writeFileSync(path.join(d, "go.mod"), "module m\n");
      fs.writeFileSync(path.join(d, "sub", "x.go"), "package sub\n");
      const h = await hashDir(d, "m@v1.0.0", pool);
      expect(h).toBe(
        hash1Of([
          { name: "m@v1.0.0/go.mod", data: "module m\n" },
          { name: "m@v1.0.0/sub/x.go", data: "package sub\n" },
        ]),
      );
      expect(await hashDir(d, "m@v1.0.0")).toBe(h);
    } finally {
      await pool?.close();
    }
  }, 30_000);

  it("answers every job of a batch, good and bad mixed, in order, when many are queued at once", async () => {
    const pool = HashPool.create(2)!;
    try {
      const jobs: Array<{ file: string; want: string; h1?: string }> = [];
      for (let i = 0; i < 40; i++) {
        const f = path.join(tmp, `b${i}.zip`);
        const entries: Entry[] = [
          { name: `m@v${i}/go.mod`, data: Buffer.from(`module m${i}\n`) },
          { name: `m@v${i}/a.go`, data: Buffer.from(`package a // ${i}\n`.repeat(i * 10)) },
        ];
        if (i % 7 === 3) fs.writeFileSync(f, `not a zip ${i}`);
        else if (i % 7 !== 5) fs.writeFileSync(f, await zipBuffer(entries));
        jobs.push({
          file: f,
          want: `m@v${i}/go.mod`,
          ...(i % 7 === 3 || i % 7 === 5 ? {} : { h1: expected(entries) }),
        });
      }
      const got = await Promise.all(
        jobs.map((j) =>
          pool.zip(j.file, j.want).then(
            (r) => ({ h1: r.h1, goMod: r.goMod?.toString() }),
            (e: WorkerJobError) => ({ code: e.code }),
          ),
        ),
      );
      got.forEach((g, i) => {
        if (i % 7 === 3) expect(g).toEqual({ code: "BAD_ZIP" });
        else if (i % 7 === 5) expect(g).toEqual({ code: "ENOENT" });
        else expect(g).toEqual({ h1: jobs[i]!.h1, goMod: `module m${i}\n` });
      });
    } finally {
      await pool.close();
    }
  }, 30_000);

  it("the same context hashes many zips in a row (reused buffers do not leak between zips)", async () => {
    const ctx = new HashContext();
    const a = path.join(tmp, "ra.zip");
    const b = path.join(tmp, "rb.zip");
    const ea: Entry[] = [{ name: "x", data: Buffer.from("a".repeat(5000)) }];
    const eb: Entry[] = [{ name: "y", data: Buffer.from("b") }];
    fs.writeFileSync(a, await zipBuffer(ea));
    fs.writeFileSync(b, await zipBuffer(eb));
    expect(ctx.zipFile(a).h1).toBe(expected(ea));
    expect(ctx.zipFile(b).h1).toBe(expected(eb));
    expect(ctx.zipFile(a).h1).toBe(expected(ea));
  });
});
