/**
 * The `--trace` pieces that do not run a shell: the argv per shell and mode, and the xtrace parser (with
 * recorded real trace lines from bash as non-root, zsh and dash). The real runs are in
 * test/integration/shells-posix.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProcessSnapshot } from "../../model/index.js";
import { detectShellMode } from "./startup.js";
import { parseTrace, traceCommand } from "./trace.js";

describe("traceCommand", () => {
  it("starts each shell in the actor's mode with xtrace and ends with env -0", () => {
    const bash = traceCommand("bash", { login: true, interactive: true, noRc: true })!;
    expect(bash.argv.slice(0, 5)).toEqual(["bash", "--login", "--norc", "-i", "-x"]);
    expect(bash.argv.at(-1)).toMatch(/env -0$/);
    expect(traceCommand("bash", { login: true, interactive: false, invokedAsSh: true })!.argv0).toBe("sh");
    expect(traceCommand("zsh", { login: false, interactive: true })!.argv.slice(0, 3)).toEqual([
      "zsh",
      "-i",
      "-x",
    ]);
    expect(traceCommand("ash", { login: true, interactive: false })!.argv.slice(0, 4)).toEqual([
      "busybox",
      "sh",
      "-l",
      "-x",
    ]);
    expect(traceCommand("fish", { login: true, interactive: false })).toBeNull();
  });
});

describe("parseTrace", () => {
  it("reads file:line from bash's and zsh's PS4, and order only from dash", () => {
    const recorded = [
      "+/etc/profile:5: PATH=/usr/local/bin:/usr/bin:/bin",
      "+/etc/profile:7: export PATH",
      "++/home/u/.bash_profile:3: id -u",
      "+/home/u/.bash_profile:2: export EDITOR=vim",
      "+/home/u/.zshenv:1> export ZFOO=bar",
      "+/home/u/.zshenv:2> typeset -gx G=1",
      "+ export DFOO=bar",
      "+ echo hi",
      "not a trace line",
    ].join("\n");
    const { assignments, hasLocations } = parseTrace(recorded);
    expect(hasLocations).toBe(true);
    expect(assignments.map((a) => [a.key, a.file, a.line])).toEqual([
      ["PATH", "/etc/profile", 5],
      ["EDITOR", "/home/u/.bash_profile", 2],
      ["ZFOO", "/home/u/.zshenv", 1],
      ["G", "/home/u/.zshenv", 2],
      ["DFOO", undefined, undefined],
    ]);
    expect(parseTrace("+ export X=1\n+ Y=2\n").hasLocations).toBe(false);
  });

  it("never throws on arbitrary output (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        const r = parseTrace(s);
        expect(Array.isArray(r.assignments)).toBe(true);
      }),
    );
  });
});

describe("detectShellMode (property)", () => {
  it("never throws on arbitrary argv, exe and tty", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 8 }),
        fc.option(fc.string({ maxLength: 20 })),
        fc.nat(),
        (argv, exe, tty) => {
          const p: ProcessSnapshot = {
            info: {
              pid: 1,
              ppid: 0,
              comm: "x",
              ...(exe !== null ? { exe } : {}),
              cmdline: argv,
              ttyNr: tty,
              startTicks: 0,
              cgroup: [],
            },
            env: null,
          };
          const m = detectShellMode(p);
          expect(typeof m.login).toBe("boolean");
          expect(typeof m.interactive).toBe("boolean");
        },
      ),
    );
  });
});
