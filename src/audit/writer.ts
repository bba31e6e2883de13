/**
 * Appends records to a hash-chained audit log.
 *
 * - One `write(2)` per record line on an `O_APPEND` descriptor, `fsync` when the run ends: a crash leaves
 *   at most one torn last line, which the next writer cuts off (and records in its run-start as
 *   `repaired`) and `audit verify` reports as `truncated`, never as tampering.
 * - Writers hold an advisory lock (`proper-lockfile`: an atomic `mkdir FILE.lock`, refreshed while held and
 *   taken over when stale, so a crashed writer does not block the log forever; Node has no `flock(2)`)
 *   from reading the head to the last fsync, so concurrent runs append whole runs one after the other and
 *   never fork the chain.
 * - Rotation (`maxBytes`): when the next line would pass the limit, FILE becomes FILE.N (N = the next free
 *   number) and the new FILE starts with a `rotate` record whose `prev` is the old file's head.
 */
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  statfsSync,
  statSync,
  writeSync,
} from "node:fs";
import { access } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import lockfile from "proper-lockfile";
import {
  AUDIT_SCHEMA,
  type AuditBody,
  type AuditKey,
  type AuditRecord,
  GENESIS,
  HEX64,
  sealRecord,
} from "./record.js";

export class AuditLogError extends Error {
  constructor(
    readonly file: string,
    readonly why: string,
    readonly errno?: string,
  ) {
    super(`${file}: ${why}`);
  }
}

export interface TailInfo {
  /** Last complete record, if any. */
  last?: { seq: number; hash: string; kid?: string; v: number; line: number };
  size: number;
  /** Bytes after the last newline (a torn write). */
  tornBytes: number;
}

const MAX_LINE = 4 * 1024 * 1024;

/** Reads the last complete record of a log (and how many torn bytes follow it). */
export function readTail(file: string): TailInfo {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { size: 0, tornBytes: 0 };
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { size, tornBytes: 0 };
    let chunk = Math.min(size, 64 * 1024);
    for (;;) {
      const buf = Buffer.alloc(chunk);
      readSync(fd, buf, 0, chunk, size - chunk);
      const lastNl = buf.lastIndexOf(0x0a);
      if (lastNl < 0 && chunk < size && chunk < MAX_LINE) {
        chunk = Math.min(size, chunk * 4);
        continue;
      }
      const tornBytes = lastNl < 0 ? chunk : chunk - lastNl - 1;
      if (lastNl < 0) return { size, tornBytes };
      const prevNl = buf.lastIndexOf(0x0a, lastNl - 1);
      if (prevNl < 0 && chunk < size && chunk < MAX_LINE) {
        chunk = Math.min(size, chunk * 4);
        continue;
      }
      const text = buf.subarray(prevNl + 1, lastNl).toString("utf8");
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(text);
      } catch {
        throw new AuditLogError(file, "its last record is not JSON: run `envtrace audit verify` on it");
      }
      if (
        typeof r.v !== "number" ||
        typeof r.seq !== "number" ||
        typeof r.hash !== "string" ||
        !HEX64.test(r.hash)
      )
        throw new AuditLogError(
          file,
          "its last record is no audit record: run `envtrace audit verify` on it",
        );
      return {
        size,
        tornBytes,
        last: {
          seq: r.seq,
          hash: r.hash,
          v: r.v,
          line: -1,
          ...(typeof r.kid === "string" ? { kid: r.kid } : {}),
        },
      };
    }
  } finally {
    closeSync(fd);
  }
}

function errno(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? "error";
}

/**
 * What can be known before a scan: the directory exists and is writable, the file (if any) is a writable
 * regular file whose last record is of this schema and MACed with the same key, the disk is not full.
 * Throws {@link AuditLogError} with one line saying what to do.
 */
export async function preflightAuditLog(file: string, key: AuditKey | undefined): Promise<void> {
  const dir = dirname(file);
  try {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: "ENOTDIR" });
  } catch (err) {
    throw new AuditLogError(file, `the directory ${dir} does not exist (${errno(err)}): create it first`);
  }
  let exists = true;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new AuditLogError(file, "is not a regular file: name a file for the audit log");
  } catch (err) {
    if (err instanceof AuditLogError) throw err;
    exists = false;
  }
  try {
    await access(exists ? file : dir, constants.W_OK);
  } catch (err) {
    throw new AuditLogError(
      file,
      `cannot write the audit log (${errno(err)}): choose a writable place or fix its permissions`,
      errno(err),
    );
  }
  try {
    const fs = statfsSync(dir);
    if (fs.bavail === 0)
      throw new AuditLogError(file, "the disk is full: free space before writing the audit log", "ENOSPC");
    // A read-only mount passes access(2) for root: the mount flag is what tells.
    if (exists) {
      const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND);
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof AuditLogError) throw err;
    throw new AuditLogError(file, `cannot write the audit log (${errno(err)})`, errno(err));
  }
  if (!exists) return;
  const tail = readTail(file);
  if (!tail.last) return;
  const why = keyProblem(tail.last, key);
  if (why) throw new AuditLogError(file, why);
}

/** Why a log whose last record is `last` must not be continued with `key`, if it must not. */
function keyProblem(last: NonNullable<TailInfo["last"]>, key: AuditKey | undefined): string | undefined {
  if (last.v > AUDIT_SCHEMA)
    return `its records are of schema v${last.v}, newer than this envtrace (v${AUDIT_SCHEMA}): upgrade, or start a new log`;
  if (last.kid && !key)
    return "its records carry MACs: give the key with --audit-key-file or ENVTRACE_AUDIT_KEY";
  if (last.kid && key && last.kid !== key.kid)
    return `its records are MACed with key id ${last.kid}, this key is ${key.kid}: use the log's key, or start a new log`;
  if (!last.kid && key)
    return "its records carry no MACs: start a new log to MAC records, or leave the key out";
  return undefined;
}

export interface AuditLogOptions {
  file: string;
  key?: AuditKey;
  /** Rotate before a line would make the file larger than this. */
  maxBytes?: number;
  /** How long to wait for another writer's lock (ms). */
  lockWaitMs?: number;
}

/** An open, locked audit log. `append` throws {@link AuditLogError} on a write failure. */
export class AuditLog {
  private fd = -1;
  private size = 0;
  private seq = 0;
  private prev = GENESIS;
  private release: (() => Promise<void>) | undefined;
  /** Torn bytes cut off the end when the log was opened. */
  repaired = 0;
  /** Files the log was rotated into during this run. */
  readonly rotated: string[] = [];
  written = 0;

  private constructor(private readonly o: AuditLogOptions) {}

  static async open(o: AuditLogOptions): Promise<AuditLog> {
    const log = new AuditLog(o);
    const wait = o.lockWaitMs ?? 30_000;
    try {
      log.release = await lockfile.lock(o.file, {
        realpath: false,
        lockfilePath: `${o.file}.lock`,
        stale: 10_000,
        retries: {
          retries: Math.max(1, Math.ceil(wait / 100)),
          minTimeout: 20,
          maxTimeout: 100,
          factor: 1.3,
        },
        onCompromised: () => {},
      });
    } catch (err) {
      throw new AuditLogError(
        o.file,
        `another writer holds ${o.file}.lock (${errno(err)}): wait for it, or remove the lock if no envtrace runs`,
        errno(err),
      );
    }
    try {
      log.openFile();
    } catch (err) {
      await log.unlock();
      throw err;
    }
    return log;
  }

  private openFile(): void {
    const file = this.o.file;
    const tail = readTail(file);
    try {
      this.fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o640);
    } catch (err) {
      throw new AuditLogError(file, `cannot open the audit log (${errno(err)})`, errno(err));
    }
    this.size = tail.size;
    if (tail.tornBytes > 0) {
      // The previous writer died mid-line: cut the torn line so the chain continues from the last record.
      ftruncateSync(this.fd, tail.size - tail.tornBytes);
      this.size -= tail.tornBytes;
      this.repaired = tail.tornBytes;
    }
    if (tail.last) {
      const why = keyProblem(tail.last, this.o.key);
      if (why) throw new AuditLogError(file, why);
      this.seq = tail.last.seq + 1;
      this.prev = tail.last.hash;
    }
  }

  get head(): { seq: number; hash: string } {
    return { seq: this.seq - 1, hash: this.prev };
  }

  get file(): string {
    return this.o.file;
  }

  append(body: Omit<AuditBody, "v" | "seq" | "prev">): AuditRecord {
    let sealed = this.seal(body);
    if (
      this.o.maxBytes &&
      this.size > 0 &&
      this.size + Buffer.byteLength(sealed.line, "utf8") > this.o.maxBytes
    ) {
      this.rotate(body);
      sealed = this.seal(body);
    }
    this.write(sealed);
    return sealed.record;
  }

  private seal(body: Omit<AuditBody, "v" | "seq" | "prev">) {
    return sealRecord(
      {
        v: AUDIT_SCHEMA,
        seq: this.seq,
        time: body.time,
        host: body.host,
        run: body.run,
        type: body.type,
        payload: body.payload,
        prev: this.prev,
      },
      this.o.key,
    );
  }

  private write({ line, record }: { line: string; record: AuditRecord }): void {
    const len = Buffer.byteLength(line, "utf8");
    let n: number;
    try {
      n = writeSync(this.fd, line);
    } catch (err) {
      throw new AuditLogError(this.o.file, `write failed (${errno(err)})`, errno(err));
    }
    if (n !== len) {
      this.size += n;
      throw new AuditLogError(this.o.file, `short write (${n} of ${len} bytes)`, "EIO");
    }
    this.prev = record.hash;
    this.seq++;
    this.size += n;
    this.written++;
  }

  private rotate(next: Omit<AuditBody, "v" | "seq" | "prev">): void {
    const file = this.o.file;
    this.sync();
    closeSync(this.fd);
    const base = basename(file);
    let n = 0;
    for (const name of readdirSync(dirname(file))) {
      const m = name.startsWith(`${base}.`) ? /^\d+$/.exec(name.slice(base.length + 1)) : null;
      if (m) n = Math.max(n, Number(m[0]));
    }
    const to = join(dirname(file), `${base}.${n + 1}`);
    try {
      renameSync(file, to);
      this.fd = openSync(
        file,
        constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL,
        0o640,
      );
    } catch (err) {
      throw new AuditLogError(file, `rotation failed (${errno(err)})`, errno(err));
    }
    this.rotated.push(to);
    this.size = 0;
    const sealed = this.seal({
      time: new Date().toISOString(),
      host: next.host,
      run: next.run,
      type: "rotate",
      payload: { previousFile: basename(to), previousHead: this.prev, previousSeq: this.seq - 1 },
    });
    this.write(sealed);
  }

  private sync(): void {
    try {
      fsyncSync(this.fd);
    } catch (err) {
      throw new AuditLogError(this.o.file, `fsync failed (${errno(err)})`, errno(err));
    }
  }

  /** fsync, close, unlock. Throws on a failed fsync (after unlocking). */
  async close(): Promise<void> {
    try {
      if (this.fd >= 0) {
        const fd = this.fd;
        this.fd = -1;
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      }
    } catch (err) {
      throw new AuditLogError(this.o.file, `fsync failed (${errno(err)})`, errno(err));
    } finally {
      await this.unlock();
    }
  }

  private async unlock(): Promise<void> {
    const r = this.release;
    this.release = undefined;
    if (r) await r().catch(() => {});
  }
}
