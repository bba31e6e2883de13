import { describe, expect, it } from "vitest";
import { envFromStrings } from "../snapshot/environ.js";
import { attributeTree, RECORD_STATIC_MISMATCH } from "./attribute.js";
import { quoteHex, TraceParser } from "./parse.js";
import { recordSubjects } from "./report.js";
import { ExecTree } from "./tree.js";

const hex = (s: string) => quoteHex(Buffer.from(s));
const exec = (pid: number, t: number, path: string, argv: string[], env: string[]) =>
  `${pid} ${t} execve(${hex(path)}, [${argv.map(hex).join(", ")}], [${env.map(hex).join(", ")}]) = 0`;

function treeOf(lines: string[], baseline: Record<string, string>): ExecTree {
  const tree = new ExecTree(ExecTree.baselineImage(1, envFromStrings(Object.entries(baseline))));
  const p = new TraceParser((e) => tree.add(e));
  p.push(Buffer.from(`${lines.join("\n")}\n`));
  p.end();
  return tree;
}

describe("env-diff attribution", () => {
  // bash sets A in-process, forks, the child execs env with B=2 on its command line, env execs the program.
  const tree = treeOf(
    [
      exec(10, 1, "/bin/bash", ["bash", "-c", "…"], ["HOME=/h", "OLD=x"]),
      "10 1.1 clone(child_stack=NULL, flags=SIGCHLD) = 11",
      exec(11, 1.2, "/usr/bin/env", ["env", "-u", "OLD", "B=2", "prog"], ["HOME=/h", "OLD=x", "A=1"]),
      exec(11, 1.3, "/usr/bin/prog", ["prog"], ["HOME=/h", "A=1", "B=2"]),
    ],
    { HOME: "/h", OLD: "x", _: "/usr/bin/envtrace" },
  );

  it("attributes each change to the program that passed it on, with what it removed", async () => {
    const procs = await attributeTree(tree, { noStatic: true });
    const child = procs.find((p) => p.changes.proc.pid === 11)!;
    const by = Object.fromEntries(child.variables.map((v) => [v.key, v.winner]));
    expect(by.A).toMatchObject({ kind: "runtime", confidence: "certain", actor: { pid: 10, comm: "bash" } });
    expect(by.B).toMatchObject({ kind: "runtime", mechanism: "env:argv", actor: { pid: 11, comm: "env" } });
    expect(child.changes.removed).toEqual(["OLD"]);
    // The root changed nothing against the recording's environment but `_` (noise, left out).
    const root = procs.find((p) => p.changes.proc.pid === 10)!;
    expect(root.variables.map((v) => v.key)).toEqual([]);
    expect(root.changes.removed).toEqual([]);
  });

  it("--keys keeps only those keys; subjects are exec-tree, masked, with the exec chain", async () => {
    const procs = await attributeTree(tree, { noStatic: true, keys: ["B"] });
    const subjects = recordSubjects(procs);
    const s = subjects.find((x) => x.details.pid === 11)!;
    expect(s.kind).toBe("exec-tree");
    expect(s.variables?.map((v) => v.key)).toEqual(["B"]);
    expect((s.details.images as unknown[]).length).toBe(2);
    expect(s.notes?.join(" ")).toMatch(/env → prog/);
  });

  it("the static engine's procfs view disagrees for a value set inside an exec chain", async () => {
    const procs = await attributeTree(tree, {});
    const child = procs.find((p) => p.changes.proc.pid === 11)!;
    // B was set by env (pid 11, an image procfs never shows): static says bash (pid 10).
    const f = child.findings.find((x) => x.key === "B");
    expect(f?.id).toBe(RECORD_STATIC_MISMATCH);
    expect(child.findings.find((x) => x.key === "A")).toBeUndefined();
  });
});
