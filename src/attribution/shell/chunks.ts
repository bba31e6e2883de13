/**
 * Splits a shell file into top-level statements, by lines, without a grammar: so that a construct the
 * bash grammar cannot read (zsh's `${(…)…}` flags, `[[ … ]]` globs, anonymous functions) costs that one
 * statement instead of everything after it. Used only when the whole-file parse has errors.
 *
 * A boundary is the end of a line at nesting depth 0 (`if`/`fi`, `case`/`esac`, `do`/`done`, `{`/`}`,
 * `(`/`)`), outside quotes and here-documents, not continued by `\`, `|`, `&&`, `||`. The pieces,
 * concatenated, are the text again.
 */

export interface Chunk {
  /** 0-based line of the chunk's first line. */
  line: number;
  text: string;
}

const OPEN = new Set(["if", "case", "do", "{", "("]);
const CLOSE = new Set(["fi", "esac", "done", "}", ")"]);

export function splitStatements(text: string): Chunk[] {
  const lines = text.split("\n");
  const chunks: Chunk[] = [];
  let start = 0;
  let depth = 0;
  let quote: "'" | '"' | "`" | null = null;
  let heredoc: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (heredoc.length > 0) {
      const end = line.replace(/^\t+/, "");
      if (end === heredoc[0]) heredoc.shift();
      if (heredoc.length === 0 && depth === 0) {
        chunks.push({
          line: start,
          text: lines.slice(start, i + 1).join("\n") + (i + 1 < lines.length ? "\n" : ""),
        });
        start = i + 1;
      }
    } else {
      const r = scanLine(line, quote);
      quote = r.quote;
      depth = Math.max(0, depth + r.delta);
      heredoc = r.heredocs;
      const continued = quote !== null || /(\\|\||&&|\|\|)\s*$/.test(stripComment(line));
      if (depth === 0 && !continued && heredoc.length === 0) {
        chunks.push({
          line: start,
          text: lines.slice(start, i + 1).join("\n") + (i + 1 < lines.length ? "\n" : ""),
        });
        start = i + 1;
      }
    }
  }
  if (start < lines.length) {
    const rest = lines.slice(start).join("\n");
    if (rest.length > 0) chunks.push({ line: start, text: rest });
  }
  return chunks;
}

function stripComment(line: string): string {
  const m = /(^|\s)#/.exec(line);
  return m ? line.slice(0, m.index) : line;
}

/** Nesting change of one line, the quote still open at its end, and here-documents it opens. */
function scanLine(
  line: string,
  open: "'" | '"' | "`" | null,
): { delta: number; quote: "'" | '"' | "`" | null; heredocs: string[] } {
  let quote = open;
  let delta = 0;
  const heredocs: string[] = [];
  let word = "";
  let wordStart = true;
  const endWord = () => {
    if (word && wordStart) {
      if (OPEN.has(word)) delta++;
      else if (CLOSE.has(word)) delta--;
    }
    word = "";
  };
  for (let j = 0; j < line.length; j++) {
    const c = line[j]!;
    if (quote) {
      if (c === "\\" && quote !== "'") j++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "\\") {
      j++;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      endWord();
      wordStart = false;
      quote = c;
      continue;
    }
    if (c === "#" && (j === 0 || /\s/.test(line[j - 1]!))) break;
    if (c === "<" && line[j + 1] === "<" && line[j + 2] !== "<") {
      const m = /^<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(line.slice(j));
      if (m) {
        heredocs.push(m[2]!);
        j += m[0].length - 1;
        continue;
      }
    }
    if (/\s|;|&|\|/.test(c)) {
      endWord();
      wordStart = true;
      continue;
    }
    if (c === "(" || c === ")") {
      endWord();
      // `$(`, `((`, `a)` in case patterns: count only a `(`/`)` standing for a subshell or group.
      if (c === "(" && line[j - 1] !== "$" && line[j - 1] !== "(" && line[j + 1] !== "(" && wordStart)
        delta++;
      else if (
        c === ")" &&
        line[j + 1] !== ")" &&
        line[j - 1] !== ")" &&
        /^\s*\)\s*(;|$|\|\||&&)/.test(line.slice(j)) &&
        /^\s*$/.test(line.slice(0, j))
      )
        delta--;
      wordStart = false;
      continue;
    }
    word += c;
  }
  endWord();
  return { delta, quote, heredocs };
}
