/**
 * RFC 5424 syslog: one line per event (the events `jsonl` prints), for SIEMs and log collectors.
 *
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID [envtrace@PEN name="value" …] MSG`
 * - PRI = facility × 8 + severity. Facility 13 ("log audit", RFC 5424 Table 1) unless configured.
 *   Severity, explicitly: finding critical → 2 (Critical), high → 3 (Error), medium → 4 (Warning),
 *   low → 5 (Notice), info → 6 (Informational); run frames, issues, drift and non-ok checks → 5 (Notice);
 *   variables, settings and ok checks → 6 (Informational); a run-end that lost events → 4 (Warning).
 * - TIMESTAMP, HOSTNAME from the report (the run's end time and host), so the same report gives the same
 *   lines; APP-NAME `envtrace`; PROCID nil; MSGID the rule id (findings), source kind (variables,
 *   settings), check id, issue code or drift change, as printable ASCII of at most 32 characters.
 * - One SD-ELEMENT `envtrace@PEN` (PEN default 32473, IANA's example number for documentation: set your
 *   organisation's own). Its PARAMs are the event flattened (`subject`, `key`, `code`, `severity`,
 *   `source.kind`, `source.file`, …; nested arrays and deeper objects as canonical JSON text, RFC 8785). PARAM-VALUEs escape
 *   `"`, `\` and `]` with a backslash (RFC 5424 §6.3.3); C0 controls and DEL become `#ooo` (octal, as
 *   rsyslog writes them), so a message is always one line; lone surrogates become U+FFFD.
 * - MSG: one sentence for people (no BOM; MSG-ANY), never a value beyond what the SD holds.
 * - A line is at most `maxLineBytes` (default 8192, at least 480: what every receiver must accept). When
 *   longer, MSG is cut first, then the longest PARAM-VALUEs; each cut text ends with `[cut]` and the
 *   element gets `cut="<bytes of the whole line>"`. Cuts fall between characters of the unescaped text,
 *   so never inside an escape or a UTF-8 sequence.
 */
import { canonicalize } from "../audit/jcs.js";
import type { Severity } from "../model/index.js";
import { type EventSubject, forEachEvent } from "./events.js";
import type { Reporter } from "./reporter.js";

/** IANA's Private Enterprise Number reserved for documentation and examples (RFC 5612). */
export const DEFAULT_PEN = 32473;
export const DEFAULT_MAX_LINE_BYTES = 8192;
/** RFC 5424 §6.1: receivers must accept messages of 480 octets. */
export const MIN_LINE_BYTES = 480;
export const DEFAULT_FACILITY = 13;
export const CUT_MARK = "[cut]";

export interface SyslogOptions {
  pen?: number;
  maxLineBytes?: number;
  appName?: string;
  facility?: number;
}

/** What one line says; `ReportEvent`s and audit records both fit. */
export interface SyslogEvent {
  type: string;
  run: string;
  time: string;
  host: string;
  subject?: EventSubject;
  key?: string;
  severity?: Severity;
  code: string;
  data: Record<string, unknown>;
  /** Audit records: their place in the hash chain. */
  seq?: number;
  hash?: string;
}

export const SEVERITY_TO_SYSLOG: Record<Severity, number> = {
  critical: 2,
  high: 3,
  medium: 4,
  low: 5,
  info: 6,
};

export function syslogSeverity(e: SyslogEvent): number {
  if (e.type === "finding" && e.severity) return SEVERITY_TO_SYSLOG[e.severity];
  switch (e.type) {
    case "variable":
    case "setting":
      return 6;
    case "check":
      return e.data.status === "ok" ? 6 : 5;
    case "run-end": {
      const s = e.data.syslog as { dropped?: number } | undefined;
      return (s?.dropped ?? 0) > 0 || Number(e.data.failures ?? 0) > 0 ? 4 : 5;
    }
    default:
      return 5;
  }
}

/** PRINTUSASCII (33–126), at most `max` characters; `-` (nil) when nothing is left. */
export function headerField(s: string | undefined, max: number): string {
  if (!s) return "-";
  // Hosts, app names and codes repeat on every line: the answer for a plain short field is the field.
  if (s.length <= max && PRINTUSASCII.test(s)) return s;
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += c >= 33 && c <= 126 ? ch : "_";
    if (out.length >= max) break;
  }
  return out || "-";
}

const PRINTUSASCII = /^[\x21-\x7e]+$/;
const SD_NAME = /^[\x21\x23-\x3c\x3e-\x5c\x5e-\x7e]{1,32}$/;

/** A PARAM-NAME / SD-NAME: 1–32 PRINTUSASCII except `=`, space, `]` and `"`. */
export function sdName(s: string): string {
  if (SD_NAME.test(s)) return s;
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += c >= 33 && c <= 126 && ch !== "=" && ch !== "]" && ch !== '"' ? ch : "_";
    if (out.length >= 32) break;
  }
  return out || "_";
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROLS = new RegExp(CONTROL.source, "g");
/** Nothing for oneLine to do: no control and no surrogate (so nothing ill-formed). */
const ONE_LINE = /^[^\u0000-\u001f\u007f\ud800-\udfff]*$/;

/** A string with lone surrogates replaced and controls as `#ooo`: what a PARAM-VALUE or MSG may hold. */
export function oneLine(s: string): string {
  if (ONE_LINE.test(s)) return s;
  const w = (s as string & { toWellFormed(): string }).toWellFormed();
  return CONTROL.test(w) ? w.replace(CONTROLS, (c) => `#${c.charCodeAt(0).toString(8).padStart(3, "0")}`) : w;
}

/** Nothing for paramValue to do: no control, surrogate, `"`, `\` or `]`. */
const PLAIN_VALUE = /^[^\u0000-\u001f\u007f\ud800-\udfff"\\\]]*$/;

/** `escapeParamValue(oneLine(s))`, with one test for the usual string that needs neither. */
function paramValue(s: string): string {
  return PLAIN_VALUE.test(s) ? s : escapeParamValue(oneLine(s));
}

/** RFC 5424 §6.3.3: `"`, `\` and `]` are escaped with a backslash inside PARAM-VALUE. */
export function escapeParamValue(s: string): string {
  // Three native string replacements (backslash first) beat one regular expression with a replacement.
  let out = s;
  if (out.includes("\\")) out = out.replaceAll("\\", "\\\\");
  if (out.includes('"')) out = out.replaceAll('"', '\\"');
  if (out.includes("]")) out = out.replaceAll("]", "\\]");
  return out;
}

export function unescapeParamValue(s: string): string {
  return s.replace(/\\(["\\\]])/g, "$1");
}

/** The event as SD PARAMs: fixed names first, then `data` flattened (dotted names, depth 2). */
export function eventParams(e: SyslogEvent): Array<[string, string]> {
  const flat = flatParams(e);
  const p: Array<[string, string]> = [];
  for (let i = 0; i < flat.length; i += 2) p.push([flat[i]!, flat[i + 1]!]);
  return p;
}

/** {@link eventParams} as one array, name, value, name, value… (no pair arrays: a line is built per event). */
function flatParams(e: SyslogEvent): string[] {
  const p: string[] = ["type", e.type, "run", e.run];
  if (e.seq !== undefined) p.push("seq", String(e.seq));
  if (e.hash !== undefined) p.push("hash", e.hash);
  if (e.subject) p.push("subject", e.subject.id, "subjectKind", e.subject.kind);
  if (e.key !== undefined) p.push("key", e.key);
  p.push("code", e.code);
  if (e.severity) p.push("severity", e.severity);
  const taken = TAKEN;
  taken.clear();
  for (let i = 0; i < p.length; i += 2) taken.add(p[i]!);
  const d = e.data;
  for (const k in d) {
    if (!Object.hasOwn(d, k)) continue;
    const v = d[k];
    if (k === "key" && v === e.key) continue;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      for (const k2 in v) {
        if (!Object.hasOwn(v, k2)) continue;
        const v2 = (v as Record<string, unknown>)[k2];
        if (v2 !== undefined) addParam(p, taken, e.type, nestedName(k, k2), `${k}.${k2}`, v2);
      }
    } else if (v !== undefined) addParam(p, taken, e.type, paramName(k), k, v);
  }
  taken.clear();
  return p;
}

/** The names flatParams has given out for the event it is on (one set, cleared per event). */
const TAKEN = new Set<string>();

function addParam(p: string[], taken: Set<string>, type: string, n: string, name: string, v: unknown): void {
  // A data field named like a fixed param (an issue's own `subject`) is kept under the event type.
  if (taken.has(n)) {
    n = sdName(`${type}.${name}`);
    if (taken.has(n)) return;
  }
  taken.add(n);
  // Canonical JSON (RFC 8785) so that the same event gives the same text, whatever built it.
  p.push(n, typeof v === "string" ? v : canonicalize(v));
}

/** sdName of data field names, which repeat on every line. */
const NAMES = new Map<string, string>();
const NESTED = new Map<string, Map<string, string>>();

function paramName(k: string): string {
  let n = NAMES.get(k);
  if (n === undefined) {
    n = sdName(k);
    if (NAMES.size >= 10_000) NAMES.clear();
    NAMES.set(k, n);
  }
  return n;
}

function nestedName(k: string, k2: string): string {
  let m = NESTED.get(k);
  if (m === undefined) {
    if (NESTED.size >= 1_000) NESTED.clear();
    m = new Map();
    NESTED.set(k, m);
  }
  let n = m.get(k2);
  if (n === undefined) {
    n = sdName(`${k}.${k2}`);
    if (m.size >= 10_000) m.clear();
    m.set(k2, n);
  }
  return n;
}

/** One sentence for people; the SD holds the facts. */
export function eventText(e: SyslogEvent): string {
  const d = e.data;
  const src = (d.source ?? {}) as Record<string, unknown>;
  const where = src.file
    ? ` ${src.file}${src.line !== undefined ? `:${src.line}` : ""}`
    : src.resource
      ? ` ${src.resource}`
      : "";
  switch (e.type) {
    case "variable":
    case "setting":
      return `${e.key ?? ""} from ${e.code}${where} (${String(src.confidence ?? "?")})`;
    case "finding":
      return String(d.message ?? e.code);
    case "issue":
      return `${String(d.subject ?? "")}: ${e.code}: ${String(d.detail ?? "")}`;
    case "check":
      return `${e.code} ${String(d.status ?? "")}: ${String(d.summary ?? d.title ?? "")}`;
    case "drift":
      return `${e.key ?? ""} ${e.code}`;
    case "run-start":
      return `run ${e.run} started: ${Array.isArray(d.argv) ? ["envtrace", ...d.argv].join(" ") : String(d.command ?? "")}`;
    case "run-end":
      return `run ${e.run} ended: ${String(d.events ?? 0)} events${e.hash ? `, head ${e.hash}` : ""}`;
    default:
      return `${e.type} ${e.code}`;
  }
}

interface Part {
  name: string;
  value: string;
}

const utf8Len = (s: string) => Buffer.byteLength(s, "utf8");

/** The longest prefix of `s` (whole characters) whose escaped UTF-8 form is at most `budget` bytes. */
function prefixWithin(s: string, budget: number, escaped: boolean): string {
  let bytes = 0;
  let end = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    let n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (escaped && (ch === '"' || ch === "\\" || ch === "]")) n = 2;
    if (bytes + n > budget) break;
    bytes += n;
    end += ch.length;
  }
  return s.slice(0, end);
}

function sdText(id: string, parts: Part[]): string {
  let out = `[${id}`;
  for (const p of parts) out += ` ${p.name}="${escapeParamValue(p.value)}"`;
  return `${out}]`;
}

/** Never cut: they identify the event. */
const KEEP = new Set(["type", "run", "seq", "hash", "cut"]);

/** Formats one event as an RFC 5424 line (no trailing newline). */
export function formatSyslog(e: SyslogEvent, o: SyslogOptions = {}): string {
  const pen = o.pen ?? DEFAULT_PEN;
  if (!Number.isSafeInteger(pen) || pen < 1) throw new RangeError(`syslog: PEN must be a positive integer`);
  const max = Math.max(MIN_LINE_BYTES, o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const pri = (o.facility ?? DEFAULT_FACILITY) * 8 + syslogSeverity(e);
  const ts = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$/.test(e.time) ? e.time : "-";
  const header = `<${pri}>1 ${ts} ${headerField(e.host, 255)} ${headerField(o.appName ?? "envtrace", 48)} - ${headerField(e.code, 32)} `;
  const id = `envtrace@${pen}`;
  const params = flatParams(e);
  let msg = oneLine(eventText(e));
  // The line as sdText would write it, in one join (no Part objects: only a cut needs them).
  const pieces: string[] = [header, "[", id];
  for (let i = 0; i < params.length; i += 2)
    pieces.push(" ", params[i]!, '="', paramValue(params[i + 1]!), '"');
  pieces.push("]");
  if (msg) pieces.push(" ", msg);
  let line = pieces.join("");
  const full = utf8Len(line);
  if (full <= max) return line;
  const parts: Part[] = [];
  for (let i = 0; i < params.length; i += 2) parts.push({ name: params[i]!, value: oneLine(params[i + 1]!) });
  const whole = () => `${header}${sdText(id, parts)}${msg ? ` ${msg}` : ""}`;
  parts.push({ name: "cut", value: String(full) });
  // MSG first: what is left of the budget after header and SD.
  const room = max - utf8Len(header) - utf8Len(sdText(id, parts)) - 1 - CUT_MARK.length;
  msg = room > 0 ? `${prefixWithin(msg, room, false)}${CUT_MARK}` : "";
  line = whole();
  // Then the longest values, one at a time.
  while (utf8Len(line) > max) {
    let longest: Part | undefined;
    for (const p of parts) {
      if (KEEP.has(p.name) || p.value === CUT_MARK || p.value === "") continue;
      if (!longest || utf8Len(p.value) > utf8Len(longest.value)) longest = p;
    }
    if (!longest) {
      // Only identifying params left: drop the rest of the event.
      const keep = parts.filter((p) => KEEP.has(p.name));
      parts.length = 0;
      parts.push(...keep);
      line = whole();
      break;
    }
    const over = utf8Len(line) - max;
    const escLen = utf8Len(escapeParamValue(longest.value));
    const budget = escLen - over - utf8Len(escapeParamValue(CUT_MARK));
    longest.value = budget > 0 ? `${prefixWithin(longest.value, budget, true)}${CUT_MARK}` : CUT_MARK;
    line = whole();
  }
  return line;
}

export interface ParsedSyslog {
  pri: number;
  facility: number;
  severity: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: Array<{ id: string; params: Array<[string, string]> }>;
  msg: string;
}

/**
 * Parses an RFC 5424 message (what {@link formatSyslog} writes, or a collector's copy of it). Throws a
 * `SyntaxError` naming the first offending part.
 */
export function parseSyslog(line: string): ParsedSyslog {
  const head = /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(line);
  if (!head) throw new SyntaxError("syslog: not an RFC 5424 header");
  const pri = Number(head[1]);
  if (pri > 191) throw new SyntaxError("syslog: PRI out of range");
  let i = head[0].length;
  const sd: ParsedSyslog["sd"] = [];
  if (line[i] === "-") i++;
  else {
    while (line[i] === "[") {
      i++;
      const idEnd = line.slice(i).search(/[ \]]/);
      if (idEnd < 1) throw new SyntaxError("syslog: bad SD-ID");
      const el = { id: line.slice(i, i + idEnd), params: [] as Array<[string, string]> };
      i += idEnd;
      while (line[i] === " ") {
        i++;
        const eq = line.indexOf('="', i);
        if (eq < 0) throw new SyntaxError(`syslog: bad SD-PARAM in ${el.id}`);
        const name = line.slice(i, eq);
        i = eq + 2;
        let raw = "";
        for (;;) {
          if (i >= line.length) throw new SyntaxError(`syslog: unterminated PARAM-VALUE ${name}`);
          const ch = line[i]!;
          if (ch === "\\" && i + 1 < line.length) {
            raw += ch + line[i + 1];
            i += 2;
            continue;
          }
          if (ch === '"') break;
          raw += ch;
          i++;
        }
        i++;
        el.params.push([name, unescapeParamValue(raw)]);
      }
      if (line[i] !== "]") throw new SyntaxError(`syslog: SD-ELEMENT ${el.id} not closed`);
      i++;
      sd.push(el);
    }
    if (sd.length === 0) throw new SyntaxError("syslog: no STRUCTURED-DATA");
  }
  if (i < line.length && line[i] !== " ") throw new SyntaxError("syslog: no space before MSG");
  let msg = line.slice(i + 1);
  if (msg.startsWith("\uFEFF")) msg = msg.slice(1);
  return {
    pri,
    facility: pri >> 3,
    severity: pri & 7,
    version: Number(head[2]),
    timestamp: head[3]!,
    hostname: head[4]!,
    appName: head[5]!,
    procId: head[6]!,
    msgId: head[7]!,
    sd,
    msg,
  };
}

export const syslogReporter: Reporter = {
  id: "syslog",
  description: "RFC 5424 syslog lines, one per event, structured data under envtrace@PEN",
  extension: "log",
  render(r, opts) {
    const o = opts.syslog ?? {};
    const lines: string[] = [];
    forEachEvent(r, (e) => {
      lines.push(formatSyslog(e, o));
    });
    return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  },
};
