/**
 * Go release parsing and the support policy: "Each major Go release is supported until there are two
 * newer major releases" (go.dev/doc/devel/release#policy). The newest release below is what the fact
 * sheet's sources showed on {@link RELEASES_AS_OF}; a newer Go may exist by the time this runs.
 */

export interface GoVersion {
  /** As printed, e.g. `go1.19.8`, `go1.21rc2`, `devel go1.24-abcdef`. */
  raw: string;
  major: number;
  minor: number;
  patch?: number;
  /** Pre-release or devel suffix. */
  pre?: string;
  devel: boolean;
  goos?: string;
  goarch?: string;
}

/** Date of the release data (golang/website internal/history/release.go snapshot in facts/go-env.md §4.2). */
export const RELEASES_AS_OF = "2026-08-21";
/** Newest major release known on {@link RELEASES_AS_OF}: go1.27.0, released 2026-08-19. */
export const NEWEST_MINOR = 27;
export const NEWEST_RELEASE = "go1.27.0";

/** Parses `go version` output (`go version go1.19.8 linux/amd64`) or a bare `go1.19.8`. */
export function parseGoVersion(text: string): GoVersion | undefined {
  const line = (text.trim().split("\n")[0] ?? "").replace(/^go version /, "");
  const words = line.split(/\s+/);
  const platform = /^([a-z0-9]+)\/([a-z0-9]+)$/.exec(words[words.length - 1] ?? "");
  if (platform && words.length > 1) words.pop();
  const raw = words.join(" ");
  const m = /^(devel )?go(\d+)\.(\d+)(?:\.(\d+))?([a-z]+\d*)?/.exec(raw);
  if (!m) return undefined;
  const v: GoVersion = { raw, major: Number(m[2]), minor: Number(m[3]), devel: !!m[1] };
  if (m[4] !== undefined) v.patch = Number(m[4]);
  if (m[5]) v.pre = m[5];
  if (platform) {
    v.goos = platform[1]!;
    v.goarch = platform[2]!;
  }
  return v;
}

/** Supported majors on {@link RELEASES_AS_OF}: the newest and the one before it. */
export function isSupported(v: GoVersion, newestMinor = NEWEST_MINOR): boolean {
  if (v.major !== 1) return v.major > 1;
  return v.minor >= newestMinor - 1;
}

/** Feature switches by release (facts §1.1, §1.4, §2.1). */
export function features(v: GoVersion) {
  const atLeast = (minor: number) => v.major > 1 || v.minor >= minor;
  return {
    gorootGoEnv: atLeast(21),
    toolchain: atLeast(21),
    changedFlag: atLeast(23),
    goauth: atLeast(24),
  };
}
