/**
 * The shape of a Go check: one file, one object with `meta`, severity, remediation and references,
 * and a `run` that reads raw settings and returns hits whose messages never contain a value.
 */
import type { Stats } from "node:fs";
import type { Severity } from "../../model/index.js";
import type { EnvFileRead } from "../provenance.js";
import type { GoSetting } from "../types.js";
import type { GoVersion } from "../version.js";

/** `default` checks always run; the others only with `--profile <name>` (org policies, facts §5). */
export type GoProfile = "default" | "strict" | "cn-mirror";
export const GO_PROFILES: readonly GoProfile[] = ["default", "strict", "cn-mirror"];

export interface GoCheckContext {
  version: GoVersion;
  /** Raw effective value ("" when unset or unknown to this release). */
  get(key: string): string;
  setting(key: string): GoSetting<string> | undefined;
  settings: readonly GoSetting<string>[];
  /** The audited process environment. */
  env: Readonly<Record<string, string | undefined>>;
  userFile?: EnvFileRead & { stat?: Stats };
  /** uid of the audited process. */
  uid?: number;
  /** stat() following symlinks; undefined when the path does not exist or cannot be read. */
  stat(path: string): Promise<Stats | undefined>;
}

export interface GoCheckHit {
  messageId: string;
  key?: string;
  /** One line, no setting value in it. */
  message: string;
  /** Overrides the check's default severity for this hit. */
  severity?: Severity;
}

export interface GoCheck {
  meta: {
    /** `ENVT-GO-NNN`; also the name of docs/go/<id>.md. */
    id: string;
    /** Short slug, the prefix of every messageId. */
    name: string;
    description: string;
  };
  profile: GoProfile;
  severity: Severity;
  remediation: string;
  references: readonly string[];
  run(ctx: GoCheckContext): GoCheckHit[] | Promise<GoCheckHit[]>;
}

export const defineGoCheck = <T extends GoCheck>(c: T): T => c;

/** Go documentation anchors the checks cite. */
export const REF = {
  checksumDb: "https://go.dev/ref/mod#checksum-database",
  envVars: "https://go.dev/ref/mod#environment-variables",
  privateModules: "https://go.dev/ref/mod#private-modules",
  privateProxyAuth: "https://go.dev/ref/mod#private-module-proxy-auth",
  privacy: "https://go.dev/ref/mod#private-module-privacy",
  goproxyProtocol: "https://go.dev/ref/mod#goproxy-protocol",
  moduleAuth: "https://go.dev/ref/mod#authenticating",
  goEnvHelp: "https://pkg.go.dev/cmd/go#hdr-Environment_variables",
  goauthHelp: "https://pkg.go.dev/cmd/go#hdr-GOAUTH_environment_variable",
  buildFlags: "https://pkg.go.dev/cmd/go#hdr-Compile_packages_and_dependencies",
  buildCommands: "https://go.dev/ref/mod#build-commands",
  moduleCache: "https://go.dev/ref/mod#module-cache",
  toolchain: "https://go.dev/doc/toolchain#GOTOOLCHAIN",
  toolchainDownload: "https://go.dev/doc/toolchain#download",
  go117: "https://go.dev/doc/go1.17#go-get",
  releasePolicy: "https://go.dev/doc/devel/release#policy",
  cgo: "https://pkg.go.dev/cmd/cgo",
  godebug: "https://go.dev/doc/godebug",
  install: "https://go.dev/doc/install",
  goproxyCn: "https://goproxy.cn",
  threatModel: "https://go.dev/doc/security/threat-model",
} as const;
