/**
 * Reads the glibc symbol versions an ELF binary needs (`.gnu.version_r`, SHT_GNU_verneed), the same list
 * `readelf -V` prints under "Version needs section". Format: the System V gABI ELF header and section
 * headers, and the Linux Standard Base "Symbol Versioning" (Verneed/Vernaux records).
 * Untrusted input: every offset is bounds-checked; returns a result or a reason, never throws.
 */
import { open } from "node:fs/promises";

export interface ElfNeeds {
  /** True when the binary has a PT_INTERP/dynamic section with version needs (dynamically linked). */
  dynamic: boolean;
  /** `libc.so.6` → [`GLIBC_2.2.5`, `GLIBC_2.34`], per needed library. */
  needs: Record<string, string[]>;
}

const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_DYNAMIC = 6;
const MAX_RECORDS = 4096;

export function elfVersionNeeds(buf: Uint8Array): ElfNeeds | { error: string } {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 52 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46)
    return { error: "not an ELF file" };
  const is64 = b[4] === 2;
  const le = b[5] === 1;
  if ((b[4] !== 1 && b[4] !== 2) || (b[5] !== 1 && b[5] !== 2))
    return { error: "unknown ELF class or byte order" };
  const u16 = (o: number) => (o + 2 <= b.length ? (le ? b.readUInt16LE(o) : b.readUInt16BE(o)) : -1);
  const u32 = (o: number) => (o + 4 <= b.length ? (le ? b.readUInt32LE(o) : b.readUInt32BE(o)) : -1);
  const u64 = (o: number) => {
    if (o + 8 > b.length) return -1;
    const v = le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o);
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
    if (off < 0 || s >= end || s >= b.length) return undefined;
    const z = b.indexOf(0, s);
    if (z < 0 || z > end) return undefined;
    return b.toString("latin1", s, z);
  };
  let dynamic = false;
  const needs: Record<string, string[]> = {};
  for (let i = 0; i < shnum; i++) {
    const s = sec(i);
    if (s.type === SHT_DYNAMIC) dynamic = true;
    if (s.type !== SHT_GNU_VERNEED) continue;
    if (s.link < 0 || s.link >= shnum) continue;
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
      for (let k = 0; k < Math.min(cnt, MAX_RECORDS) && va + 16 <= secEnd; k++) {
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
 * the version-needs sections and their string tables) into a zero-filled buffer of the file's size (pages
 * never written are never touched), so a 100 MB Go binary costs a few kilobytes of I/O.
 * File errors throw (the caller turns them into CollectionIssues); malformed content gives `{ error }`.
 */
export async function readElfVersionNeeds(realPath: string): Promise<ElfNeeds | { error: string }> {
  const fh = await open(realPath, "r");
  try {
    const { size } = await fh.stat();
    if (size < 52) return { error: "not an ELF file" };
    const buf = Buffer.alloc(size);
    const load = async (off: number, len: number) => {
      if (off < 0 || len <= 0 || off >= size) return;
      await fh.read(buf, off, Math.min(len, size - off), off);
    };
    await load(0, 64);
    if (buf[0] !== 0x7f || buf[1] !== 0x45 || buf[2] !== 0x4c || buf[3] !== 0x46)
      return { error: "not an ELF file" };
    const is64 = buf[4] === 2;
    const le = buf[5] === 1;
    const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
    const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
    const word = (o: number) =>
      is64 ? Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o)) : u32(o);
    const shoff = word(is64 ? 0x28 : 0x20);
    const shentsize = u16(is64 ? 0x3a : 0x2e);
    const shnum = u16(is64 ? 0x3c : 0x30);
    if (!Number.isSafeInteger(shoff) || shoff + shentsize * shnum > size) return elfVersionNeeds(buf);
    await load(shoff, shentsize * shnum);
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      if (o + (is64 ? 64 : 40) > size) break;
      if (u32(o + 4) !== SHT_GNU_VERNEED) continue;
      await load(word(is64 ? o + 0x18 : o + 0x10), word(is64 ? o + 0x20 : o + 0x14));
      const link = u32(is64 ? o + 0x28 : o + 0x18);
      const lo = shoff + link * shentsize;
      if (link < shnum && lo + (is64 ? 64 : 40) <= size) {
        await load(
          word(is64 ? lo + 0x18 : lo + 0x10),
          Math.min(word(is64 ? lo + 0x20 : lo + 0x14), 16 * 1024 * 1024),
        );
      }
    }
    return elfVersionNeeds(buf);
  } finally {
    await fh.close();
  }
}
