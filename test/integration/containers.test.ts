/**
 * Real containers, no mocks: a busybox rootfs imported into podman with ENV (`podman import --change`), an
 * image built on it with Dockerfile ENV steps (`podman build`), containers run with `-e` and `--env-file`,
 * a compose-labelled container, a bare `runc run` of an OCI bundle, and the Docker-compatible Engine API
 * served by `podman system service` on a private socket (the Docker path is tested against it).
 *
 * Needs root, runc, podman and busybox-static (installed by scripts/install-test-deps.sh when missing).
 * podman runs with `--runtime runc --network none` and explicit ulimits: on this host crun fails on the
 * hybrid cgroup v1 layout and podman's default nofile limit is above the hard limit.
 * Everything a test starts is removed by id in afterAll, also when a step fails.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { detectFromHost } from "../../src/snapshot/container/detect.js";
import { createHostFs } from "../../src/snapshot/host-fs.js";
import { ProcReader } from "../../src/snapshot/procfs.js";
import { PODMAN_RUN_FLAGS } from "../helpers/podman.js";
import { single } from "../helpers/report.js";

const have = (p: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${p}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
const isRoot = process.getuid?.() === 0;

function sh(cmd: string, args: string[], input?: string | Buffer): string {
  return execFileSync(cmd, args, {
    encoding: "utf8",
    input,
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
}

interface Captured {
  code: number;
  out: string;
  err: string;
}
async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Captured> {
  let out = "";
  let err = "";
  const code = await run(argv, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: process.stdin,
    env: { NO_COLOR: "1", ...env },
    pid: process.pid,
  });
  return { code, out, err };
}

interface JsonVar {
  key: string;
  value: string;
  masked: boolean;
  source: {
    kind: string;
    mechanism?: string;
    file?: string;
    line?: number;
    resource?: string;
    confidence: string;
    time?: { at: string; what: string };
    evidence: string[];
    actor?: { pid?: number; comm?: string };
  };
  shadowed: Array<{ value: string; source: { kind: string; mechanism?: string } }>;
  notes?: string[];
}
function vars(json: string): Map<string, JsonVar> {
  const doc = single(json);
  const results = Array.isArray(doc.results) ? doc.results : [doc];
  return new Map((results[0].variables as JsonVar[]).map((v) => [v.key, v]));
}

const SECRET = `ghp_${"a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"}`;
const tag = `localhost/envtrace-test:${process.pid}`;
const built = `localhost/envtrace-test:${process.pid}-built`;
const state = {
  dir: "",
  sock: "",
  containers: [] as string[],
  images: [] as string[],
  service: undefined as ChildProcess | undefined,
  runcId: "",
  runc: undefined as ChildProcess | undefined,
  podmanId: "",
  composeId: "",
  envFile: "",
  composeFile: "",
  webEnv: "",
  bundle: "",
};

const ready = isRoot;

function podmanRun(args: string[]): string {
  const id = sh("podman", ["run", "-d", ...PODMAN_RUN_FLAGS, ...args]);
  state.containers.push(id);
  return id;
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe.skipIf(!ready)("containers (real podman, runc and Engine API)", () => {
  beforeAll(async () => {
    if (!have("runc") || !have("podman") || !existsSync("/bin/busybox")) {
      sh("sh", [new URL("../../scripts/install-test-deps.sh", import.meta.url).pathname]);
    }
    state.dir = mkdtempSync(join(tmpdir(), "envtrace-ct-"));
    // A tiny rootfs from the static busybox.
    const rootfs = join(state.dir, "rootfs");
    mkdirSync(join(rootfs, "bin"), { recursive: true });
    for (const d of ["etc", "proc", "dev", "sys", "tmp"]) mkdirSync(join(rootfs, d));
    writeFileSync(join(rootfs, "bin/busybox"), readFileSync("/bin/busybox"), { mode: 0o755 });
    for (const a of ["sh", "sleep", "env"]) symlinkSync("busybox", join(rootfs, "bin", a));
    const tar = execFileSync("tar", ["-C", rootfs, "-c", "."], { maxBuffer: 64 * 1024 * 1024 });
    const baseId = sh(
      "podman",
      [
        "import",
        "--change",
        "ENV IMG_A=from-image",
        "--change",
        "ENV SHARED=img",
        "--change",
        'CMD ["/bin/sleep","600"]',
        "-",
        tag,
      ],
      tar,
    );
    state.images.push(baseId.split("\n").pop()!);
    // An image with real Dockerfile ENV steps in its history.
    const ctx = join(state.dir, "build");
    mkdirSync(ctx);
    writeFileSync(
      join(ctx, "Containerfile"),
      `FROM ${tag}\nENV STEP_VAR=stepval OTHER=o\nENV SHARED=built\n`,
    );
    const builtId = sh("podman", ["build", "-q", "--network", "none", "-t", built, ctx]);
    state.images.unshift(builtId.split("\n").pop()!);

    state.envFile = join(state.dir, "app.env");
    writeFileSync(state.envFile, "# run-time settings\nFILE_A=one\n  FILE_B=two\nSHARED=from-file\n");
    state.podmanId = podmanRun([
      "-e",
      "RUN_A=cli",
      "-e",
      "SHARED=run",
      "-e",
      `API_TOKEN=${SECRET}`,
      "--env-file",
      state.envFile,
      built,
    ]);

    // A container as compose would create it: labels naming the project's files; env as compose resolved it.
    const proj = join(state.dir, "shop");
    mkdirSync(proj);
    state.composeFile = join(proj, "compose.yaml");
    state.webEnv = join(proj, "web.env");
    writeFileSync(
      state.composeFile,
      "services:\n  web:\n    image: shop/web\n    env_file:\n      - web.env\n    environment:\n      LEVEL: debug\n",
    );
    writeFileSync(state.webEnv, "LEVEL=info\nWEB_PORT=8080\n");
    state.composeId = podmanRun([
      "--label",
      `com.docker.compose.project.config_files=${state.composeFile}`,
      "--label",
      `com.docker.compose.project.working_dir=${proj}`,
      "--label",
      "com.docker.compose.service=web",
      "--label",
      "com.docker.compose.project=shop",
      "-e",
      "LEVEL=debug",
      "-e",
      "WEB_PORT=8080",
      built,
    ]);

    // The Docker-compatible (and libpod) Engine API on a private socket.
    state.sock = join(state.dir, "podman.sock");
    state.service = spawn("podman", ["system", "service", "--time=0", `unix://${state.sock}`], {
      stdio: "ignore",
    });
    expect(await waitFor(() => existsSync(state.sock), 15_000)).toBe(true);

    // A bare OCI bundle run by runc in the foreground (runc stays the container process's parent).
    state.bundle = join(state.dir, "bundle");
    mkdirSync(state.bundle);
    sh("cp", ["-a", rootfs, join(state.bundle, "rootfs")]);
    sh("runc", ["spec", "--bundle", state.bundle]);
    const spec = JSON.parse(readFileSync(join(state.bundle, "config.json"), "utf8"));
    spec.process.terminal = false;
    // An entrypoint that exports a variable and execs: invisible in config.json, visible in the process.
    spec.process.args = ["/bin/sh", "-c", "export ENTRY_SET=1; exec /bin/sleep 600"];
    spec.process.env.push("BUNDLE_VAR=hello");
    spec.annotations = {
      "io.kubernetes.cri.sandbox-name": "web-0",
      "io.kubernetes.cri.sandbox-namespace": "shop",
      "io.kubernetes.cri.container-name": "app",
    };
    writeFileSync(join(state.bundle, "config.json"), JSON.stringify(spec));
    state.runcId = `envtrace-test-${process.pid}`;
    state.runc = spawn("runc", ["run", "-b", state.bundle, state.runcId], { stdio: "ignore" });
    expect(await waitFor(() => existsSync(`/run/runc/${state.runcId}/state.json`), 15_000)).toBe(true);
  });

  afterAll(() => {
    const quiet = (cmd: string, args: string[]) => {
      try {
        execFileSync(cmd, args, { stdio: "ignore" });
      } catch {
        // already gone
      }
    };
    if (state.runcId) {
      quiet("runc", ["kill", state.runcId, "KILL"]);
      quiet("runc", ["delete", "-f", state.runcId]);
    }
    for (const id of state.containers) quiet("podman", ["rm", "-f", "-t", "0", id]);
    for (const id of state.images) quiet("podman", ["rmi", "-f", id]);
    if (state.service?.pid) state.service.kill("SIGTERM");
    if (state.runc?.pid) state.runc.kill("SIGKILL");
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  });

  const podmanApi = () => ({ CONTAINER_HOST: `unix://${state.sock}` });
  const dockerApi = () => ({ DOCKER_HOST: `unix://${state.sock}` });

  it("envtrace container (Podman API): -e, --env-file file:line, image ENV step, runtime variables", async () => {
    const r = await cli(["container", state.podmanId, "--format", "json"], podmanApi());
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const v = vars(r.out);
    expect(v.get("RUN_A")!.source).toMatchObject({
      kind: "container-run",
      mechanism: "env",
      confidence: "certain",
    });
    expect(v.get("FILE_A")!.source).toMatchObject({
      kind: "container-run",
      mechanism: "env-file",
      file: state.envFile,
      line: 2,
      confidence: "certain",
    });
    expect(v.get("FILE_B")!.source).toMatchObject({ mechanism: "env-file", line: 3 });
    // -e overrides the env file, which overrides the image's ENV step: both are shadowed.
    const shared = v.get("SHARED")!;
    expect(shared.source).toMatchObject({ kind: "container-run", mechanism: "env" });
    expect(shared.shadowed.map((s) => [s.source.kind, s.source.mechanism, s.value])).toEqual([
      ["container-run", "env-file", "from-file"],
      ["container-image", "ENV", "built"],
    ]);
    const step = v.get("STEP_VAR")!.source;
    expect(step).toMatchObject({ kind: "container-image", mechanism: "ENV", confidence: "certain" });
    expect(step.evidence.join("\n")).toContain("Dockerfile step: ENV STEP_VAR=… OTHER=…");
    expect(step.time?.what).toBe("image-created");
    expect(v.get("IMG_A")!.source).toMatchObject({ kind: "container-image", mechanism: "ENV" });
    expect(v.get("HOSTNAME")!.source).toMatchObject({ kind: "container-runtime", mechanism: "hostname" });
    expect(v.get("container")!.source).toMatchObject({
      kind: "container-runtime",
      mechanism: "container-env",
    });
    expect(v.get("TERM")!.source).toMatchObject({ kind: "container-runtime", mechanism: "tty" });
    expect(v.get("RUN_A")!.source.time?.what).toBe("container-created");
    // Secrets never escape: the token is masked in the value and absent from the whole output.
    expect(v.get("API_TOKEN")!.masked).toBe(true);
    expect(r.out).not.toContain(SECRET);
    // --reveal is the explicit opt-out, and the output says so.
    const revealed = await cli(["container", state.podmanId, "--format", "json", "--reveal"], podmanApi());
    expect(single(revealed.out).revealed).toBe(true);
    expect(vars(revealed.out).get("API_TOKEN")!.value).toBe(SECRET);
  });

  it("envtrace container (Docker API): container env minus image env, image ENV, runtime", async () => {
    const name = sh("podman", ["inspect", "-f", "{{.Name}}", state.podmanId]);
    const r = await cli(["container", name, "--format", "json"], dockerApi());
    expect(r.code).toBe(0);
    const v = vars(r.out);
    expect(v.get("RUN_A")!.source).toMatchObject({
      kind: "container-run",
      mechanism: "create",
      confidence: "likely",
    });
    expect(v.get("FILE_A")!.source).toMatchObject({ kind: "container-run", mechanism: "create" });
    expect(v.get("STEP_VAR")!.source).toMatchObject({ kind: "container-image", confidence: "likely" });
    expect(v.get("HOSTNAME")!.source).toMatchObject({ kind: "container-runtime", mechanism: "hostname" });
    const text = await cli(["container", name], dockerApi());
    expect(text.out).toContain("container-image:ENV");
    expect(text.out).not.toContain(SECRET);
  });

  it("compose labels lead to environment: and env_file: entries with file:line", async () => {
    const r = await cli(["container", state.composeId, "--format", "json"], dockerApi());
    expect(r.code).toBe(0);
    const v = vars(r.out);
    const level = v.get("LEVEL")!;
    expect(level.source).toMatchObject({
      kind: "container-run",
      mechanism: "compose-environment",
      file: state.composeFile,
      line: 7,
      confidence: "certain",
    });
    expect(level.shadowed.map((s) => [s.source.mechanism, s.value])).toEqual([["compose-env_file", "info"]]);
    expect(v.get("WEB_PORT")!.source).toMatchObject({
      mechanism: "compose-env_file",
      file: state.webEnv,
      line: 2,
    });
  });

  it("explain --pid on a podman container dispatches to the container resolvers (conmon is the actor)", async () => {
    const pid = sh("podman", ["inspect", "-f", "{{.State.Pid}}", state.podmanId]);
    const saved = process.env.CONTAINER_HOST;
    process.env.CONTAINER_HOST = podmanApi().CONTAINER_HOST;
    try {
      const r = await cli(["explain", "--pid", pid, "--format", "json"]);
      expect(r.code).toBe(0);
      const v = vars(r.out);
      expect(v.get("FILE_A")!.source).toMatchObject({ kind: "container-run", file: state.envFile, line: 2 });
      expect(v.get("FILE_A")!.source.actor?.comm).toBe("conmon");
      expect(v.get("RUN_A")!.source).toMatchObject({ kind: "container-run", mechanism: "env" });
      expect(v.get("STEP_VAR")!.source).toMatchObject({ kind: "container-image", mechanism: "ENV" });
      expect(v.get("HOSTNAME")!.source).toMatchObject({ kind: "container-runtime", mechanism: "hostname" });
      const path = v.get("PATH")!;
      expect(path.source.kind).toMatch(/^container-/);
      // conmon's own (different) PATH is listed by the engine as shadowed; the note says it never reached the container.
      if (path.shadowed.length > 0) expect(path.notes?.join("\n")).toContain("not passed into the container");
      expect(r.out).not.toContain(SECRET);
    } finally {
      if (saved === undefined) delete process.env.CONTAINER_HOST;
      else process.env.CONTAINER_HOST = saved;
    }
  });

  it("detects the container from the host: conmon parent, libpod cgroup, own mount namespace", async () => {
    const pid = Number(sh("podman", ["inspect", "-f", "{{.State.Pid}}", state.podmanId]));
    const fs = createHostFs("/");
    const { chain } = await new ProcReader(fs).ancestry(pid);
    const d = await detectFromHost(fs, chain);
    expect(d).toBeDefined();
    expect(d!.id).toBe(state.podmanId);
    expect(chain[d!.index]!.info.pid).toBe(pid);
    expect(d!.runtime?.info.comm).toBe("conmon");
    expect(d!.mountNamespace).toMatch(/^mnt:\[\d+\]$/);
    expect(d!.mountNamespace).not.toBe(await fs.readlink("/proc/self/ns/mnt"));
    expect(await detectFromHost(fs, (await new ProcReader(fs).ancestry(process.pid)).chain)).toBeUndefined();
  });

  it("explain --pid without an engine reads podman's storage: bundle config.json, containers.json, image config", async () => {
    const pid = sh("podman", ["inspect", "-f", "{{.State.Pid}}", state.podmanId]);
    const saved = { c: process.env.CONTAINER_HOST, d: process.env.DOCKER_HOST };
    delete process.env.CONTAINER_HOST;
    delete process.env.DOCKER_HOST;
    try {
      const r = await cli(["explain", "--pid", pid, "--format", "json"]);
      const v = vars(r.out);
      const configJson = `/var/lib/containers/storage/overlay-containers/${state.podmanId}/userdata/config.json`;
      // Run-time variables: config.json minus the image's Env (CreateCommand needs the engine).
      expect(v.get("RUN_A")!.source).toMatchObject({
        kind: "container-run",
        mechanism: "create",
        confidence: "likely",
        file: configJson,
      });
      // The image config and its history come from containers/storage.
      const step = v.get("STEP_VAR")!.source;
      expect(step).toMatchObject({ kind: "container-image", mechanism: "ENV" });
      expect(step.evidence.join("\n")).toContain("ENV STEP_VAR=… OTHER=…");
      expect(v.get("HOSTNAME")!.source).toMatchObject({ kind: "container-runtime", mechanism: "hostname" });
      expect(v.get("container")!.source).toMatchObject({
        kind: "container-runtime",
        mechanism: "container-env",
      });
      expect(r.out).not.toContain(SECRET);
    } finally {
      if (saved.c !== undefined) process.env.CONTAINER_HOST = saved.c;
      if (saved.d !== undefined) process.env.DOCKER_HOST = saved.d;
    }
  });

  it("envtrace container NAME without an engine finds the name in podman's storage (containers.json)", async () => {
    const name = sh("podman", ["inspect", "-f", "{{.Name}}", state.podmanId]);
    // No CONTAINER_HOST/DOCKER_HOST: the engine is not asked (the test's service listens elsewhere).
    const r = await cli(["container", name, "--format", "json"], {});
    const doc = single(r.out);
    expect(doc.subject.name).toContain(name);
    expect(doc.variables.find((x: { key: string }) => x.key === "RUN_A").source).toMatchObject({
      kind: "container-run",
    });
    expect(r.out).not.toContain(SECRET);
  });

  it("a bare runc run: explain --pid and envtrace container read the bundle (runc state → config.json)", async () => {
    const st = JSON.parse(sh("runc", ["state", state.runcId]));
    const r = await cli(["explain", "--pid", String(st.pid), "--format", "json"]);
    const v = vars(r.out);
    const src = v.get("BUNDLE_VAR")!.source;
    expect(src).toMatchObject({
      kind: "oci-config",
      mechanism: "process.env",
      file: join(state.bundle, "config.json"),
    });
    expect(src.actor?.comm).toBe("runc");
    expect(src.evidence.join("\n")).toContain("CRI: pod shop/web-0, container app");
    expect(v.get("HOME")!.source).toMatchObject({ kind: "container-runtime", mechanism: "home" });
    expect(v.get("ENTRY_SET")!.source).toMatchObject({
      kind: "runtime",
      mechanism: "entrypoint",
      confidence: "likely",
    });
    expect(v.get("ENTRY_SET")!.source.actor?.pid).toBe(st.pid);
    const c = await cli(["container", state.runcId, "--format", "json"], {});
    expect(c.code).toBe(0);
    expect(vars(c.out).get("BUNDLE_VAR")!.source).toMatchObject({
      kind: "oci-config",
      file: join(state.bundle, "config.json"),
    });
  });

  it("an unknown container is a one-line error with exit code 2", async () => {
    const r = await cli(["container", "envtrace-no-such-container"], podmanApi());
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).toContain("container envtrace-no-such-container");
  });
});
