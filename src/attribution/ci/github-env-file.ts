/**
 * The `$GITHUB_ENV` and `$GITHUB_PATH` file formats, read exactly as the runner reads them after a step
 * (actions/runner `src/Runner.Worker/FileCommandManager.cs`, `SetEnvFileCommand` / `AddPathFileCommand`,
 * non-Windows build):
 *
 * - lines end at `\n` only (a `\r` stays part of the line); empty lines are skipped;
 * - `NAME=VALUE` when `=` comes before any `<<`; the value is everything after the first `=`;
 * - `NAME<<DELIM` when `<<` comes first: the value is the lines up to the first line equal to DELIM, joined
 *   with `\n` (the newline before DELIM is not part of it); an empty name or delimiter, a line with
 *   neither `=` nor `<<`, or a missing delimiter makes the runner fail the step — here it is an error entry
 *   and reading stops, since the runner applies nothing after it either;
 * - `$GITHUB_PATH`: every non-empty line is a directory prepended to PATH; a later duplicate moves to the front.
 *
 * Pure functions over text; never throw.
 */

export interface GithubEnvEntry {
  key: string;
  value: string;
  /** 1-based line of the `NAME=` or `NAME<<DELIM` line. */
  line: number;
  heredoc: boolean;
}

export interface GithubEnvError {
  line: number;
  reason: "empty-name" | "empty-delimiter" | "no-separator" | "missing-delimiter";
}

export interface GithubEnvFile {
  entries: GithubEnvEntry[];
  /** The first line the runner would reject (it fails the step there); reading stops. */
  error?: GithubEnvError;
}

/** Splits like the runner's `ReadLine`: on `\n`, the last piece kept even without a newline. */
function lines(text: string): string[] {
  if (text.length === 0) return [];
  const out = text.split("\n");
  // A trailing "\n" ends the last line; it does not start an empty one.
  if (out[out.length - 1] === "") out.pop();
  return out;
}

export function parseGithubEnvFile(text: string): GithubEnvFile {
  const all = lines(text);
  const entries: GithubEnvEntry[] = [];
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!;
    if (line === "") continue;
    const eq = line.indexOf("=");
    const hd = line.indexOf("<<");
    if (eq >= 0 && (hd < 0 || eq < hd)) {
      const key = line.slice(0, eq);
      // The runner checks the whole line for emptiness only, so `=x` sets a variable with an empty name;
      // no process can receive that, so it is reported instead.
      if (key === "") return { entries, error: { line: i + 1, reason: "empty-name" } };
      entries.push({ key, value: line.slice(eq + 1), line: i + 1, heredoc: false });
      continue;
    }
    if (hd >= 0) {
      const key = line.slice(0, hd);
      const delim = line.slice(hd + 2);
      if (key === "") return { entries, error: { line: i + 1, reason: "empty-name" } };
      if (delim === "") return { entries, error: { line: i + 1, reason: "empty-delimiter" } };
      const body: string[] = [];
      let j = i + 1;
      while (j < all.length && all[j] !== delim) body.push(all[j++]!);
      if (j >= all.length) return { entries, error: { line: i + 1, reason: "missing-delimiter" } };
      entries.push({ key, value: body.join("\n"), line: i + 1, heredoc: true });
      i = j;
      continue;
    }
    return { entries, error: { line: i + 1, reason: "no-separator" } };
  }
  return { entries };
}

export interface GithubPathEntry {
  dir: string;
  line: number;
}

/** `$GITHUB_PATH`: the directories in the order the runner prepends them (the last one ends up first). */
export function parseGithubPathFile(text: string): GithubPathEntry[] {
  const out: GithubPathEntry[] = [];
  lines(text).forEach((l, i) => {
    if (l !== "") out.push({ dir: l, line: i + 1 });
  });
  return out;
}

/** Writes entries in the format the runner reads (heredoc when the value has a newline). For tests. */
export function formatGithubEnvFile(entries: ReadonlyArray<{ key: string; value: string }>): string {
  let out = "";
  for (const e of entries) {
    if (!e.value.includes("\n")) {
      out += `${e.key}=${e.value}\n`;
      continue;
    }
    let delim = "ghadelimiter_EOF";
    while (e.value.split("\n").includes(delim)) delim += "_";
    out += `${e.key}<<${delim}\n${e.value}\n${delim}\n`;
  }
  return out;
}
