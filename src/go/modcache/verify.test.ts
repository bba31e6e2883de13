import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yazl from "yazl";
import { hash1Of } from "./hash1.js";
import { verifyModcache } from "./verify.js";
import { hashZip, hashZipBuffer } from "./ziphash.js";

let tmp: string;
beforeAll(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), "envtrace-verify-"));
});
afterAll(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

function zipBuffer(entries: Array<[string, string, boolean?]>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = new yazl.ZipFile();
    for (const [name, data, store] of entries) {
      if (name.endsWith("/")) z.addEmptyDirectory(name);
      else z.addBuffer(Buffer.from(data), name, { compress: !store });
    }
    const chunks: Buffer[] = [];
    z.outputStream
      .on("data", (c: Buffer) => chunks.push(c))
      .on("end", () => resolve(Buffer.concat(chunks)))
      .on("error", reject);
    z.end();
  });
}

describe("hashZip", () => {
  it("matches Hash1 of the entries for stored and deflated entries, counting directory entries like Go", async () => {
    const entries: Array<[string, string, boolean?]> = [
      ["m@v1.0.0/go.mod", "module m\n"],
      ["m@v1.0.0/a.go", "package a\n".repeat(100), true],
      ["m@v1.0.0/d/", ""],
    ];
    const buf = await zipBuffer(entries);
    const expected = hash1Of(entries.map(([name, data]) => ({ name, data })));
    expect((await hashZipBuffer(buf)).h1).toBe(expected);
    const f = path.join(tmp, "a.zip");
    fs.writeFileSync(f, buf);
    const r = await hashZip(f, "m@v1.0.0/go.mod");
    expect(r.h1).toBe(expected);
    expect(r.goMod?.toString()).toBe("module m\n");
  });
  it("rejects arbitrary bytes without throwing synchronously or hanging", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await hashZipBuffer(Buffer.from(bytes)).then(
          (r) => expect(r.h1).toMatch(/^h1:/),
          (e) => expect(e).toBeInstanceOf(Error),
        );
      }),
      { numRuns: 100 },
    );
  });
});

describe("verifyModcache without go.sum", () => {
  it("a zip that no longer matches its .ziphash is tampered-zip, unconfirmed; junk zips are unreadable", async () => {
    const cache = path.join(tmp, "cache");
    const at = path.join(cache, "cache", "download", "example.com", "m", "@v");
    fs.mkdirSync(at, { recursive: true });
    const entries: Array<[string, string]> = [["example.com/m@v1.0.0/go.mod", "module example.com/m\n"]];
    fs.writeFileSync(
      path.join(at, "v1.0.0.zip"),
      await zipBuffer([...entries, ["example.com/m@v1.0.0/x.go", "package x\n"]]),
    );
    fs.writeFileSync(
      path.join(at, "v1.0.0.ziphash"),
      hash1Of(entries.map(([name, data]) => ({ name, data }))),
    );
    fs.writeFileSync(path.join(at, "v1.0.0.mod"), "module example.com/m\n");
    fs.writeFileSync(path.join(at, "v2.0.0.zip"), "not a zip");
    fs.mkdirSync(path.join(cache, "cache", "download", "sumdb", "sum.golang.org", "lookup"), {
      recursive: true,
    });
    const r = await verifyModcache({ gomodcache: cache });
    expect(r.mismatches.map((m) => [m.kind, m.version, m.confirmedBy?.length ?? 0])).toEqual([
      ["tampered-zip", "v1.0.0", 0],
      ["unreadable-zip", "v2.0.0", 1],
    ]);
    expect(r.issues).toEqual([]);
    expect(r.moduleVersions).toBe(2);
  });
  it("a missing module cache is an issue, not a crash", async () => {
    const r = await verifyModcache({
      gomodcache: path.join(tmp, "nope"),
      gosumFiles: [path.join(tmp, "missing.sum")],
    });
    expect(r.mismatches).toEqual([]);
    expect(r.issues.map((i) => i.code).sort()).toEqual(["ENOENT", "ENOENT"]);
  });
});
