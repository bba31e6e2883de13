/**
 * The GOENV file (`go env -w`) and `$GOROOT/go.env` readers, byte-for-byte like cfg.go `readEnvFile`:
 * lines split on `\n` only; a line counts when it has a `=` and its first byte is `A`–`Z`; the value is
 * everything after the first `=` (no quoting, no trimming). In the user file the last duplicate wins; in
 * go.env the first one does. Never throws.
 */

export interface EnvFileEntry {
  key: string;
  value: string;
  /** 1-based line number. */
  line: number;
}

export function parseEnvFile(text: string): EnvFileEntry[] {
  const out: EnvFileEntry[] = [];
  const lines = text.split("\n");
  for (const [i, line] of lines.entries()) {
    const eq = line.indexOf("=");
    const c = line.charCodeAt(0);
    if (eq < 0 || !(c >= 0x41 && c <= 0x5a)) continue;
    out.push({ key: line.slice(0, eq), value: line.slice(eq + 1), line: i + 1 });
  }
  return out;
}

/** The entry that takes effect per key, and the lines it overrides (or that are ignored after it). */
export interface EffectiveEntry extends EnvFileEntry {
  /** Other lines for the same key, which do not take effect. */
  ignored: EnvFileEntry[];
}

/** `last` for the user GOENV file, `first` for `$GOROOT/go.env`. */
export function effectiveEntries(
  entries: readonly EnvFileEntry[],
  wins: "first" | "last",
): Map<string, EffectiveEntry> {
  const out = new Map<string, EffectiveEntry>();
  for (const e of entries) {
    const prev = out.get(e.key);
    if (!prev) out.set(e.key, { ...e, ignored: [] });
    else if (wins === "last") out.set(e.key, { ...e, ignored: [...prev.ignored, stripIgnored(prev)] });
    else prev.ignored.push(e);
  }
  return out;
}

function stripIgnored(e: EffectiveEntry): EnvFileEntry {
  return { key: e.key, value: e.value, line: e.line };
}
