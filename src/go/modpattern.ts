/**
 * Module path patterns as GOPRIVATE, GONOPROXY, GONOSUMDB and GOINSECURE use them
 * (golang.org/x/mod/module `MatchPrefixPatterns`): comma-separated `path.Match` globs, each matched
 * against the leading path elements of a module path (as many elements as the glob has). Empty and
 * malformed globs never match; a trailing `/` is ignored. Never throws.
 */

/** Compiles a Go `path.Match` pattern; undefined when Go would return ErrBadPattern. */
export function compileGlob(glob: string): RegExp | undefined {
  let re = "^";
  let i = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === "*") {
      re += "[^/]*";
      i++;
    } else if (c === "?") {
      re += "[^/]";
      i++;
    } else if (c === "\\") {
      if (i + 1 >= glob.length) return undefined;
      re += escapeRe(glob[i + 1]!);
      i += 2;
    } else if (c === "[") {
      i++;
      let cls = "[";
      if (glob[i] === "^") {
        cls += "^";
        i++;
      }
      let n = 0;
      for (;;) {
        if (i >= glob.length) return undefined;
        if (glob[i] === "]" && n > 0) {
          i++;
          break;
        }
        let lo = glob[i]!;
        if (lo === "\\") {
          if (i + 1 >= glob.length) return undefined;
          lo = glob[++i]!;
        } else if (lo === "-" || lo === "]") return undefined;
        i++;
        cls += escapeClass(lo);
        if (glob[i] === "-") {
          i++;
          let hi = glob[i];
          if (hi === undefined || hi === "]") return undefined;
          if (hi === "\\") {
            hi = glob[++i];
            if (hi === undefined) return undefined;
          }
          if (hi < lo) return undefined;
          i++;
          cls += `-${escapeClass(hi)}`;
        }
        n++;
      }
      re += `${cls}]`;
    } else {
      re += escapeRe(c);
      i++;
    }
  }
  try {
    return new RegExp(`${re}$`, "u");
  } catch {
    return undefined;
  }
}

/** Escapes one character for use outside a class (the `u` flag rejects needless escapes such as `\-`). */
function escapeRe(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}

function escapeClass(c: string): string {
  return c.replace(/[\\\]^-]/g, "\\$&");
}

export function splitPatterns(globs: string): string[] {
  return globs
    .split(",")
    .map((g) => (g.endsWith("/") ? g.slice(0, -1) : g))
    .filter((g) => g !== "");
}

/** Does one glob match the leading elements of `target`? */
export function matchPrefixPattern(glob: string, target: string): boolean {
  const g = glob.endsWith("/") ? glob.slice(0, -1) : glob;
  if (g === "") return false;
  let n = g.split("/").length - 1;
  let prefix = target;
  for (let i = 0; i < target.length; i++) {
    if (target[i] === "/") {
      if (n === 0) {
        prefix = target.slice(0, i);
        break;
      }
      n--;
    }
  }
  if (n > 0) return false;
  const re = compileGlob(g);
  return !!re && re.test(prefix);
}

export function matchPrefixPatterns(globs: string, target: string): boolean {
  return splitPatterns(globs).some((g) => matchPrefixPattern(g, target));
}
