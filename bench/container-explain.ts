/**
 * Figure (issue 5): `envtrace container <id>` on a running container — median wall time including Node
 * start-up, next to `podman inspect <id>` (the engine's own CLI answering from the same state) measured in
 * the same run. envtrace asks the Engine API (`podman system service` on a private socket, CONTAINER_HOST).
 * Run as root: `npx tsx bench/container-explain.ts` (needs `npm run build`, podman, runc, busybox-static).
 * Starts one image, one container and one API service, and removes them by id at the end.
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
import { PODMAN_RUN_FLAGS } from "../test/helpers/podman.js";
import { median, row, timeCommand, timeIt } from "./lib.js";

const RUNS = Number(process.env.RUNS ?? 15);
const sh = (cmd: string, args: string[], input?: Buffer) =>
  execFileSync(cmd, args, { encoding: "utf8", input, maxBuffer: 64 * 1024 * 1024 }).trim();

const dir = mkdtempSync(join(tmpdir(), "envtrace-bench-ct-"));
const tag = `localhost/envtrace-bench:${process.pid}`;
let image = "";
let container = "";
let service: ChildProcess | undefined;
try {
  const rootfs = join(dir, "rootfs");
  mkdirSync(join(rootfs, "bin"), { recursive: true });
  writeFileSync(join(rootfs, "bin/busybox"), readFileSync("/bin/busybox"), { mode: 0o755 });
  for (const a of ["sh", "sleep"]) symlinkSync("busybox", join(rootfs, "bin", a));
  const tar = execFileSync("tar", ["-C", rootfs, "-c", "."], { maxBuffer: 64 * 1024 * 1024 });
  image = sh(
    "podman",
    ["import", "--change", "ENV IMG_A=1", "--change", 'CMD ["/bin/sleep","600"]', "-", tag],
    tar,
  )
    .split("\n")
    .pop()!;
  writeFileSync(join(dir, "app.env"), "A=1\nB=2\n");
  container = sh("podman", [
    "run",
    "-d",
    ...PODMAN_RUN_FLAGS,
    "-e",
    "RUN_A=x",
    "--env-file",
    join(dir, "app.env"),
    tag,
  ]);
  const sock = join(dir, "podman.sock");
  service = spawn("podman", ["system", "service", "--time=0", `unix://${sock}`], { stdio: "ignore" });
  for (let i = 0; i < 300 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
  const env = { ...process.env, CONTAINER_HOST: `unix://${sock}` };
  // Warm both (page cache, the service's first answer).
  timeCommand("node", ["bin/envtrace.js", "container", container, "--format", "json"], env);
  timeCommand("podman", ["inspect", container]);
  const ours: number[] = [];
  const ref: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(timeCommand("node", ["bin/envtrace.js", "container", container, "--format", "json"], env));
    ref.push(timeCommand("podman", ["inspect", container]));
    floor.push(timeCommand("node", ["bin/envtrace.js", "--version"]));
  }
  row("envtrace container <id> (median wall)", median(ours), "ms", "podman inspect <id>", median(ref));
  // The library call alone (no Node start-up, no CLI module loading): what the container pipeline costs.
  const { explainContainer } = await import("../src/attribution/container/explain.js");
  const lib: number[] = [];
  for (let i = 0; i < RUNS; i++) lib.push(await timeIt(() => explainContainer(container, { env })));
  row("explainContainer() in-process (median)", median(lib), "ms", "podman inspect <id>", median(ref));
  // The CLI's own start-up (loading every command) is part of the figure: shown so the ratio can be read.
  row(
    "envtrace container <id> (median wall)",
    median(ours),
    "ms",
    "envtrace --version (CLI start-up)",
    median(floor),
  );
} finally {
  const quiet = (cmd: string, args: string[]) => {
    try {
      execFileSync(cmd, args, { stdio: "ignore" });
    } catch {
      // already gone
    }
  };
  if (container) quiet("podman", ["rm", "-f", "-t", "0", container]);
  if (image) quiet("podman", ["rmi", "-f", image]);
  service?.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
