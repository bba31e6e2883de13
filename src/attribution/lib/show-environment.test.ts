/**
 * `systemctl show-environment` output in the form systemd 252 prints it (values that need quoting come as
 * `$'…'` with C escapes). No systemd runs as PID 1 on the test machine: the text below is the recorded form.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseShowEnvironment } from "./show-environment.js";

const RECORDED = [
  "LANG=en_US.UTF-8",
  "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
  "HTTPS_PROXY=http://proxy.corp.example:3128",
  "GREETING=$'hello world\\n\\tbye \\'quoted\\' \\x41\\101'",
  "not a variable line",
  "",
].join("\n");

describe("parseShowEnvironment", () => {
  it("reads plain and $'…'-quoted values", () => {
    const env = parseShowEnvironment(RECORDED);
    expect(env.get("LANG")).toBe("en_US.UTF-8");
    expect(env.get("HTTPS_PROXY")).toBe("http://proxy.corp.example:3128");
    expect(env.get("GREETING")).toBe("hello world\n\tbye 'quoted' AA");
    expect(env.size).toBe(4);
  });

  it("never throws, whatever the bytes", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(parseShowEnvironment(s)).toBeInstanceOf(Map);
      }),
    );
  });
});
