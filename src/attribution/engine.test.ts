import { describe, expect, it } from "vitest";
import type { ProcessSnapshot } from "../model/index.js";
import { envFromStrings } from "../snapshot/environ.js";
import { createHostFs } from "../snapshot/host-fs.js";
import { attributeChain, createResolverContext, entryIndex, groupByReceiver } from "./engine.js";
import { createExecChainResolver } from "./exec-chain.js";
import { defineResolver, type Resolver } from "./resolver.js";

function snap(pid: number, ppid: number, comm: string, env: Record<string, string> | null): ProcessSnapshot {
  return {
    info: {
      pid,
      ppid,
      comm,
      cmdline: [comm],
      ttyNr: 0,
      startTicks: pid,
      cgroup: [],
      startTime: `2026-01-01T00:00:${String(pid).padStart(2, "0")}.000Z`,
    },
    env: env ? envFromStrings(Object.entries(env)) : null,
  };
}

const ctx = () => createResolverContext({ fs: createHostFs("/nonexistent-root"), issues: [] });

// init → login → bash → sleep
const chain = [
  snap(1, 0, "init", { HOME: "/", TERM: "linux" }),
  snap(5, 1, "login", { HOME: "/", TERM: "linux" }),
  snap(9, 5, "bash", { HOME: "/home/u", TERM: "linux", PATH: "/usr/bin" }),
  snap(12, 9, "sleep", { HOME: "/home/u", TERM: "linux", PATH: "/home/u/bin:/usr/bin", EDITOR: "vim" }),
];

describe("ancestry algorithm", () => {
  it("finds the outermost ancestor from which each value is unchanged", () => {
    const sleep = chain[3]!;
    expect(entryIndex(chain, "TERM", sleep.env!.get("TERM")!)).toBe(0);
    expect(entryIndex(chain, "HOME", sleep.env!.get("HOME")!)).toBe(2);
    expect(entryIndex(chain, "PATH", sleep.env!.get("PATH")!)).toBe(3);
    const groups = groupByReceiver(chain);
    expect([...groups.keys()].sort()).toEqual([0, 2, 3]);
    expect([...groups.get(3)!.keys()].sort()).toEqual(["EDITOR", "PATH"]);
  });

  it("stops at an unreadable ancestor rather than guessing across it", () => {
    const broken = [chain[0]!, snap(5, 1, "login", null), chain[2]!, chain[3]!];
    expect(entryIndex(broken, "TERM", chain[3]!.env!.get("TERM")!)).toBe(2);
  });

  it("names the actor, records the shadowed value and defaults honestly without resolvers", async () => {
    const lineages = await attributeChain(chain, { resolvers: [], ctx: ctx() });
    const by = new Map(lineages.map((l) => [l.key, l]));
    expect(lineages.map((l) => l.key)).toEqual(["EDITOR", "HOME", "PATH", "TERM"]);
    const path = by.get("PATH")!;
    expect(path.winner).toMatchObject({
      kind: "runtime",
      confidence: "likely",
      actor: { pid: 9, comm: "bash" },
    });
    expect(path.winner?.time).toEqual({ at: "2026-01-01T00:00:12.000Z", what: "process-start" });
    expect(path.shadowed).toHaveLength(1);
    expect(path.shadowed[0]).toMatchObject({
      value: "/usr/bin",
      attribution: { kind: "inherited", actor: { pid: 9 } },
    });
    expect(by.get("HOME")!.winner).toMatchObject({ kind: "runtime", actor: { pid: 5, comm: "login" } });
    expect(by.get("TERM")!.winner).toMatchObject({ kind: "kernel", confidence: "likely" });
    expect(by.get("TERM")!.winner?.actor).toBeUndefined();
  });

  it("asks only matching resolvers, keeps the most confident answer and survives a failing resolver", async () => {
    const seen: string[] = [];
    const shell = defineResolver({
      meta: { id: "test-shell", kind: "shell", description: "test" },
      matches: (req) => req.actor?.info.comm === "bash",
      async resolve(req) {
        seen.push(...req.keys.keys());
        return new Map([
          [
            "PATH",
            {
              attribution: {
                kind: "shell" as const,
                mechanism: "bash",
                location: { file: "/home/u/.profile", line: 3 },
                confidence: "certain" as const,
                evidence: [],
              },
            },
          ],
          [
            "EDITOR",
            { attribution: { kind: "shell" as const, confidence: "possible" as const, evidence: [] } },
          ],
          [
            "NOT_MINE",
            { attribution: { kind: "shell" as const, confidence: "certain" as const, evidence: [] } },
          ],
        ]);
      },
    });
    const better = defineResolver({
      meta: { id: "test-better", kind: "dotenv", description: "test" },
      matches: () => true,
      async resolve() {
        return new Map([
          [
            "EDITOR",
            { attribution: { kind: "dotenv" as const, confidence: "likely" as const, evidence: [] } },
          ],
        ]);
      },
    });
    const broken: Resolver = {
      meta: { id: "test-broken", kind: "unknown", description: "test" },
      matches: () => true,
      resolve: async () => {
        throw new Error("boom\nstack");
      },
    };
    const issues: import("../model/index.js").CollectionIssue[] = [];
    const c = createResolverContext({ fs: createHostFs("/x"), issues });
    const lineages = await attributeChain(chain, { resolvers: [shell, broken, better], ctx: c });
    const by = new Map(lineages.map((l) => [l.key, l]));
    expect(seen.sort()).toEqual(["EDITOR", "PATH"]);
    expect(by.get("PATH")!.winner).toMatchObject({
      kind: "shell",
      location: { file: "/home/u/.profile", line: 3 },
      actor: { pid: 9 },
    });
    expect(by.get("EDITOR")!.winner?.kind).toBe("dotenv");
    expect(by.has("NOT_MINE")).toBe(false);
    expect(issues.filter((i) => i.subject === "resolver test-broken").map((i) => i.detail)).toEqual([
      "resolver failed: boom",
    ]);
  });
});

describe("exec-chain fallback", () => {
  const source = defineResolver({
    meta: { id: "test-static", kind: "shell", description: "test" },
    matches: () => false,
    resolve: async () => new Map(),
    candidates: async () => [
      { key: "EDITOR", value: "nano", location: { file: "/etc/profile", line: 1 }, kind: "shell" as const },
      {
        key: "EDITOR",
        value: "vim",
        location: { file: "/home/u/.profile", line: 7 },
        kind: "shell" as const,
        mechanism: "bash",
      },
      { key: "TOKEN", value: null, location: { file: "/home/u/.bashrc", line: 2 }, kind: "shell" as const },
    ],
  });
  it("answers likely with the matching candidates when no live actor explains the value", async () => {
    // node (not a shell) started sleep: a script exec'd in between is gone.
    const c = [
      snap(1, 0, "init", {}),
      snap(3, 1, "node", { HOME: "/home/u" }),
      snap(4, 3, "sleep", { HOME: "/home/u", EDITOR: "vim", TOKEN: "t", OTHER: "x" }),
    ];
    const execChain = createExecChainResolver(() => [source]);
    const lineages = await attributeChain(c, { resolvers: [source, execChain], ctx: ctx() });
    const by = new Map(lineages.map((l) => [l.key, l]));
    expect(by.get("EDITOR")!.winner).toMatchObject({
      kind: "shell",
      mechanism: "bash",
      confidence: "likely",
      location: { file: "/home/u/.profile", line: 7 },
      candidates: [{ file: "/home/u/.profile", line: 7 }],
    });
    expect(by.get("TOKEN")!.winner).toMatchObject({ kind: "shell", confidence: "possible" });
    expect(by.get("OTHER")!.winner).toMatchObject({ kind: "runtime", actor: { comm: "node" } });
  });
  it("does not second-guess a live shell actor", async () => {
    const c = [snap(1, 0, "init", {}), snap(3, 1, "bash", {}), snap(4, 3, "sleep", { EDITOR: "vim" })];
    const lineages = await attributeChain(c, {
      resolvers: [createExecChainResolver(() => [source])],
      ctx: ctx(),
    });
    expect(lineages[0]!.winner?.kind).toBe("runtime");
  });
});
