/**
 * The proof that nothing leaks: a real process holds many known secrets (one per major format) in its
 * environment and its HOME's startup files; EVERY command in the CLI registry runs with EVERY --format it
 * offers (and ENVTRACE_DEBUG=1), and no secret byte sequence may appear in stdout, stderr or any file
 * written. Commands are discovered from `src/cli/commands/index.ts`, so new ones are covered automatically;
 * a command missing from INPUTS below fails the test so its special input cannot be forgotten.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliCommand } from "../src/cli/commands/command.js";
import { commands } from "../src/cli/commands/index.js";
import type { CliIo } from "../src/cli/io.js";
import { commandContext } from "../src/cli/output.js";
import { run } from "../src/cli/run.js";
import { builtinRules } from "../src/detect/rules/index.js";
import { single } from "./helpers/report.js";

const example = (id: string, i = 0): string => {
  const r = builtinRules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r.examples.match[i]!;
};
/** The token itself from an example like `TOKEN="…"`, or the example when it is the token. */
const token = (id: string): string => example(id, 0);

// One secret per major format: key → value in the process environment.
const ENV_SECRETS: Record<string, string> = {
  GITHUB_TOKEN: token("github-pat"),
  GH_FINE_GRAINED: token("github-fine-grained-pat"),
  GITLAB_TOKEN: token("gitlab-pat"),
  AWS_ACCESS_KEY_ID: token("aws-access-key-id"),
  AWS_SECRET_ACCESS_KEY: "Zq3vR8kP1xY7mN2bT5wL9cH4jF6dS0aGeUiOoQrE",
  GOOGLE_API_KEY: token("gcp-api-key"),
  SLACK_BOT_TOKEN: token("slack-bot-token"),
  SLACK_WEBHOOK_URL: token("slack-webhook-url"),
  STRIPE_SECRET_KEY: token("stripe-live-secret-key"),
  NPM_TOKEN: token("npm-access-token"),
  PYPI_TOKEN: token("pypi-token"),
  DOCKERHUB_TOKEN: token("dockerhub-pat"),
  SENDGRID_API_KEY: token("sendgrid-api-key"),
  OPENAI_API_KEY: token("openai-api-key"),
  ANTHROPIC_API_KEY: token("anthropic-api-key"),
  VAULT_TOKEN: token("vault-service-token"),
  K8S_SA_TOKEN: token("jwt"),
  SSH_PRIVATE_KEY: token("private-key-openssh"),
  DATABASE_URL: "postgres://app:Qw7Lm2Xp9Rt4Vz8K@db.internal:5432/app",
  GOPROXY: "https://ci:Hn5Tb8Wq2Zx7Mc4R@goproxy.corp.example,direct",
  DB_PASSWORD: "Pl4in-Passw0rd-Xy9",
};
// Secrets only in startup files of the temporary HOME.
const FILE_SECRETS: Record<string, string> = {
  RC_GITLAB_DEPLOY: token("gitlab-deploy-token"),
  RC_DO_TOKEN: token("digitalocean-pat"),
  RC_API_SECRET: "Rc8Fh2Lk5Mn9Qp3Vx7Zb",
};

/** Byte sequences that must never appear: each secret minus any safe prefix, and each PEM body line. */
function needles(): string[] {
  const out = new Set<string>();
  const add = (v: string) => {
    const m = /:\/\/[^:@/]*:([^@]+)@/.exec(v);
    if (m) {
      out.add(m[1]!);
      return;
    }
    if (v.includes("-----BEGIN")) {
      for (const line of v.split("\n")) if (!line.startsWith("-----") && line.length >= 12) out.add(line);
      return;
    }
    // Drop the first 12 characters (a safe prefix may be shown by partial masks).
    out.add(v.length > 24 ? v.slice(12) : v);
  };
  for (const v of [...Object.values(ENV_SECRETS), ...Object.values(FILE_SECRETS)]) add(v);
  return [...out];
}

let dir: string;
let home: string;
let child: ChildProcess;
let pid: string;
const NEEDLES = needles();
const ranWith: string[][] = [];

function capture(stdin = ""): { io: CliIo; out: () => string } {
  let buf = "";
  const w = {
    write: (s: string | Uint8Array) => {
      buf += typeof s === "string" ? s : Buffer.from(s).toString("latin1");
      return true;
    },
  };
  return {
    io: {
      stdout: w,
      stderr: w,
      stdin: Readable.from([Buffer.from(stdin)]),
      env: {
        ...process.env,
        HOME: home,
        ENVTRACE_DEBUG: "1",
        XDG_STATE_HOME: join(dir, "state"),
        ENVTRACE_FINGERPRINT_KEY_FILE: join(dir, "state", "fp.key"),
        NO_COLOR: "1",
      },
      pid: process.pid,
    },
    out: () => buf,
  };
}

function leaks(text: string): string[] {
  return NEEDLES.filter((n) => text.includes(n)).map((n) => `${n.slice(0, 4)}…(${n.length})`);
}

/** Special inputs per command; every registered command must appear here. Each entry: argv lists. */
function inputs(): Record<string, Array<{ argv: string[]; stdin?: string; formats?: boolean }>> {
  const manifest = join(dir, "pod.yaml");
  const envFile = join(dir, "app.env");
  const snapA = join(dir, "out", "a.json");
  const snapB = join(dir, "out", "b.json");
  return {
    explain: [
      { argv: ["explain", "--pid", pid] },
      { argv: ["explain", "--pid", pid, "--reveal"], formats: false },
      // --include-source copies each source's line of text (the startup file holds every secret).
      { argv: ["explain", "--pid", pid, "--include-source"] },
    ],
    scan: [
      { argv: ["scan", "--pid", pid] },
      { argv: ["scan", "--pid", pid, "--include-source"], formats: false },
    ],
    host: [{ argv: ["host", "--pid", pid] }],
    container: [{ argv: ["container", "envtrace-leak-test-no-such-container"] }],
    shell: [
      { argv: ["shell", "--home", home, "--shell", "bash"] },
      { argv: ["shell", "--home", home, "--shell", "sh", "--login"] },
    ],
    snapshot: [
      { argv: ["snapshot", "--pid", pid, "--out", snapA], formats: false },
      { argv: ["snapshot", "--pid", pid, "--out", snapB, "--label", "b"], formats: false },
      { argv: ["snapshot", "--pid", pid, "--out", "-"], formats: false },
    ],
    diff: [{ argv: ["diff", snapA, snapB] }],
    go: [
      { argv: ["go", "--pid", pid] },
      { argv: ["go", "--pid", pid, "--redact"], formats: false },
      { argv: ["go", "verify-modcache", "--gomodcache", join(dir, "modcache"), "--no-dirs"] },
    ],
    k8s: [{ argv: ["k8s", "explain", "-f", manifest] }],
    // The whole host, once: the leak test's process is among them.
    agent: [{ argv: ["agent", "--once"] }],
    // One AdmissionReview of the leaky Pod (literal secrets), answered from a file.
    webhook: [{ argv: ["webhook", "--review", join(dir, "review.json")], formats: false }],
    // The audit trail of a run with the secrets (--reveal is refused with --audit-log), then reading it back.
    audit: [
      { argv: ["explain", "--pid", pid, "--audit-log", join(dir, "out", "audit.log")], formats: false },
      { argv: ["scan", "--pid", pid, "--audit-log", join(dir, "out", "audit.log")], formats: false },
      { argv: ["audit", "verify", join(dir, "out", "audit.log")] },
      { argv: ["audit", "show", join(dir, "out", "audit.log")] },
    ],
    check: [
      { argv: ["check", "--pid", pid, "--policy", leakPolicy()] },
      { argv: ["check", "--k8s", manifest, "--policy", leakPolicy()] },
      {
        argv: ["check", "--pid", pid, "--write-baseline", join(dir, "out", "baseline.json")],
        formats: false,
      },
    ],
    // A traced command that sources the startup files (secrets exported) and gets a token on env's command
    // line: values, shadowed values, argv and evidence must all come out masked.
    record: [
      {
        argv: [
          "record",
          "--",
          "env",
          `GITHUB_TOKEN=${ENV_SECRETS.GITHUB_TOKEN}`,
          "sh",
          "-c",
          `. ${home}/.profile; exec /bin/true`,
        ],
      },
    ],
    redact: [
      { argv: ["redact", envFile], formats: false },
      { argv: ["redact", "--style", "full"], stdin: readFileSync(envFile, "utf8"), formats: false },
      { argv: ["redact", "--style", "fingerprint", join(home, ".bashrc")], formats: false },
    ],
  };
}

/** A policy whose rules read every value (masked) and whose messages name keys: `check` must leak nothing. */
function leakPolicy(): string {
  const file = join(dir, "policy.yaml");
  writeFileSync(
    file,
    [
      "rules:",
      "  - { id: LEAK-1, severity: high, when: 'v.value.size() > 0 && v.secret', message: '{key} from {source}' }",
      "  - { id: LEAK-2, severity: low, when: 'vars.exists(x, x.value.contains(\"a\"))', message: '{subject}' }",
      "declared: { names: [PATH, HOME, NOT_THERE] }",
    ].join("\n"),
  );
  return file;
}

/** The --format choices of the (sub)command an argv selects. */
function formatsOf(argv: string[]): string[] {
  const program = new Command("envtrace");
  const { io } = capture();
  for (const c of loaded) c.register(program, commandContext(io));
  let cmd: Command = program;
  for (const a of argv) {
    const sub = cmd.commands.find((c) => c.name() === a);
    if (!sub) break;
    cmd = sub;
  }
  const opt = cmd.options.find((o) => o.long === "--format");
  return opt?.argChoices ? [...opt.argChoices] : [];
}

function walk(d: string, out: string[] = []): string[] {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

let loaded: CliCommand[] = [];

beforeAll(async () => {
  loaded = await Promise.all(commands.map((c) => c.load()));
  dir = mkdtempSync(join(tmpdir(), "envtrace-leak-"));
  home = join(dir, "home");
  mkdirSync(join(home, ".config", "go"), { recursive: true });
  mkdirSync(join(dir, "out"));
  mkdirSync(join(dir, "modcache"));
  const rc = Object.entries(FILE_SECRETS)
    .map(([k, v]) => `export ${k}="${v}"`)
    .join("\n");
  writeFileSync(join(home, ".bashrc"), `${rc}\nexport GITHUB_TOKEN="${ENV_SECRETS.GITHUB_TOKEN}"\n`);
  writeFileSync(
    join(home, ".profile"),
    `export DB_PASSWORD='${ENV_SECRETS.DB_PASSWORD}'\n. "$HOME/.bashrc"\n`,
  );
  writeFileSync(join(home, ".zshrc"), `export RC_API_SECRET=${FILE_SECRETS.RC_API_SECRET}\n`);
  writeFileSync(join(home, ".config", "go", "env"), `GOPROXY=${ENV_SECRETS.GOPROXY}\n`);
  writeFileSync(
    join(dir, "app.env"),
    Object.entries(ENV_SECRETS)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join("\n"),
  );
  const envYaml = Object.entries({ ...ENV_SECRETS, ...FILE_SECRETS })
    .map(([k, v]) => `        - name: ${k}\n          value: ${JSON.stringify(v)}`)
    .join("\n");
  writeFileSync(
    join(dir, "pod.yaml"),
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: leaky\n  namespace: default\nspec:\n  containers:\n    - name: app\n      image: busybox\n      env:\n${envYaml}\n`,
  );
  writeFileSync(
    join(dir, "review.json"),
    JSON.stringify({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      request: {
        uid: "leak-1",
        operation: "CREATE",
        namespace: "default",
        kind: { group: "", version: "v1", kind: "Pod" },
        object: {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "leaky", namespace: "default" },
          spec: {
            containers: [
              {
                name: "app",
                image: "busybox",
                env: Object.entries({ ...ENV_SECRETS, ...FILE_SECRETS }).map(([name, value]) => ({
                  name,
                  value,
                })),
              },
            ],
          },
        },
      },
    }),
  );
  child = spawn("sh", ["-c", "sleep 900; :"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, SHELL: "/bin/bash", ...ENV_SECRETS },
    stdio: "ignore",
  });
  pid = String(child.pid);
  await new Promise((r) => setTimeout(r, 200));
});

afterAll(() => {
  child?.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("no secret leaks from any command or format", () => {
  it("the target process really holds the secrets", () => {
    const environ = readFileSync(`/proc/${pid}/environ`, "latin1");
    for (const n of NEEDLES.slice(0, 5)) expect(environ.includes(n)).toBe(true);
  });

  it("every registered command has an input entry", () => {
    const table = inputs();
    const missing = commands.map((c) => c.name).filter((n) => !(n in table));
    expect(missing, "add these commands to INPUTS in test/leak.test.ts").toEqual([]);
  });

  it("every command × format (ENVTRACE_DEBUG=1) keeps every secret out of stdout, stderr and files", async () => {
    const before = new Map(walk(dir).map((f) => [f, statSync(f).mtimeMs]));
    const table = inputs();
    const found: string[] = [];
    for (const c of commands) {
      for (const entry of table[c.name] ?? []) {
        const formats = entry.formats === false ? [undefined] : [undefined, ...formatsOf(entry.argv)];
        for (const f of formats) {
          const argv = f ? [...entry.argv, "--format", f] : entry.argv;
          const { io, out } = capture(entry.stdin);
          await run(argv, io);
          ranWith.push(argv);
          const text = out();
          // --reveal is the one way out: there the secrets must show (which proves the needles are real).
          if (argv.includes("--reveal")) {
            expect(leaks(text).length, "--reveal shows the values").toBeGreaterThan(0);
            continue;
          }
          for (const l of leaks(text)) found.push(`${argv.join(" ")}: ${l}`);
        }
      }
    }
    for (const file of walk(dir)) {
      const prev = before.get(file);
      if (prev !== undefined && prev === statSync(file).mtimeMs) continue; // an input we wrote
      for (const l of leaks(readFileSync(file, "latin1"))) found.push(`file ${file}: ${l}`);
    }
    expect(found).toEqual([]);
    // The formats of explain were really exercised (json and text at least).
    expect(ranWith.some((a) => a[0] === "explain" && a.includes("json"))).toBe(true);
  }, 300_000);

  it("the secrets are really flagged (not merely absent): explain --format json marks them masked", async () => {
    const { io, out } = capture();
    await run(["explain", "--pid", pid, "--format", "json"], io);
    if (!out().startsWith("{")) throw new Error(`explain said: ${out().slice(0, 300)}`);
    const doc = single(out());
    const masked = new Set(
      doc.variables.filter((v: { masked: boolean }) => v.masked).map((v: { key: string }) => v.key),
    );
    for (const k of Object.keys(ENV_SECRETS)) expect(masked.has(k), k).toBe(true);
  });

  it("the installed binary (node bin/envtrace.js) leaks nothing either", () => {
    // Needs `npm run build`; build here only when dist lacks this command (tsc emits despite others' type errors).
    if (!existsSync("dist/cli/commands/redact.js")) {
      const build = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { encoding: "utf8" });
      expect(build.error).toBeUndefined();
    }
    const { io } = capture();
    for (const argv of [
      ["explain", "--pid", pid, "--format", "json"],
      ["redact", join(dir, "app.env")],
    ]) {
      const r = spawnSync("node", ["bin/envtrace.js", ...argv], {
        encoding: "latin1",
        env: io.env as NodeJS.ProcessEnv,
      });
      expect(r.status, r.stderr).toBe(argv[0] === "redact" ? 0 : r.status);
      expect(leaks(r.stdout + r.stderr)).toEqual([]);
      expect(r.stdout.length).toBeGreaterThan(0);
    }
  }, 120_000);
});
