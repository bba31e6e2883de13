/**
 * Reads the glibc symbol versions an ELF binary needs (`.gnu.version_r`, SHT_GNU_verneed), the same list
 * `readelf -V` prints under "Version needs section". Format: the System V gABI ELF header and section
 * headers, and the Linux Standard Base "Symbol Versioning" (Verneed/Vernaux records).
 * Untrusted input: every offset is bounds-checked; returns a result or a reason, never throws.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export interface ElfNeeds {
  /** True when the binary has a PT_INTERP/dynamic section with version needs (dynamically linked). */
  dynamic: boolean;
  /** `libc.so.6` → [`GLIBC_2.2.5`, `GLIBC_2.34`], per needed library. */
  needs: Record<string, string[]>;
}

const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_DYNAMIC = 6;
const MAX_RECORDS = 4096;

/** Parts of a file loaded at their offsets; bytes outside every region read as absent, never as zeros. */
export interface SparseFile {
  size: number;
  regions: Array<{ off: number; buf: Buffer }>;
}

interface Bytes {
  length: number;
  /** The `len` bytes at `off`, when all of them are loaded. */
  at(off: number, len: number): Buffer | undefined;
  /** Index of the next NUL at or after `off` within the region holding `off`, before `end`. */
  nul(off: number, end: number): number;
}

function bytesOf(src: Uint8Array | SparseFile): Bytes {
  if (src instanceof Uint8Array) {
    const b = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
    return {
      length: b.length,
      at: (o, n) => (o >= 0 && n >= 0 && o + n <= b.length ? b.subarray(o, o + n) : undefined),
      nul: (o, end) => {
        const z = b.indexOf(0, o);
        return z >= 0 && z < end ? z : -1;
      },
    };
  }
  const find = (o: number) => src.regions.find((r) => o >= r.off && o < r.off + r.buf.length);
  return {
    length: src.size,
    at: (o, n) => {
      const r = find(o);
      return r && o + n <= r.off + r.buf.length ? r.buf.subarray(o - r.off, o - r.off + n) : undefined;
    },
    nul: (o, end) => {
      const r = find(o);
      if (!r) return -1;
      const z = r.buf.indexOf(0, o - r.off);
      return z >= 0 && r.off + z < end ? r.off + z : -1;
    },
  };
}

export function elfVersionNeeds(src: Uint8Array | SparseFile): ElfNeeds | { error: string } {
  const b = bytesOf(src);
  const id = b.at(0, 6);
  if (!id || b.length < 52 || id[0] !== 0x7f || id[1] !== 0x45 || id[2] !== 0x4c || id[3] !== 0x46) {
    return { error: "not an ELF file" };
  }
  const is64 = id[4] === 2;
  const le = id[5] === 1;
  if ((id[4] !== 1 && id[4] !== 2) || (id[5] !== 1 && id[5] !== 2))
    return { error: "unknown ELF class or byte order" };
  const u16 = (o: number) => {
    const x = b.at(o, 2);
    return x ? (le ? x.readUInt16LE(0) : x.readUInt16BE(0)) : -1;
  };
  const u32 = (o: number) => {
    const x = b.at(o, 4);
    return x ? (le ? x.readUInt32LE(0) : x.readUInt32BE(0)) : -1;
  };
  const u64 = (o: number) => {
    const x = b.at(o, 8);
    if (!x) return -1;
    const v = le ? x.readBigUInt64LE(0) : x.readBigUInt64BE(0);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
  };
  const word = is64 ? u64 : u32;
  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  if (shoff <= 0 || shentsize < (is64 ? 64 : 40) || shnum <= 0 || shoff + shentsize * shnum > b.length) {
    return { error: "no section headers" };
  }
  const sec = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      type: u32(o + 4),
      offset: word(is64 ? o + 0x18 : o + 0x10),
      size: word(is64 ? o + 0x20 : o + 0x14),
      link: u32(is64 ? o + 0x28 : o + 0x18),
      info: u32(is64 ? o + 0x2c : o + 0x1c),
    };
  };
  const cstr = (start: number, end: number, off: number): string | undefined => {
    const s = start + off;
    if (off < 0 || start < 0 || s >= end || s >= b.length) return undefined;
    const z = b.nul(s, end);
    if (z < 0) return undefined;
    return b.at(s, z - s)?.toString("latin1");
  };
  let dynamic = false;
  const needs: Record<string, string[]> = {};
  for (let i = 0; i < shnum; i++) {
    const s = sec(i);
    if (s.type === SHT_DYNAMIC) dynamic = true;
    if (s.type !== SHT_GNU_VERNEED) continue;
    if (s.link < 0 || s.link >= shnum || s.offset < 0 || s.size < 0) continue;
    const strtab = sec(s.link);
    const strEnd = Math.min(b.length, strtab.offset + strtab.size);
    let vn = s.offset;
    const secEnd = Math.min(b.length, s.offset + s.size);
    for (let n = 0; n < Math.min(s.info, MAX_RECORDS) && vn >= 0 && vn + 16 <= secEnd; n++) {
      const cnt = u16(vn + 2);
      const file = cstr(strtab.offset, strEnd, u32(vn + 4));
      const aux = u32(vn + 8);
      const next = u32(vn + 12);
      const names: string[] = [];
      let va = vn + aux;
      for (let k = 0; k < Math.min(cnt, MAX_RECORDS) && aux > 0 && va + 16 <= secEnd; k++) {
        const name = cstr(strtab.offset, strEnd, u32(va + 8));
        if (name) names.push(name);
        const an = u32(va + 12);
        if (an <= 0) break;
        va += an;
      }
      if (file) needs[file] = [...(needs[file] ?? []), ...names];
      if (next <= 0) break;
      vn += next;
    }
  }
  return { dynamic, needs };
}

/** The highest `GLIBC_x.y[.z]` among the needs; undefined when none. */
export function highestGlibc(needs: Record<string, string[]>): string | undefined {
  let best: number[] | undefined;
  for (const list of Object.values(needs)) {
    for (const n of list) {
      const m = /^GLIBC_(\d+(?:\.\d+)+)$/.exec(n);
      if (!m) continue;
      const v = m[1]!.split(".").map(Number);
      if (!best || compareDotted(v, best) > 0) best = v;
    }
  }
  return best?.join(".");
}

export function compareDotted(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Reads only the parts of an ELF file that {@link elfVersionNeeds} looks at (header, section header table,
 * the version-needs sections and their string tables), so a 100 MB Go binary costs a few kilobytes of I/O.
 * File errors throw (the caller turns them into CollectionIssues); malformed content gives `{ error }`.
 */
export async function readElfVersionNeeds(realPath: string): Promise<ElfNeeds | { error: string }> {
  // Synchronous: a handful of small positioned reads; a thread-pool round trip each costs more than the read.
  const fd = openSync(realPath, "r");
  try {
    const { size } = fstatSync(fd);
    const file: SparseFile = { size, regions: [] };
    const load = (off: number, len: number) => {
      if (!Number.isSafeInteger(off) || off < 0 || len <= 0 || off >= size) return;
      const buf = Buffer.alloc(Math.min(len, size - off, 16 * 1024 * 1024));
      const bytesRead = readSync(fd, buf, 0, buf.length, off);
      file.regions.push({ off, buf: buf.subarray(0, bytesRead) });
    };
    load(0, 64);
    const head = file.regions[0]?.buf;
    if (!head || head.length < 52 || head.readUInt32BE(0) !== 0x7f454c46) return { error: "not an ELF file" };
    const is64 = head[4] === 2;
    const le = head[5] === 1;
    const rd = (b: Buffer, o: number, n: 2 | 4 | 8): number => {
      if (o < 0 || o + n > b.length) return -1;
      if (n === 2) return le ? b.readUInt16LE(o) : b.readUInt16BE(o);
      if (n === 4) return le ? b.readUInt32LE(o) : b.readUInt32BE(o);
      const v = le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o);
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
    };
    const W = is64 ? 8 : 4;
    const shoff = rd(head, is64 ? 0x28 : 0x20, W);
    const shentsize = rd(head, is64 ? 0x3a : 0x2e, 2);
    const shnum = rd(head, is64 ? 0x3c : 0x30, 2);
    if (shoff <= 0 || shentsize <= 0 || shnum <= 0) return elfVersionNeeds(file);
    load(shoff, shentsize * shnum);
    const sht = file.regions[1]?.buf;
    if (!sht) return elfVersionNeeds(file);
    const field = (i: number, off64: number, off32: number, n: 4 | 8 | "w") =>
      rd(sht, i * shentsize + (is64 ? off64 : off32), n === "w" ? W : n) as number;
    for (let i = 0; i < shnum; i++) {
      if (field(i, 4, 4, 4) !== SHT_GNU_VERNEED) continue;
      load(field(i, 0x18, 0x10, "w"), field(i, 0x20, 0x14, "w"));
      const link = field(i, 0x28, 0x18, 4);
      if (link >= 0 && link < shnum) load(field(link, 0x18, 0x10, "w"), field(link, 0x20, 0x14, "w"));
    }
    return elfVersionNeeds(file);
  } finally {
    closeSync(fd);
  }
}
