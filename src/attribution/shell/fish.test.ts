/** The fish resolver on fixture trees: mode from argv/tty, answers per key, shadowed entries, trace parsing. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EnvEntry, ProcessSnapshot } from "../../model/index.js";
import { createHostFs } from "../../snapshot/host-fs.js";
import { createResolverContext } from "../engine.js";
import { analyzeFishStartup } from "./fish/analyze.js";
import { parseFishTrace } from "./fish/trace.js";
import fish, { answerFromAnalysis, fishMode, isFish, refineWithTrace } from "./fish.js";

const fixtures = new URL("../../../test/fixtures/shell/fish/", import.meta.url).pathname;

function entry(key: string, value: string): EnvEntry {
  return { key, value, raw: new TextEncoder().encode(value), escaped: false };
}
function proc(pid: number, cmdline: string[], env: Record<string, string>, ttyNr = 0): ProcessSnapshot {
  return {
    info: {
      pid,
      ppid: pid - 1,
      comm: "fish",
      exe: "/usr/bin/fish",
      cmdline,
      ttyNr,
      startTicks: 0,
      cgroup: [],
    },
    env: new Map(Object.entries(env).map(([k, v]) => [k, entry(k, v)])),
  };
}

describe("fish mode from argv and tty", () => {
  const m = (argv: string[], tty = 0) => fishMode(proc(2, argv, {}, tty));
  it("reads login/interactive flags, a login dash, -c and the terminal", () => {
    expect(m(["-fish"])).toEqual({ login: true, interactive: false });
    expect(m(["-fish"], 34816)).toEqual({ login: true, interactive: true });
    expect(m(["fish", "-l", "-c", "sleep 1"], 34816)).toEqual({
      login: true,
      interactive: false,
      command: true,
    });
    expect(m(["fish", "-lic", "x"])).toEqual({ login: true, interactive: true, command: true });
    expect(m(["fish", "--login", "--interactive"])).toEqual({ login: true, interactive: true });
    expect(m(["fish", "script.fish"], 34816)).toEqual({ login: false, interactive: false });
    expect(m(["fish", "-N", "-c", "-l"])).toEqual({
      login: false,
      interactive: false,
      noRc: true,
      command: true,
    });
    expect(m(["fish", "--init-command", "-l"], 1)).toEqual({ login: false, interactive: true });
  });
  it("recognises fish by exe, argv[0] or comm", () => {
    expect(isFish(proc(2, ["-fish"], {}))).toBe(true);
    const p = proc(2, ["bash"], {});
    p.info.exe = "/usr/bin/bash";
    p.info.comm = "bash";
    expect(isFish(p)).toBe(false);
    expect(isFish(null)).toBe(false);
  });
});

async function resolve(
  fixture: string,
  argv: string[],
  keys: Record<string, string>,
  env: Record<string, string> = {},
) {
  const issues: import("../../model/index.js").CollectionIssue[] = [];
  const ctx = createResolverContext({ fs: createHostFs(`${fixtures}${fixture}`), issues });
  const actor = proc(10, argv, { HOME: "/home/u", PATH: "/usr/bin:/bin", ...env });
  const receiver = proc(11, ["sleep", "60"], { ...env, ...keys });
  receiver.info.comm = "sleep";
  const req = {
    subject: receiver,
    chain: [actor, receiver],
    receiver,
    actor,
    keys: new Map(Object.entries(keys).map(([k, v]) => [k, entry(k, v)])),
  };
  expect(fish.matches(req)).toBe(true);
  return { answers: await fish.resolve(req, ctx), issues, req, ctx };
}

describe("fish resolver answers", () => {
  it("certain for the winning assignment, with shadowed earlier and never-run assignments", async () => {
    const { answers } = await resolve("confd", ["fish", "-c", "sleep 60"], { SHADOW_ME: "user", SYS: "sys" });
    const a = answers.get("SHADOW_ME")!;
    expect(a.attribution).toMatchObject({
      kind: "shell",
      mechanism: "fish",
      confidence: "certain",
      location: { file: "/home/u/.config/fish/conf.d/10-b.fish", line: 3 },
    });
    expect(a.shadowed?.map((s) => [s.attribution.location, s.attribution.confidence])).toEqual([
      [{ file: "/etc/fish/conf.d/10-b.fish", line: 1 }, "certain"],
    ]);
    expect(a.shadowed?.[0]?.attribution.evidence.join(" ")).toMatch(/never ran/);
    expect(answers.get("SYS")?.shadowed?.map((s) => s.attribution.location)).toEqual([
      { file: "/usr/share/fish/vendor_conf.d/05-sys.fish", line: 1 },
    ]);
  });

  it("likely for conditional and computed values, possible when the value differs; segments for PATH", async () => {
    const { answers } = await resolve("constructs", ["fish", "-c", "x"], {
      MAYBE: "brew",
      COMPUTED: "host-1",
      APPENDED: "changed later",
      PATH: "/first:/home/u/bin:/usr/bin:/bin:/last",
      SHLVL: "2",
    });
    expect(answers.get("MAYBE")?.attribution).toMatchObject({ confidence: "likely", location: { line: 13 } });
    expect(answers.get("COMPUTED")?.attribution).toMatchObject({
      confidence: "likely",
      location: { line: 34 },
    });
    expect(answers.get("APPENDED")?.attribution).toMatchObject({
      confidence: "possible",
      location: { line: 41 },
    });
    expect(answers.get("APPENDED")?.notes?.length).toBe(1);
    const p = answers.get("PATH")!;
    expect(p.attribution).toMatchObject({ confidence: "certain", location: { line: 44 } });
    expect(p.segments?.map((s) => s.location?.line)).toEqual([43, 42, undefined, undefined, 44]);
    expect(
      p.shadowed?.map(
        (s) => s.attribution.location && "line" in s.attribution.location && s.attribution.location.line,
      ),
    ).toEqual([42, 43]);
    expect(answers.get("SHLVL")?.attribution).toMatchObject({ kind: "shell", confidence: "certain" });
  });

  it("universal variables: certain from fish_variables; a global override lists the universal as shadowed", async () => {
    const { answers, issues } = await resolve("universal", ["fish"], {
      ESCAPED: "hé llo\\tx",
      OVERRIDDEN: "global",
    });
    expect(answers.get("ESCAPED")?.attribution).toMatchObject({
      confidence: "certain",
      location: { file: "/home/u/.config/fish/fish_variables", line: 4 },
    });
    expect(answers.get("OVERRIDDEN")?.shadowed?.map((s) => s.attribution.location)).toEqual([
      { file: "/home/u/.config/fish/fish_variables", line: 7 },
    ]);
    expect(issues.filter((i) => i.code === "PARSE")).toHaveLength(2);
  });

  it("lists every exported assignment as a static candidate", async () => {
    const { req, ctx } = await resolve("confd", ["fish"], { SYS: "sys" });
    const c = await fish.candidates!(req, ctx);
    expect(c.filter((x) => x.key === "SHADOW_ME").map((x) => x.location)).toEqual([
      { file: "/home/u/.config/fish/conf.d/10-b.fish", line: 3 },
    ]);
    expect(c.every((x) => x.kind === "shell" && x.mechanism === "fish")).toBe(true);
  });
});

describe("fish_trace parsing", () => {
  it("never throws on arbitrary trace output", () => {
    const line = fc.oneof(
      fc.string(),
      fc
        .tuple(fc.nat(12), fc.constantFrom("source", "set", "set -gx", "set -l", ".", "end"), fc.string())
        .map(([d, c, rest]) => `${"-".repeat(d)}> ${c} ${rest}`),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 60 }), (lines) => {
        const r = parseFishTrace(lines.join("\n"));
        expect(r.lastSetFile instanceof Map).toBe(true);
      }),
    );
  });

  it("takes the file of the last global set of each key from source nesting, ignoring locals", () => {
    const trace = [
      "> source /usr/share/fish/config.fish",
      "--> set -g IFS \\n\\ \\t",
      "--> for /h/conf.d/a.fish",
      "---> source /h/conf.d/a.fish",
      "-----> set -gx EDITOR vim",
      "-----> set -l EDITOR local",
      "--> end for",
      "> source /h/config.fish",
      "--> set -gx --path MYP a b",
      "--> set -q EDITOR",
      "--> some_function",
      "---> set -gx FROM_FN 1",
      "> env -0",
    ].join("\n");
    const r = parseFishTrace(trace);
    expect(r.sourced).toEqual(["/usr/share/fish/config.fish", "/h/conf.d/a.fish", "/h/config.fish"]);
    expect(Object.fromEntries(r.lastSetFile)).toEqual({
      IFS: "/usr/share/fish/config.fish",
      EDITOR: "/h/conf.d/a.fish",
      MYP: "/h/config.fish",
      FROM_FN: "/h/config.fish",
    });
  });
});

describe("--trace refinement", () => {
  async function setup() {
    const ctx = createResolverContext({ fs: createHostFs(`${fixtures}constructs`), issues: [] });
    const env = new Map([
      ["HOME", "/home/u"],
      ["PATH", "/usr/bin:/bin"],
    ]);
    return analyzeFishStartup({ shell: "fish", mode: { login: false, interactive: false }, env }, ctx);
  }
  const cfg = "/home/u/.config/fish/config.fish";
  const trace = (env: Record<string, string>, sets: Record<string, string>) => ({
    env: new Map(Object.entries(env)),
    lastSetFile: new Map(Object.entries(sets)),
    sourced: [],
    issues: [],
  });

  it("upgrades a computed value to certain when the traced run gives it in the same file", async () => {
    const a = await setup();
    const ans = answerFromAnalysis("COMPUTED", "host-1", a, "fish");
    expect(ans?.attribution.confidence).toBe("likely");
    const r = refineWithTrace("COMPUTED", "host-1", ans, trace({ COMPUTED: "host-1" }, { COMPUTED: cfg }), a);
    expect(r?.attribution).toMatchObject({ confidence: "certain", location: { file: cfg, line: 34 } });
  });

  it("keeps an exact static answer in a function file when the trace shows the caller's file", async () => {
    const a = await setup();
    const fnFile = "/home/u/.config/fish/functions/autoloaded_fn.fish";
    const ans = answerFromAnalysis("AUTOLOADED", "yes", a, "fish");
    const r = refineWithTrace("AUTOLOADED", "yes", ans, trace({ AUTOLOADED: "yes" }, { AUTOLOADED: cfg }), a);
    expect(r?.attribution).toMatchObject({ confidence: "certain", location: { file: fnFile, line: 2 } });
  });

  it("relocates to the traced file when static analysis found nothing, and notes a different value", async () => {
    const a = await setup();
    const r = refineWithTrace("FROM_EVAL", "x", null, trace({ FROM_EVAL: "x" }, { FROM_EVAL: cfg }), a);
    expect(r?.attribution).toMatchObject({
      kind: "shell",
      mechanism: "fish",
      location: { file: cfg },
      confidence: "likely",
    });
    const ans = answerFromAnalysis("GOPATH", "/home/u/go", a, "fish");
    const d = refineWithTrace("GOPATH", "/home/u/go", ans, trace({ GOPATH: "/elsewhere" }, {}), a);
    expect(d?.attribution.confidence).toBe("certain");
    expect(d?.notes).toEqual(["--trace: running fish's startup now gives a different value"]);
  });
});
