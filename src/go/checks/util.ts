/** Helpers shared by Go checks: GOPROXY and GOFLAGS parsing, public-host coverage of module patterns. */
import { matchPrefixPattern, splitPatterns } from "../modpattern.js";

/** Hosts of public module code; a pattern matching any path under one of them covers public modules. */
export const PUBLIC_HOSTS: readonly string[] = [
  "github.com",
  "gitlab.com",
  "bitbucket.org",
  "golang.org",
  "google.golang.org",
  "gopkg.in",
  "go.googlesource.com",
  "cloud.google.com",
  "k8s.io",
  "sigs.k8s.io",
  "go.uber.org",
  "go.opentelemetry.io",
  "go.etcd.io",
  "honnef.co",
];

/**
 * Public hosts for which some pattern matches an arbitrary module path (so not one organisation's
 * repositories but the host at large): `github.com`, `github.com/*`, `*`, `*.com`.
 */
export function publicHostsCovered(globs: string): string[] {
  const probes = (h: string) => [`${h}/zq9envtraceprobe`, `${h}/zq9envtraceprobe/zq9envtraceprobe`];
  return PUBLIC_HOSTS.filter((h) =>
    splitPatterns(globs).some((g) => probes(h).some((p) => matchPrefixPattern(g, p))),
  );
}

export interface ProxyEntry {
  /** `direct`, `off`, or the URL as written. */
  value: string;
  kind: "direct" | "off" | "url";
  /** Separator after this entry: `,` falls back only on 404/410, `|` on any error. */
  sep?: "," | "|";
  scheme?: string;
  userinfo?: boolean;
}

/** GOPROXY as proxy.go `proxyList` reads it: trimmed, empties skipped, `off`/`direct` end the list. */
export function parseGoProxy(value: string): ProxyEntry[] {
  const out: ProxyEntry[] = [];
  const re = /([^,|]*)([,|]?)/g;
  let m: RegExpExecArray | null = re.exec(value);
  while (m && m[0] !== "") {
    const raw = (m[1] ?? "").trim();
    const sep = m[2] as "," | "|" | "";
    if (raw !== "") {
      const e: ProxyEntry =
        raw === "direct" || raw === "off"
          ? { value: raw, kind: raw }
          : { value: raw, kind: "url", ...urlParts(raw) };
      if (sep) e.sep = sep;
      out.push(e);
      if (e.kind !== "url") break;
    }
    m = re.exec(value);
  }
  return out;
}

function urlParts(raw: string): { scheme: string; userinfo: boolean } {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/]*)/.exec(raw);
  // A bare host (`proxy.corp`) gets https:// prepended by the go command.
  if (!m) return { scheme: raw.startsWith("/") ? "file" : "https", userinfo: false };
  return { scheme: m[1]!.toLowerCase(), userinfo: m[2]!.includes("@") };
}

export interface GoFlag {
  name: string;
  value?: string;
}

/** GOFLAGS words (`-flag`, `--flag`, `-flag=value`), quotes stripped. */
export function parseGoFlags(value: string): GoFlag[] {
  const words = value.match(/'[^']*'|"[^"]*"|\S+/g) ?? [];
  const out: GoFlag[] = [];
  for (const w0 of words) {
    const w = w0.replace(/^['"]|['"]$/g, "");
    const m = /^--?([^=\s]+)(?:=(.*))?$/s.exec(w);
    if (!m) continue;
    const f: GoFlag = { name: m[1]! };
    if (m[2] !== undefined) f.value = m[2];
    out.push(f);
  }
  return out;
}

export function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}
