import { describe, expect, it } from "vitest";
import { isSecretValue } from "../detect/secret-value.js";
import { maskGoValue, redactGoEnv } from "./redact.js";

describe("maskGoValue", () => {
  it("masks URL userinfo inside a GOPROXY list and keeps the rest", () => {
    const v = maskGoValue(
      "GOPROXY",
      "https://proxy.golang.org,https://alice:hunter2hunter2@corp.example/p|direct",
    );
    expect(isSecretValue(v)).toBe(true);
    expect(String(v)).toBe("https://proxy.golang.org,https://********@corp.example/p|direct");
    expect(JSON.stringify({ v })).not.toContain("hunter2");
  });
  it("masks a token-only userinfo and token-like words", () => {
    expect(
      String(maskGoValue("GOPROXY", "https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@x.example")),
    ).not.toContain("ghp_a");
    const flags = maskGoValue(
      "GOFLAGS",
      "-mod=readonly -ldflags=-X=main.apiToken=ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    );
    expect(String(flags)).not.toContain("abcdefghij");
    expect(String(flags)).toContain("-mod=readonly");
  });
  it("leaves ordinary values alone", () => {
    expect(maskGoValue("GOPROXY", "https://proxy.golang.org,direct")).toBe("https://proxy.golang.org,direct");
    expect(maskGoValue("GOFLAGS", "-mod=mod -trimpath")).toBe("-mod=mod -trimpath");
    expect(maskGoValue("GOAUTH", "netrc")).toBe("netrc");
  });
});

describe("redactGoEnv", () => {
  it("replaces GOPATH, HOME and the user name, and keeps masks", () => {
    const values = new Map<string, string | ReturnType<typeof maskGoValue>>([
      ["GOPATH", "/home/alice/go"],
      ["GOMODCACHE", "/home/alice/go/pkg/mod"],
      ["GOCACHE", "/home/alice/.cache/go-build"],
      ["GOENV", "/home/alice/.config/go/env"],
      ["GOTMPDIR", "/tmp/alice/tmp"],
      ["GOROOT", "/usr/lib/go-1.19"],
      ["GOPROXY", maskGoValue("GOPROXY", "https://alice:pw0rdpw0rd@corp.example")],
    ]);
    const out = redactGoEnv(values, { home: "/home/alice", user: "alice", gopath: "/home/alice/go" });
    expect(out).toEqual({
      GOCACHE: "$HOME/.cache/go-build",
      GOENV: "$HOME/.config/go/env",
      GOMODCACHE: "$GOPATH/pkg/mod",
      GOPATH: "$HOME/go",
      GOPROXY: "https://********@corp.example",
      GOROOT: "/usr/lib/go-1.19",
      GOTMPDIR: "/tmp/$USER/tmp",
    });
  });
});
