/**
 * The "init container writes an env file to a shared volume, the main container sources it" pattern,
 * followed statically (never executed): which files the main container's `sh -c` script sources, and
 * which `export NAME=value` lines an init container's script (or a Vault agent template annotation) writes
 * into them. A conservative line scan: what it cannot evaluate is reported with value null.
 */

export interface SourcedFile {
  path: string;
  /** 1-based line inside the script. */
  line: number;
}

export interface WrittenAssignment {
  key: string;
  /** null when the value is computed (`$(…)`, `$VAR`, template actions). */
  value: string | null;
  /** 1-based line inside the writer's script or template. */
  line: number;
}

const SHELLS = /(^|\/)(sh|bash|ash|dash|zsh|ksh|busybox)$/;

/** The script a container runs through `sh -c`, from command + args; undefined when it runs no shell script. */
export function shellScript(command: readonly string[], args: readonly string[]): string | undefined {
  const argv = [...command, ...args];
  const i = argv.findIndex((a) => SHELLS.test(a));
  if (i < 0) return undefined;
  const rest = argv.slice(i + 1);
  if (argv[i]!.endsWith("busybox") && rest[0] && SHELLS.test(rest[0])) rest.shift();
  const c = rest.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
  return c >= 0 ? rest[c + 1] : undefined;
}

/** Files read with `source FILE` or `. FILE` (paths given literally; `$VAR/x` paths are skipped). */
export function sourcedFiles(script: string): SourcedFile[] {
  const out: SourcedFile[] = [];
  const lines = script.split("\n");
  for (const [i, line] of lines.entries()) {
    const re = /(?:^|[;&|({]\s*|\b(?:then|do|else)\s+)(?:source|\.)\s+(["']?)([^\s"';&|)]+)\1/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const path = m[2]!;
      if (path.includes("$")) continue;
      out.push({ path, line: i + 1 });
    }
  }
  return out;
}

function unquote(v: string): string | null {
  const t = v.trim();
  if (/^'[^']*'$/.test(t)) return t.slice(1, -1);
  if (/^"[^"$`\\]*"$/.test(t)) return t.slice(1, -1);
  if (/[$`{}\\"']/.test(t)) return null;
  return t;
}

/** `export NAME=value` / `NAME=value` lines, wherever they appear in a text (heredoc, echo, template). */
export function exportsIn(text: string): WrittenAssignment[] {
  const out: WrittenAssignment[] = [];
  for (const [i, raw] of text.split("\n").entries()) {
    const re = /(?:^|[\s"'>;])export\s+([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;"']*)/g;
    for (let m = re.exec(raw); m; m = re.exec(raw)) {
      out.push({ key: m[1]!, value: /\{\{/.test(m[2]!) ? null : unquote(m[2]!), line: i + 1 });
    }
  }
  return out;
}

/**
 * Assignments a writer script puts into `path`: an `export` inside a line (or heredoc block) that
 * redirects to `path`. Lines that redirect elsewhere are ignored.
 */
export function writtenTo(script: string, path: string): WrittenAssignment[] {
  const out: WrittenAssignment[] = [];
  const lines = script.split("\n");
  const redirect = new RegExp(`>>?\\s*["']?${path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}["']?(\\s|$|;|&)`);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!redirect.test(`${line} `)) continue;
    const here = /<<-?\s*["']?([A-Za-z_]+)["']?/.exec(line);
    if (here) {
      const end = here[1]!;
      let j = i + 1;
      for (; j < lines.length && lines[j]!.trim() !== end; j++) {
        for (const a of exportsIn(lines[j]!)) out.push({ ...a, line: j + 1 });
      }
      i = j;
      continue;
    }
    for (const a of exportsIn(line)) out.push({ ...a, line: i + 1 });
  }
  return out;
}
