/**
 * Module path and version case-escaping used in module cache and proxy paths
 * (golang.org/x/mod/module `EscapePath`/`UnescapePath`): every upper-case ASCII letter becomes `!` plus
 * its lower-case form. Unescaping rejects upper-case letters, `!` not followed by a lower-case letter,
 * and a trailing `!` — returns undefined then, never throws.
 */

export function escapeModulePath(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

export function unescapeModulePath(s: string): string | undefined {
  let out = "";
  let bang = false;
  for (const c of s) {
    if (bang) {
      if (c < "a" || c > "z") return undefined;
      out += c.toUpperCase();
      bang = false;
    } else if (c === "!") {
      bang = true;
    } else if (c >= "A" && c <= "Z") {
      return undefined;
    } else {
      out += c;
    }
  }
  return bang ? undefined : out;
}
