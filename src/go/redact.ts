/**
 * Masking of Go settings (through src/detect) and the `--redact` view. Go values are often lists
 * (GOPROXY, GOFLAGS, GOAUTH, CGO flags), so besides the whole value each URL userinfo, each `NAME=value`
 * pair and each word is checked; a value with any hit becomes a {@link SecretValue} whose mask keeps the
 * harmless parts (`https://********@proxy.corp/,direct`).
 */
import { detectSecret } from "../detect/index.js";
import { FULL_MASK, maskFor } from "../detect/mask.js";
import { SecretValue } from "../detect/secret-value.js";
import type { DisplayValue } from "../model/index.js";

const USERINFO = /([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/@\s,|;]+)@/g;
const PAIR = /([A-Za-z_][A-Za-z0-9_.]*)=([^\s,;|=]+)/g;

/** Masks a Go setting's value; returns the value itself when nothing in it is a credential. */
export function maskGoValue(key: string, value: string): DisplayValue {
  if (value === "") return value;
  const rules = new Set<string>();
  // The engine finds secrets anywhere in the value and masks only their spans.
  const whole = detectSecret(key, value);
  let masked = value;
  if (whole) {
    masked = maskFor(value, whole);
    for (const r of whole.ruleIds) rules.add(r);
  }
  // Any userinfo in a proxy URL is a credential (a token may stand alone as the user name).
  masked = masked.replace(USERINFO, (_m, scheme: string) => {
    rules.add("url-userinfo");
    return `${scheme}${FULL_MASK}@`;
  });
  // `-X main.apiToken=…` in GOFLAGS, `NAME=value` words in GOAUTH: judge each by its own name.
  masked = masked.replace(PAIR, (m, name: string, v: string) => {
    if (v.includes(FULL_MASK)) return m;
    const hit = detectSecret(name, v);
    if (!hit) return m;
    for (const r of hit.ruleIds) rules.add(r);
    return `${name}=${maskFor(v, hit)}`;
  });
  if (rules.size === 0) return value;
  if (masked === value) masked = FULL_MASK;
  return new SecretValue(value, masked, [...rules]);
}

export interface RedactContext {
  home?: string;
  user?: string;
  gopath?: string;
}

/**
 * `go env -json`-shaped output safe to paste into a ticket: secrets masked, the first GOPATH entry shown
 * as `$GOPATH`, the home directory as `$HOME`, the user name (as a whole path element) as `$USER`.
 */
export function redactGoEnv(
  values: ReadonlyMap<string, DisplayValue>,
  ctx: RedactContext,
): Record<string, string> {
  const out: Record<string, string> = {};
  const keys = [...values.keys()].sort();
  for (const key of keys) {
    const v = values.get(key)!;
    let s = typeof v === "string" ? v : v.mask;
    if (key !== "GOPATH" && ctx.gopath) s = replacePathPrefix(s, ctx.gopath, "$GOPATH");
    if (ctx.home) s = replacePathPrefix(s, ctx.home, "$HOME");
    if (ctx.user && ctx.user.length > 1) {
      s = s.replace(new RegExp(`(^|[/:=\\s])${escapeRe(ctx.user)}(?=$|[/:\\s])`, "g"), "$1$USER");
    }
    out[key] = s;
  }
  return out;
}

function replacePathPrefix(s: string, prefix: string, placeholder: string): string {
  const p = prefix.replace(/\/+$/, "");
  if (p === "" || p === "/") return s;
  return s.replace(new RegExp(`(^|[\\s:=,|'"])${escapeRe(p)}(?=$|[/\\s:,|'"])`, "g"), `$1${placeholder}`);
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}
