/**
 * The container parsers of untrusted input: env files, OCI config.json / runc state.json / crun status,
 * compose files, CreateCommand argv, ENV history steps, cgroup lines. Examples pin the formats; fast-check
 * properties check that none of them throws and that every issue is one line.
 */
import type { Stats } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProcessSnapshot } from "../../model/index.js";
import type { HostFs } from "../host-fs.js";
import { hasInterpolation, interpolate, parseCompose } from "./compose.js";
import { parseCreateCommand } from "./create-command.js";
import { containerBoundary, containerFromCgroup, runtimeArgs } from "./detect.js";
import { entryMatches, parseEnvFile } from "./env-file.js";
import { describeEnvStep, parseEnvStep } from "./facts.js";
import { criInfo, parseCrunStatus, parseOciConfig, parseRuncState } from "./oci.js";
import { storedContainer, storedImage } from "./podman-storage.js";

const oneLine = (issues: ReadonlyArray<{ detail: string; subject: string }>) =>
  issues.every((i) => !i.detail.includes("\n") && i.detail.length < 300);

/** Env-file-shaped noise: structural tokens mixed with arbitrary bytes (decoded as latin1). */
const envFileText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        "=",
        "\n",
        "\r\n",
        '"',
        "'",
        "#",
        "export ",
        " ",
        "\t",
        "KEY",
        "*",
        "\uFEFF",
        "\\",
        "\0",
      ),
      fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString("latin1")),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(""));

describe("env files (docker/cli kvfile, podman pkg/env, dotenv)", () => {
  it("keeps line numbers, skips comments and blank lines, trims leading whitespace", () => {
    const r = parseEnvFile("# c\n\nA=1\n   B=two words \nC\nexport D='q'\nE*\n", "f");
    expect(r.entries.map((e) => [e.key, e.line, e.value])).toEqual([
      ["A", 3, "1"],
      ["B", 4, "two words "],
      ["C", 5, undefined],
      ["D", 6, "'q'"],
      ["E", 7, undefined],
    ]);
    expect(r.entries[4]!.prefix).toBe(true);
    expect(r.issues).toEqual([]);
  });

  it("accepts both the raw value (old docker) and the unquoted one (new docker, podman 5, dotenv)", () => {
    const [e] = parseEnvFile('Q="a b"\n', "f").entries;
    expect(entryMatches(e!, "Q", '"a b"')).toBe("value");
    expect(entryMatches(e!, "Q", "a b")).toBe("value");
    expect(entryMatches(e!, "Q", "a")).toBe(false);
    expect(entryMatches(e!, "R", "a b")).toBe(false);
  });

  it("joins a quoted multi-line value and reports its first line", () => {
    const r = parseEnvFile('K="line1\nline2"\nN=1\n', "f");
    expect(r.entries.map((e) => [e.key, e.line])).toEqual([
      ["K", 1],
      ["N", 3],
    ]);
    expect(entryMatches(r.entries[0]!, "K", "line1\nline2")).toBe("value");
  });

  it("reports keys with whitespace and lines without a name", () => {
    const r = parseEnvFile("BAD KEY=1\n=x\nOK=1\n", "f");
    expect(r.entries.map((e) => e.key)).toEqual(["OK"]);
    expect(r.issues.map((i) => [i.subject, i.code])).toEqual([
      ["f:1", "PARSE"],
      ["f:2", "PARSE"],
    ]);
  });

  it("never throws on arbitrary text, and issues are one line", () => {
    fc.assert(
      fc.property(envFileText, (s) => {
        const r = parseEnvFile(s, "prop");
        return oneLine(r.issues) && r.entries.every((e) => e.line > 0);
      }),
      { numRuns: 300 },
    );
  });
});

describe("OCI config.json, runc state.json, crun status", () => {
  it("reads process.env in order, hostname and annotations", () => {
    const { config, issues } = parseOciConfig(
      JSON.stringify({
        process: { env: ["A=1", 7, "B=2"], terminal: true },
        hostname: "h",
        annotations: {
          "io.kubernetes.cri.sandbox-name": "web-0",
          "io.kubernetes.cri.sandbox-namespace": "shop",
        },
      }),
      "c.json",
    );
    expect(config.env).toEqual(["A=1", "B=2"]);
    expect(config.hostname).toBe("h");
    expect(config.terminal).toBe(true);
    expect(issues.map((i) => i.code)).toEqual(["PARSE"]);
    expect(criInfo(config.annotations)).toEqual({ podName: "web-0", podNamespace: "shop" });
  });

  it("finds the bundle in runc's labels and crun's status", () => {
    const r = parseRuncState(
      JSON.stringify({
        id: "x",
        init_process_pid: 5,
        created: "t",
        config: { labels: ["a=b", "bundle=/srv/b"] },
      }),
      "s",
    );
    expect(r.state).toMatchObject({
      id: "x",
      pid: 5,
      bundle: "/srv/b",
      created: "t",
      annotations: { a: "b" },
    });
    expect(parseCrunStatus(JSON.stringify({ pid: 3, bundle: "/b" }), "s").state.bundle).toBe("/b");
    expect(parseRuncState("{}", "s").issues.map((i) => i.code)).toEqual(["PARSE"]);
    expect(parseOciConfig("[1]", "s").issues.map((i) => i.code)).toEqual(["PARSE"]);
  });

  it("never throws on arbitrary JSON or text", () => {
    const inputs = fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 4 }));
    fc.assert(
      fc.property(inputs, (s) => {
        for (const parse of [parseOciConfig, parseRuncState, parseCrunStatus]) {
          if (!oneLine(parse(s, "prop").issues)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe("compose files", () => {
  const text = `services:
  web:
    env_file: [a.env, {path: b.env, required: false}]
    environment:
      A: 1
      B: "x"
      C:
  db:
    env_file: db.env
    environment:
      - D=4
      - E
`;
  it("gives environment: (map and list) and env_file: entries with their lines", () => {
    const r = parseCompose(text, "compose.yaml");
    expect(r.issues).toEqual([]);
    const web = r.services.get("web")!;
    expect(web.environment.map((e) => [e.key, e.value, e.line, e.form])).toEqual([
      ["A", "1", 5, "map"],
      ["B", "x", 6, "map"],
      ["C", undefined, 7, "map"],
    ]);
    expect(web.envFiles.map((f) => [f.path, f.required, f.line])).toEqual([
      ["a.env", true, 3],
      ["b.env", false, 3],
    ]);
    const db = r.services.get("db")!;
    expect(db.environment.map((e) => [e.key, e.value, e.line])).toEqual([
      ["D", "4", 11],
      ["E", undefined, 12],
    ]);
    expect(db.envFiles.map((f) => f.path)).toEqual(["db.env"]);
  });

  it("follows anchors and merge keys, and survives cyclic aliases", () => {
    const r = parseCompose(
      "x-env: &e\n  environment:\n    A: 1\nservices:\n  s:\n    <<: *e\n  t: &t\n    environment: *t\n",
      "c.yaml",
    );
    expect(r.services.get("s")!.environment.map((e) => e.key)).toEqual(["A"]);
    expect(oneLine(r.issues)).toBe(true);
  });

  it("interpolates like compose", () => {
    const env = new Map([
      ["WHO", "world"],
      ["EMPTY", ""],
    ]);
    const look = (n: string) => env.get(n);
    // Compose syntax, written with a `$` placeholder so no string looks like a template literal.
    const c = (s: string) => s.replace(/@/g, "$");
    expect(interpolate(c("hi @{WHO} @WHO @@WHO"), look)).toBe("hi world world $WHO");
    expect(interpolate(c("@{EMPTY:-d} @{EMPTY-d} @{NOPE:-x}"), look)).toBe("d  x");
    expect(interpolate(c("@{NOPE}"), look)).toBeUndefined();
    expect(hasInterpolation("a$$b")).toBe(false);
    expect(hasInterpolation(c("a@{b}"))).toBe(true);
  });

  it("never throws on arbitrary YAML-ish text, and issues are one line", () => {
    const yamlish = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            "services:",
            "  web:",
            "    environment:",
            "    env_file:",
            "      - A=1",
            "      B: 2",
            "  &a",
            "*a",
            "<<: *a",
            "- [",
            "{",
            ": :",
          ),
          fc.string({ maxLength: 30 }),
        ),
        { maxLength: 20 },
      )
      .map((l) => l.join("\n"));
    fc.assert(
      fc.property(yamlish, (s) => {
        return oneLine(parseCompose(s, "prop.yaml").issues);
      }),
      { numRuns: 300 },
    );
  });
});

describe("podman CreateCommand", () => {
  it("reads -e, --env=, -eK=V, --env-file, --env-host up to the image", () => {
    const r = parseCreateCommand([
      "podman",
      "run",
      "-d",
      "--network",
      "none",
      "-e",
      "A=1",
      "--env=B=2",
      "-eC=3",
      "--env-file",
      "/f.env",
      "--env",
      "D",
      "-e",
      "P*",
      "--env-host",
      "-it",
      "localhost/img:1",
      "grep",
      "-e",
      "NOT=flag",
    ]);
    expect(r.verb).toBe("run");
    expect(r.image).toBe("localhost/img:1");
    expect(r.flags.map((f) => (f.kind === "env" ? [f.key, f.value, !!f.prefix] : [f.kind]))).toEqual([
      ["A", "1", false],
      ["B", "2", false],
      ["C", "3", false],
      ["env-file"],
      ["D", undefined, false],
      ["P", undefined, true],
      ["env-host"],
    ]);
  });

  it("never throws on arbitrary argv", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("-e", "--env-file", "--env", "run")),
          { maxLength: 30 },
        ),
        (argv) => {
          parseCreateCommand(argv);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("image history ENV steps", () => {
  it("reads classic, BuildKit and legacy forms; describes them without values", () => {
    expect(parseEnvStep("/bin/sh -c #(nop) ENV STEP_VAR=stepval OTHER=o")).toEqual([
      { key: "STEP_VAR", value: "stepval" },
      { key: "OTHER", value: "o" },
    ]);
    expect(parseEnvStep('ENV A="x y" B=z\\ w')).toEqual([
      { key: "A", value: "x y" },
      { key: "B", value: "z w" },
    ]);
    expect(parseEnvStep("/bin/sh -c #(nop)  ENV LEGACY some value")).toEqual([
      { key: "LEGACY", value: "some value" },
    ]);
    expect(parseEnvStep("/bin/sh -c apt-get install -y x ENV=1")).toEqual([]);
    const d = describeEnvStep({
      index: 0,
      createdBy: "ENV SECRET=hunter2",
      env: parseEnvStep("ENV SECRET=hunter2"),
    });
    expect(d).toBe("ENV SECRET=…");
    expect(d).not.toContain("hunter2");
  });

  it("never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        parseEnvStep(s);
        parseEnvStep(`ENV ${s}`);
      }),
      { numRuns: 300 },
    );
  });
});

function snap(pid: number, ppid: number, comm: string, cmdline: string[], cgroup: string[]): ProcessSnapshot {
  return { info: { pid, ppid, comm, cmdline, cgroup, ttyNr: 0, startTicks: 0 }, env: new Map() };
}

describe("detection from the host", () => {
  const id = "a".repeat(64);
  it("finds container ids in cgroup paths of every manager", () => {
    expect(containerFromCgroup([`0::/libpod_parent/libpod-${id}`])).toEqual({ id, manager: "podman" });
    expect(containerFromCgroup([`0::/system.slice/docker-${id}.scope`])).toEqual({ id, manager: "docker" });
    expect(containerFromCgroup([`0::/kubepods.slice/x/cri-containerd-${id}.scope`])?.manager).toBe(
      "containerd",
    );
    expect(containerFromCgroup([`0::/machine.slice/libpod-conmon-${id}.scope`])).toBeUndefined();
    expect(containerFromCgroup(["0::/user.slice/user-0.slice/session-1.scope"])).toBeUndefined();
  });

  it("reads the container id and bundle from conmon, runc and containerd-shim argv", () => {
    const conmon = snap(
      2,
      1,
      "conmon",
      ["/usr/bin/conmon", "-c", id, "-b", "/b", "--runtime-arg", "--root=/run/runc"],
      [],
    );
    expect(runtimeArgs(conmon)).toMatchObject({
      program: "conmon",
      id,
      bundle: "/b",
      runtimeRoot: "/run/runc",
    });
    const runc = snap(
      3,
      1,
      "runc",
      ["runc", "--root", "/r", "run", "-b", "/bun", "--pid-file", "/p", "box"],
      [],
    );
    expect(runtimeArgs(runc)).toMatchObject({ id: "box", bundle: "/bun", runtimeRoot: "/r" });
    const shim = snap(
      4,
      1,
      "containerd-shim",
      ["/usr/bin/containerd-shim-runc-v2", "-namespace", "k8s.io", "-id", "sb"],
      [],
    );
    expect(runtimeArgs(shim)).toMatchObject({ id: "sb", namespace: "k8s.io" });
  });

  it("puts the boundary below the runtime, or where the cgroup changes", () => {
    const chain = [
      snap(1, 0, "systemd", ["/sbin/init"], ["0::/init.scope"]),
      snap(2, 1, "conmon", ["/usr/bin/conmon", "-c", id], []),
      snap(3, 2, "sh", ["sh"], [`0::/libpod-${id}`]),
      snap(4, 3, "app", ["app"], [`0::/libpod-${id}`]),
    ];
    expect(containerBoundary(chain)).toMatchObject({ index: 2, id });
    const detached = [chain[0]!, snap(3, 1, "sh", ["sh"], [`0::/libpod-${id}`])];
    expect(containerBoundary(detached)).toMatchObject({ index: 1, id });
    expect(containerBoundary([chain[0]!])).toBeUndefined();
  });

  it("never throws on arbitrary cgroup lines", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 120 }), { maxLength: 12 }), (lines) => {
        containerFromCgroup(lines);
      }),
      { numRuns: 300 },
    );
  });
});

/** An in-memory HostFs holding a few files (only what the storage readers use). */
function memFs(files: Record<string, string>): HostFs {
  const notFound = () => Object.assign(new Error("ENOENT"), { code: "ENOENT" });
  return {
    root: "/",
    resolve: (p: string) => p,
    readFile: async (p: string) => {
      if (!(p in files)) throw notFound();
      return Buffer.from(files[p]!);
    },
    readTextIfExists: async (p: string) => files[p],
    stat: async (p: string) => {
      if (!(p in files)) throw notFound();
      return { isFile: () => true } as Stats;
    },
    readdir: async () => [],
    readlink: async () => {
      throw notFound();
    },
    isReadable: async (p: string) => p in files,
  } as unknown as HostFs;
}

describe("podman storage records (containers.json, image config big-data)", () => {
  const img = "e".repeat(64);
  const cfgPath = `/g/overlay-images/${img}/=${Buffer.from(`sha256:${img}`).toString("base64")}`;
  it("reads the container's image and the image's Env and history", async () => {
    const fs = memFs({
      "/g/overlay-containers/containers.json": JSON.stringify([
        { id: "c1", names: ["web"], image: img, created: "t" },
      ]),
      [cfgPath]: JSON.stringify({
        created: "t0",
        config: { Env: ["A=1", 5] },
        history: [{ created_by: "ENV A=1", created: "t1" }, { created_by: "CMD x" }],
      }),
      "/g/overlay-images/images.json": JSON.stringify([{ id: img, names: ["localhost/app:1"] }]),
    });
    const issues: never[] = [];
    expect(await storedContainer(fs, "/g", "c1", issues)).toEqual({
      id: "c1",
      name: "web",
      imageId: img,
      created: "t",
    });
    const i = await storedImage(fs, "/g", img, issues);
    expect(i?.name).toBe("localhost/app:1");
    expect([...i!.env]).toEqual([["A", "1"]]);
    expect(i!.history.map((h) => [h.index, h.env.map((e) => e.key)])).toEqual([
      [0, ["A"]],
      [1, []],
    ]);
  });

  it("never throws on arbitrary file contents", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 80 }), fc.json({ maxDepth: 3 })), async (text) => {
        const fs = memFs({
          "/g/overlay-containers/containers.json": text,
          [cfgPath]: text,
          "/g/overlay-images/images.json": text,
        });
        const issues: Array<{ detail: string; subject: string }> = [];
        await storedContainer(fs, "/g", "c1", issues as never[]);
        await storedImage(fs, "/g", img, issues as never[]);
        return oneLine(issues);
      }),
      { numRuns: 200 },
    );
  });
});
