/**
 * What the go command knows, by release (facts/go-env.md §1.3, §1.4, §2.1). Used to ask `go env` only for
 * names the probed release understands, to tell which names are typos, and which are "costly"
 * (asking for them makes `go env` execute `$CC`).
 */

/** `internal/cfg.KnownEnv` (Go 1.24 list) plus the `*_ALLOW`/`*_DISALLOW` cgo names. */
export const KNOWN_ENV: ReadonlySet<string> = new Set(
  (
    "AR CC CGO_CFLAGS CGO_CFLAGS_ALLOW CGO_CFLAGS_DISALLOW CGO_CPPFLAGS CGO_CPPFLAGS_ALLOW CGO_CPPFLAGS_DISALLOW " +
    "CGO_CXXFLAGS CGO_CXXFLAGS_ALLOW CGO_CXXFLAGS_DISALLOW CGO_ENABLED CGO_FFLAGS CGO_FFLAGS_ALLOW " +
    "CGO_FFLAGS_DISALLOW CGO_LDFLAGS CGO_LDFLAGS_ALLOW CGO_LDFLAGS_DISALLOW CXX FC GCCGO GO111MODULE GO386 " +
    "GOAMD64 GOARCH GOARM GOARM64 GOAUTH GOBIN GOCACHE GOCACHEPROG GOENV GOEXE GOEXPERIMENT GOFIPS140 GOFLAGS " +
    "GOGCCFLAGS GOHOSTARCH GOHOSTOS GOINSECURE GOMIPS GOMIPS64 GOMODCACHE GONOPROXY GONOSUMDB GOOS GOPATH " +
    "GOPPC64 GOPRIVATE GOPROXY GORISCV64 GOROOT GOSUMDB GOTMPDIR GOTOOLCHAIN GOTOOLDIR GOVCS GOWASM GOWORK " +
    "GO_EXTLINK_ENABLED PKG_CONFIG"
  ).split(" "),
);

/**
 * Other names Go programs and the go command read that are not go-command settings: runtime variables,
 * GODEBUG, telemetry, coverage, gccgo, git, and the read-only `go env` names. Not typos.
 */
export const OTHER_GO_NAMES: ReadonlySet<string> = new Set(
  (
    "GODEBUG GOTELEMETRY GOTELEMETRYDIR GOVERSION GOCOVERDIR GCCGOTOOLDIR GOMAXPROCS GOGC GOMEMLIMIT " +
    "GOTRACEBACK GORACE GOROOT_FINAL GOROOT_BOOTSTRAP GOPACKAGESDRIVER GOFIPS GOLANG_PROTOBUF_REGISTRATION_CONFLICT"
  ).split(" "),
);

/** Names Go does not know that people set believing they do something (facts §2.3). */
export const KNOWN_NON_VARIABLES: ReadonlyMap<string, string> = new Map([
  ["GONOSUMCHECK", "GONOSUMDB"],
  ["GONOVERIFY", "GONOSUMDB"],
  ["GOSUMCHECK", "GOSUMDB"],
  ["GOPROXY_URL", "GOPROXY"],
]);

/** Release (minor of go1.N) in which a name first appeared; names absent here exist in every supported 1.x. */
export const SINCE: Readonly<Record<string, number>> = {
  GOINSECURE: 14,
  GOMODCACHE: 15,
  GOVCS: 16,
  GOVERSION: 16,
  GOEXPERIMENT: 16,
  GOWORK: 18,
  GOAMD64: 18,
  GOPPC64: 20,
  GOTOOLCHAIN: 21,
  GODEBUG: 21,
  GOTELEMETRY: 23,
  GOTELEMETRYDIR: 23,
  GOARM64: 23,
  GORISCV64: 23,
  GOAUTH: 24,
  GOFIPS140: 24,
  GOCACHEPROG: 24,
};

/** Asking `go env` for any of these runs `$CC` (env.go `ExtraEnvVarsCostly`). */
export const COSTLY: ReadonlySet<string> = new Set([
  "CGO_CFLAGS",
  "CGO_CPPFLAGS",
  "CGO_CXXFLAGS",
  "CGO_FFLAGS",
  "CGO_LDFLAGS",
  "PKG_CONFIG",
  "GOGCCFLAGS",
]);

/** Values the go command computes; no file or variable sets them (env.go `MkEnv`, `ExtraEnvVars`). */
export const COMPUTED: ReadonlySet<string> = new Set([
  "GOEXE",
  "GOHOSTOS",
  "GOHOSTARCH",
  "GOTOOLDIR",
  "GOVERSION",
  "GOMOD",
  "GOWORK",
  "GOGCCFLAGS",
  "GOTELEMETRY",
  "GOTELEMETRYDIR",
]);

/** Read from the OS environment only, never from the GOENV file or go.env (facts §1.1). */
export const ENV_ONLY: ReadonlySet<string> = new Set(["GOENV", "GODEBUG"]);

/** The architecture variable `go env` shows for a GOARCH (cfg.go `GetArchEnv`). */
export const ARCH_VAR: Readonly<Record<string, string>> = {
  "386": "GO386",
  amd64: "GOAMD64",
  arm: "GOARM",
  arm64: "GOARM64",
  mips: "GOMIPS",
  mipsle: "GOMIPS",
  mips64: "GOMIPS64",
  mips64le: "GOMIPS64",
  ppc64: "GOPPC64",
  ppc64le: "GOPPC64",
  riscv64: "GORISCV64",
  wasm: "GOWASM",
};

export function knownIn(name: string, minor: number): boolean {
  return (SINCE[name] ?? 0) <= minor;
}

/**
 * The names the safe probe asks `go env -json` for on release go1.`minor`: the settings this release knows,
 * without the costly ones and without the cgo `#cgo` directive regexes.
 */
export function probeNames(minor: number, goarch: string | undefined, full: boolean): string[] {
  const names = new Set<string>();
  for (const n of [...KNOWN_ENV, ...COMPUTED, "GODEBUG"]) {
    if (!knownIn(n, minor)) continue;
    if (!full && COSTLY.has(n)) continue;
    if (/_(DIS)?ALLOW$/.test(n) || n === "FC" || n === "GO_EXTLINK_ENABLED") continue;
    if (Object.values(ARCH_VAR).includes(n) && ARCH_VAR[goarch ?? ""] !== n) continue;
    names.add(n);
  }
  return [...names].sort();
}
