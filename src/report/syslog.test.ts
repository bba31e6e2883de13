import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { goldenReport, SECRET } from "../../test/report/golden-input.js";
import { reportEvents } from "./events.js";
import {
  CUT_MARK,
  escapeParamValue,
  eventParams,
  formatSyslog,
  headerField,
  oneLine,
  parseSyslog,
  type SyslogEvent,
  sdName,
  syslogReporter,
  syslogSeverity,
} from "./syslog.js";

const base: SyslogEvent = {
  type: "variable",
  run: "00000000-0000-4000-8000-000000000000",
  time: "2026-11-24T06:00:02.000Z",
  host: "golden-host",
  subject: { id: "process/1", kind: "process", name: "p" },
  key: "K",
  code: "shell",
  data: {},
};

const FIXED = ["type", "run", "seq", "hash", "subject", "subjectKind", "key", "code", "severity"];
const params = (line: string) => new Map(parseSyslog(line).sd[0]!.params);
const bytes = (s: string) => Buffer.byteLength(s, "utf8");

describe("syslog reporter (RFC 5424)", () => {
  it("writes one parseable line per jsonl event, with header fields from the report", async () => {
    const r = goldenReport();
    const out = await syslogReporter.render(r, {});
    const lines = out.trimEnd().split("\n");
    const events = reportEvents(r);
    expect(lines).toHaveLength(events.length);
    expect(out).not.toContain(SECRET);
    lines.forEach((line, i) => {
      const p = parseSyslog(line);
      const e = events[i]!;
      expect(p.version).toBe(1);
      expect(p.timestamp).toBe(r.run.endedAt);
      expect(p.hostname).toBe(r.run.host);
      expect(p.appName).toBe("envtrace");
      expect(p.procId).toBe("-");
      expect(p.msgId).toBe(e.code);
      expect(p.facility).toBe(13);
      expect(p.sd[0]!.id).toBe("envtrace@32473");
      const m = new Map(p.sd[0]!.params);
      expect(m.get("type")).toBe(e.type);
      expect(m.get("run")).toBe(r.run.id);
      expect(m.get("subject")).toBe(e.subject.id);
    });
  });

  it("maps severities explicitly", () => {
    const sev = (severity: SyslogEvent["severity"]) => syslogSeverity({ ...base, type: "finding", severity });
    expect([sev("critical"), sev("high"), sev("medium"), sev("low"), sev("info")]).toEqual([2, 3, 4, 5, 6]);
    expect(syslogSeverity(base)).toBe(6);
    expect(syslogSeverity({ ...base, type: "issue" })).toBe(5);
    expect(syslogSeverity({ ...base, type: "check", data: { status: "ok" } })).toBe(6);
    expect(syslogSeverity({ ...base, type: "check", data: { status: "fail" } })).toBe(5);
    expect(syslogSeverity({ ...base, type: "run-end", data: { syslog: { dropped: 3 } } })).toBe(4);
    expect(formatSyslog({ ...base, type: "finding", severity: "critical" })).toMatch(/^<106>1 /);
  });

  it("uses the configured PEN and app-name; MSGID is printable ASCII of at most 32 characters", () => {
    const line = formatSyslog(
      { ...base, code: "ENVT-SECRET-001 ü x".repeat(4) },
      { pen: 4711, appName: "a p" },
    );
    const p = parseSyslog(line);
    expect(p.sd[0]!.id).toBe("envtrace@4711");
    expect(p.appName).toBe("a_p");
    expect(p.msgId.length).toBeLessThanOrEqual(32);
    expect(p.msgId).toMatch(/^[\x21-\x7e]+$/);
    expect(() => formatSyslog(base, { pen: 0 })).toThrow(/PEN/);
  });

  it('escapes ", \\ and ] in PARAM-VALUEs and keeps a message on one line', () => {
    const line = formatSyslog({ ...base, data: { value: 'a"b\\c]d\ne\u0000' } });
    expect(line).toContain('value="a\\"b\\\\c\\]d#012e#000"');
    expect(line).not.toContain("\n");
    expect(params(line).get("value")).toBe('a"b\\c]d#012e#000');
  });

  it("property: every value parses back as written (escaping is lossless)", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,12}$/),
          fc.string({ unit: "binary", maxLength: 60 }),
          { maxKeys: 6 },
        ),
        fc.string({ unit: "binary", maxLength: 40 }),
        (data, key) => {
          const line = formatSyslog({ ...base, key, data }, { maxLineBytes: 1 << 20 });
          expect(line).not.toMatch(/[\n\r]/);
          const m = params(line);
          expect(m.get("key")).toBe(oneLine(key));
          for (const [k, v] of Object.entries(data)) {
            if (k === "key" && v === key) continue;
            expect(m.get(FIXED.includes(k) ? `variable.${k}` : k)).toBe(oneLine(v));
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("property: lines never pass the limit, cuts carry a marker, cut values are prefixes, UTF-8 stays whole", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: "binary", maxLength: 400 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 480, max: 1500 }),
        (values, max) => {
          const data = Object.fromEntries(values.map((v, i) => [`p${i}`, v]));
          const line = formatSyslog({ ...base, data }, { maxLineBytes: max });
          expect(bytes(line)).toBeLessThanOrEqual(max);
          // Valid UTF-8: decoding and encoding again gives the same bytes.
          const b = Buffer.from(line, "utf8");
          expect(Buffer.from(b.toString("utf8"), "utf8").equals(b)).toBe(true);
          const m = params(line);
          const full = formatSyslog({ ...base, data }, { maxLineBytes: 1 << 20 });
          if (bytes(full) <= max) expect(line).toBe(full);
          else {
            expect(m.get("cut")).toBe(String(bytes(full)));
            for (const [k, v] of Object.entries(data)) {
              const got = m.get(k);
              if (got === undefined) continue;
              const clean = oneLine(v);
              if (got !== clean) {
                expect(got.endsWith(CUT_MARK)).toBe(true);
                expect(clean.startsWith(got.slice(0, -CUT_MARK.length))).toBe(true);
              }
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("cuts MSG before structured data, and never inside an escape", () => {
    const msgOnly = formatSyslog(
      { ...base, type: "issue", data: { subject: "x".repeat(700) } },
      { maxLineBytes: 1000 },
    );
    expect(bytes(msgOnly)).toBeLessThanOrEqual(1000);
    expect(params(msgOnly).get("issue.subject")).toBe("x".repeat(700));
    expect(parseSyslog(msgOnly).msg.endsWith(CUT_MARK)).toBe(true);
    const long = "é]".repeat(3000);
    const line = formatSyslog({ ...base, type: "finding", severity: "high", data: { message: long } }, {});
    expect(bytes(line)).toBeLessThanOrEqual(8192);
    const p = parseSyslog(line);
    expect(p.msg).toBe("");
    expect(new Map(p.sd[0]!.params).get("message")!.endsWith(CUT_MARK)).toBe(true);
    expect(line).not.toMatch(/[^\\]\\"[^ \]]/); // no escaped quote left dangling
  });

  it("parses what a collector copies, and rejects what is not RFC 5424", () => {
    expect(parseSyslog('<13>1 - h a - m [x@1 a="b\\"c"] hi').sd[0]!.params).toEqual([["a", 'b"c']]);
    expect(parseSyslog("<13>1 - h a - m - hi").msg).toBe("hi");
    expect(() => parseSyslog("hello")).toThrow(SyntaxError);
    expect(() => parseSyslog('<13>1 - h a - m [x@1 a="b] hi')).toThrow(SyntaxError);
  });

  it("property: header fields, SD names and escapes are what their character rules say (fast paths included)", () => {
    const byRule = (s: string, max: number, ok: (c: number, ch: string) => boolean, empty: string) => {
      let out = "";
      for (const ch of s) {
        out += ok(ch.codePointAt(0)!, ch) ? ch : "_";
        if (out.length >= max) break;
      }
      return out || empty;
    };
    const printable = (c: number) => c >= 33 && c <= 126;
    const nameChar = (c: number, ch: string) => printable(c) && ch !== "=" && ch !== "]" && ch !== '"';
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.stringMatching(/^[!-~]{0,40}$/)),
        fc.integer({ min: 1, max: 48 }),
        (s, max) => {
          expect(headerField(s, max)).toBe(s ? byRule(s, max, printable, "-") : "-");
          expect(sdName(s)).toBe(byRule(s, 32, nameChar, "_"));
          expect(escapeParamValue(s)).toBe(s.replace(/["\\\]]/g, (c) => `\\${c}`));
        },
      ),
    );
  });

  it("a data field that sanitizes to a taken name goes under the event type, or is left out", () => {
    const p = eventParams({
      ...base,
      type: "issue",
      data: { subject: "s", "issue.subject": "x", "a=b": 1, a_b: 2 },
    });
    expect(p).toContainEqual(["issue.subject", "s"]);
    expect(p.filter(([n]) => n === "issue.subject")).toHaveLength(1);
    expect(p.filter(([n]) => n === "a_b")).toEqual([["a_b", "1"]]);
    expect(p).toContainEqual(["issue.a_b", "2"]);
  });
});
