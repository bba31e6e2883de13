/**
 * Static check that a regex runs in linear time in V8's backtracking engine: every quantifier is bounded
 * (`?`, `{n}`, `{m,n}` with n ≤ 70 000 — never `*`, `+`, `{m,}`), and no quantified group contains another
 * quantifier (star height ≤ 1). Under those conditions the work per start position is bounded by a
 * constant, so a scan is O(length × bound). Used for built-in rules (test) and for user rules (at load).
 * Returns the problems found (empty = accepted).
 */
export function linearTimeProblems(source: string, maxBound = 70_000): string[] {
  const problems: string[] = [];
  // Stack of groups: whether the group (so far) contains a quantifier.
  const stack: boolean[] = [];
  let lastGroupHadQuantifier = false;
  let prevWasGroupEnd = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      if (/[1-9k]/.test(source[i + 1] ?? "")) problems.push(`backreference at ${i}`);
      i++;
      prevWasGroupEnd = false;
      continue;
    }
    if (c === "[") {
      // Skip the class, honouring escapes.
      i++;
      if (source[i] === "^") i++;
      if (source[i] === "]") i++;
      while (i < source.length && source[i] !== "]") {
        if (source[i] === "\\") i++;
        i++;
      }
      prevWasGroupEnd = false;
      continue;
    }
    if (c === "(") {
      stack.push(false);
      prevWasGroupEnd = false;
      continue;
    }
    if (c === ")") {
      lastGroupHadQuantifier = stack.pop() ?? false;
      prevWasGroupEnd = true;
      continue;
    }
    let quant: string | null = null;
    if (c === "*" || c === "+") quant = c;
    else if (c === "?") {
      // `(?:`, `(?=`, `(?<` and lazy `??`/`}?` are not quantifiers of their own.
      const p = source[i - 1];
      if (p === "(" || p === "}" || p === "?") {
        prevWasGroupEnd = false;
        continue;
      }
      quant = "?";
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (m) {
        if (m[2] !== undefined && m[3] === "") quant = "{m,}";
        else {
          const hi = Number(m[3] ?? m[1]);
          if (hi > maxBound) problems.push(`bound ${hi} > ${maxBound} at ${i}`);
          quant = "{}";
        }
        i += m[0].length - 1;
      }
    }
    if (quant) {
      if (quant === "*" || quant === "+" || quant === "{m,}")
        problems.push(`unbounded quantifier '${quant}' at ${i}`);
      if (prevWasGroupEnd && lastGroupHadQuantifier && quant !== "?")
        problems.push(`nested quantifier at ${i}`);
      if (stack.length > 0) stack[stack.length - 1] = true;
      // A quantified group makes its parents quantified too.
      if (prevWasGroupEnd && lastGroupHadQuantifier) for (let k = 0; k < stack.length; k++) stack[k] = true;
    } else if (c !== "|" && c !== "^" && c !== "$") {
      // a literal char
    }
    if (prevWasGroupEnd && lastGroupHadQuantifier && stack.length > 0) stack[stack.length - 1] = true;
    prevWasGroupEnd = false;
  }
  return problems;
}
