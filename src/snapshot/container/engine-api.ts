/**
 * Docker / Podman Engine API client over unix sockets (or plain tcp), with `undici`. Docker and Podman
 * share the Docker-compatible API (`/containers/<id>/json`, `/images/<id>/json`, `/images/<id>/history`);
 * Podman's own `/v<major>.0.0/libpod/containers/<id>/json` adds `Config.CreateCommand` (the CLI argv).
 *
 * Endpoints come from DOCKER_HOST / CONTAINER_HOST, then the default sockets. An endpoint named by
 * DOCKER_HOST or docker.sock is spoken to as Docker (compat API only); CONTAINER_HOST or podman.sock as
 * Podman (libpod API). Failures are issues, never exceptions; responses are size-capped.
 */
import * as fs from "node:fs";
import type { Agent } from "undici";

// undici is loaded on first use: hosts without an engine socket (and every `scan`) never pay for it.
let undici: Promise<typeof import("undici")> | undefined;
const loadUndici = () => {
  undici ??= import("undici");
  return undici;
};

import type { CollectionIssue } from "../../model/index.js";

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";
export const DEFAULT_PODMAN_SOCKET = "/run/podman/podman.sock";
const MAX_BODY = 32 * 1024 * 1024;

export interface EngineEndpoint {
  flavor: "docker" | "podman";
  /** unix socket path, or undefined for tcp. */
  socketPath?: string;
  /** `http://localhost` for sockets, `http://host:port` for tcp. */
  origin: string;
  /** Where the endpoint came from (for evidence): `DOCKER_HOST`, `CONTAINER_HOST`, a default socket. */
  from: string;
}

function parseHost(
  value: string,
  flavor: EngineEndpoint["flavor"],
  from: string,
): EngineEndpoint | undefined {
  if (value.startsWith("unix://")) {
    return { flavor, socketPath: value.slice("unix://".length), origin: "http://localhost", from };
  }
  if (value.startsWith("/")) return { flavor, socketPath: value, origin: "http://localhost", from };
  const m = /^(?:tcp|http):\/\/([^/]+)\/?$/.exec(value);
  if (m) return { flavor, origin: `http://${m[1]}`, from };
  return undefined;
}

function socketExists(p: string): boolean {
  try {
    return fs.statSync(p).isSocket();
  } catch {
    return false;
  }
}

/** The endpoints to try, in order: CONTAINER_HOST, DOCKER_HOST, then existing default sockets. */
export function engineEndpoints(
  env: NodeJS.ProcessEnv = process.env,
  issues: CollectionIssue[] = [],
): EngineEndpoint[] {
  const out: EngineEndpoint[] = [];
  const add = (e: EngineEndpoint | undefined) => {
    if (
      e &&
      !out.some((o) => o.socketPath === e.socketPath && o.origin === e.origin && o.flavor === e.flavor)
    )
      out.push(e);
  };
  for (const [name, flavor] of [
    ["CONTAINER_HOST", "podman"],
    ["DOCKER_HOST", "docker"],
  ] as const) {
    const v = env[name];
    if (!v) continue;
    const e = parseHost(v, flavor, name);
    if (e) add(e);
    else
      issues.push({
        subject: name,
        code: "UNSUPPORTED",
        detail: `only unix:// and tcp:// endpoints are supported in ${name}`,
      });
  }
  if (socketExists(DEFAULT_PODMAN_SOCKET))
    add(parseHost(DEFAULT_PODMAN_SOCKET, "podman", DEFAULT_PODMAN_SOCKET));
  if (socketExists(DEFAULT_DOCKER_SOCKET))
    add(parseHost(DEFAULT_DOCKER_SOCKET, "docker", DEFAULT_DOCKER_SOCKET));
  return out;
}

export type ApiResult<T> = { ok: true; body: T } | { ok: false; status?: number; issue: CollectionIssue };

/** One endpoint's client. `close()` when done (keeps one connection pool per endpoint). */
export class EngineClient {
  private agentPromise: Promise<Agent> | undefined;
  private libpodPrefix: Promise<string | undefined> | undefined;

  constructor(
    readonly endpoint: EngineEndpoint,
    readonly timeoutMs = 5000,
  ) {}

  private agent(): Promise<Agent> {
    this.agentPromise ??= loadUndici().then(
      ({ Agent }) =>
        new Agent({
          connect: this.endpoint.socketPath
            ? { socketPath: this.endpoint.socketPath, timeout: this.timeoutMs }
            : { timeout: this.timeoutMs },
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        }),
    );
    return this.agentPromise;
  }

  get name(): string {
    return this.endpoint.socketPath ?? this.endpoint.origin;
  }

  async getJson<T = unknown>(path: string): Promise<ApiResult<T>> {
    const subject = `${this.name} ${path.split("?")[0]}`;
    try {
      const [{ request }, dispatcher] = await Promise.all([loadUndici(), this.agent()]);
      const res = await request(`${this.endpoint.origin}${path}`, {
        dispatcher,
        method: "GET",
        // One request per connection: no idle keep-alive socket holds the CLI process open after it is done.
        reset: true,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of res.body) {
        const b = c as Buffer;
        size += b.length;
        if (size > MAX_BODY) {
          res.body.destroy();
          return {
            ok: false,
            status: res.statusCode,
            issue: { subject, code: "TOO_LARGE", detail: "response above 32 MiB" },
          };
        }
        chunks.push(b);
      }
      const text = Buffer.concat(chunks).toString("utf8");
      if (res.statusCode === 404) {
        return {
          ok: false,
          status: 404,
          issue: { subject, code: "ENOENT", detail: "not found by the engine" },
        };
      }
      if (res.statusCode >= 400) {
        return {
          ok: false,
          status: res.statusCode,
          issue: {
            subject,
            code: res.statusCode === 403 || res.statusCode === 401 ? "EACCES" : "EIO",
            detail: `engine answered HTTP ${res.statusCode}`,
          },
        };
      }
      try {
        return { ok: true, body: JSON.parse(text) as T };
      } catch {
        return {
          ok: false,
          status: res.statusCode,
          issue: { subject, code: "PARSE", detail: "engine answer is not JSON" },
        };
      }
    } catch (err) {
      const code = (err as { code?: string }).code;
      const detail =
        code === "ENOENT" || code === "ECONNREFUSED"
          ? "no engine listening on this socket; start it (e.g. `systemctl start docker` or `podman system service`) or set DOCKER_HOST/CONTAINER_HOST"
          : code === "EACCES"
            ? "permission denied on the socket; run as root or join the docker group"
            : code === "UND_ERR_CONNECT_TIMEOUT" ||
                code === "UND_ERR_HEADERS_TIMEOUT" ||
                code === "UND_ERR_BODY_TIMEOUT"
              ? `no answer within ${this.timeoutMs} ms`
              : `request failed (${code ?? (err instanceof Error ? err.message.split("\n")[0] : "error")})`;
      const ic = code === "EACCES" ? "EACCES" : code?.includes("TIMEOUT") ? "TIMEOUT" : "UNAVAILABLE";
      return { ok: false, issue: { subject: this.name, code: ic, detail } };
    }
  }

  /** `/v<major>.0.0/libpod` from the `Libpod-Api-Version` header of `/_ping`; undefined for Docker. */
  libpod(): Promise<string | undefined> {
    this.libpodPrefix ??= (async () => {
      if (this.endpoint.flavor !== "podman") return undefined;
      try {
        const [{ request }, dispatcher] = await Promise.all([loadUndici(), this.agent()]);
        const res = await request(`${this.endpoint.origin}/_ping`, {
          dispatcher,
          method: "GET",
          reset: true,
        });
        await res.body.dump();
        const v = res.headers["libpod-api-version"];
        const major = typeof v === "string" ? /^(\d+)\./.exec(v)?.[1] : undefined;
        return major ? `/v${major}.0.0/libpod` : undefined;
      } catch {
        return undefined;
      }
    })();
    return this.libpodPrefix;
  }

  async inspectContainer(idOrName: string): Promise<ApiResult<DockerContainer>> {
    const enc = encodeURIComponent(idOrName);
    const lp = await this.libpod();
    if (lp) {
      const r = await this.getJson<DockerContainer>(`${lp}/containers/${enc}/json`);
      if (r.ok || r.status === 404) return r;
    }
    return this.getJson<DockerContainer>(`/containers/${enc}/json`);
  }

  inspectImage(id: string): Promise<ApiResult<DockerImage>> {
    return this.getJson<DockerImage>(`/images/${encodeURIComponent(id)}/json`);
  }

  imageHistory(id: string): Promise<ApiResult<DockerHistoryItem[]>> {
    return this.getJson<DockerHistoryItem[]>(`/images/${encodeURIComponent(id)}/history`);
  }

  close(): Promise<void> {
    return this.agentPromise ? this.agentPromise.then((a) => a.close()) : Promise.resolve();
  }
}

/** The fields of `GET /containers/<id>/json` envtrace reads (Docker and Podman compat and libpod). */
export interface DockerContainer {
  Id?: string;
  Name?: string;
  Created?: string;
  /** Image id (Docker: `sha256:…`; libpod: bare hex). */
  Image?: string;
  ImageName?: string;
  OCIRuntime?: string;
  State?: { Pid?: number; Running?: boolean; Status?: string };
  Config?: {
    Env?: unknown;
    Hostname?: string;
    Tty?: boolean;
    Image?: string;
    Labels?: unknown;
    CreateCommand?: unknown;
    Annotations?: unknown;
  };
}

export interface DockerImage {
  Id?: string;
  Created?: string;
  RepoTags?: unknown;
  Config?: { Env?: unknown };
}

export interface DockerHistoryItem {
  Id?: string;
  /** Seconds since the epoch. */
  Created?: number;
  CreatedBy?: string;
  Comment?: string;
  Size?: number;
}
