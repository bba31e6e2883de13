import { describe, expect, it } from "vitest";
import { EnvtraceError, errorText } from "./errors.js";

const TOKEN = `ghp_${"Zq9Xw8Vu7T".repeat(3)}s6R5q4`;

describe("errorText", () => {
  it("is one line naming the input and the fix for a known error", async () => {
    const t = await errorText(new EnvtraceError("NO_SUCH_PROCESS", { pid: 42 }), false);
    expect(t).toBe("envtrace: no process with pid 42: check the pid with `ps -p 42`\n");
  });

  it("masks a secret an internal error quotes, in the message and in the debug stack", async () => {
    const err = new SyntaxError(`Unexpected token in JSON at position 7: "token": "${TOKEN}"`);
    const plain = await errorText(err, false);
    expect(plain.split("\n").filter(Boolean)).toHaveLength(1);
    expect(plain).toMatch(/^envtrace: internal error: Unexpected token/);
    expect(plain).not.toContain(TOKEN);
    const debug = await errorText(err, true);
    expect(debug).toContain("at ");
    expect(debug).not.toContain(TOKEN);
  });
});
