/**
 * HTML reporter: one self-contained page to hand to an auditor. Nothing is fetched when it is viewed (no
 * external CSS, script, font or image; a Content-Security-Policy with `default-src 'none'` and the one
 * inline style sheet and script allowed by hash). A header with the run (host, times, tool version, the
 * masked command line), the findings with their rule's help from the catalogue, a searchable, sortable
 * table of every variable, and a lineage graph per variable that has one to show (shadowed values, PATH
 * segments, an actor), drawn by Graphviz (WASM) to inline SVG when the page is rendered.
 *
 * Graphs: identical lineages (the same key, value and sources in many processes of a scan) are drawn once
 * and listed under one figure; at most {@link MAX_GRAPHS} are drawn per page (variables with shadowed
 * values or segments first), the others keep their lineage as a list. Everything is HTML-escaped by
 * {@link esc}; values are masked unless the run was `--reveal`ed, which a red banner says.
 */
import { ruleMeta } from "../checks/index.js";
import {
  type CollectionIssue,
  type DisplayValue,
  type Finding,
  type Lineage,
  type Report,
  SEVERITY_RANK,
  type Subject,
} from "../model/index.js";
import { CSP, CSS, SCRIPT } from "./html/assets.js";
import { actorText, dotOf, drawSvg, hasLineage, lineageBody, sourceLines } from "./html/graph.js";
import { auditLine } from "./markdown.js";
import type { Reporter } from "./reporter.js";
import { summarize } from "./summary.js";
import { sourceLabel, sourceWhere } from "./text/go.js";
import { kindLabel, where, whereLabel } from "./text/layout.js";
import { displayString } from "./values.js";

/** Graphs drawn per page (~2 ms each): the rest keep their lineage as a list. */
export const MAX_GRAPHS = 300;

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Text or attribute value safe in HTML; control characters shown as `\xNN`. */
const NEEDS_ESC = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function esc(s: string): string {
  // Most cells (keys, kinds, paths) need nothing: one test instead of two replaces.
  if (!NEEDS_ESC.test(s)) return s;
  return s
    .replace(/[&<>"']/g, (c) => ESC[c]!)
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** A link only for http(s) URLs (a reference is data: never a `javascript:` link). */
function link(url: string, text = url): string {
  return /^https?:\/\//i.test(url) ? `<a href="${esc(url)}" rel="noreferrer">${esc(text)}</a>` : esc(text);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function th(labels: readonly string[]): string {
  return `<thead><tr>${labels.map((l) => `<th><button type="button">${esc(l)}</button></th>`).join("")}</tr></thead>`;
}

function table(labels: readonly string[], rows: readonly string[][], attrs = ""): string {
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table class="sortable"${attrs}>${th(labels)}<tbody>\n${body}\n</tbody></table>`;
}

function head(r: Report): string {
  const run = r.run;
  const s = summarize(r.subjects, r.issues);
  const findings = Object.entries(s.findings).map(([sev, n]) => `${n} ${sev}`);
  const issues = Object.values(s.issues).reduce((a, b) => a + b, 0);
  const parts = [
    plural(s.subjects, "subject"),
    plural(s.variables, "variable"),
    findings.length ? `findings: ${findings.join(", ")}` : "no findings",
    ...(s.secrets ? [`${plural(s.secrets, "secret")} ${run.revealed ? "shown" : "masked"}`] : []),
    ...(issues ? [plural(issues, "collection issue")] : []),
  ];
  const dl: Array<[string, string]> = [
    ["Host", run.host],
    ["Started", run.startedAt],
    ["Ended", run.endedAt],
    ["Tool", `${run.tool.name} ${run.tool.version}`],
    ["Command line", ["envtrace", ...run.argv].join(" ")],
    ["Run id", run.id],
  ];
  return [
    `<header><h1>envtrace ${esc(run.command)}</h1>`,
    run.revealed
      ? '<div class="revealed" role="alert">Values revealed (--reveal): this page contains secrets in clear. Do not share it.</div>'
      : "",
    `<dl class="run">${dl.map(([k, v]) => `<dt>${esc(k)}</dt><dd${k === "Command line" ? ' class="mono"' : ""}>${esc(v)}</dd>`).join("")}</dl>`,
    `<p class="summary">${esc(parts.join(" · "))}</p></header>`,
  ].join("\n");
}

function findingsSection(r: Report): string {
  const all = r.subjects
    .flatMap((s) => s.findings.map((f) => ({ f, subject: s.name })))
    .sort(
      (a, b) =>
        SEVERITY_RANK[b.f.severity] - SEVERITY_RANK[a.f.severity] ||
        (a.f.id < b.f.id ? -1 : a.f.id > b.f.id ? 1 : 0),
    );
  if (all.length === 0) return '<section id="findings"><h2>Findings</h2><p>No findings.</p></section>';
  const rows = all.map(({ f, subject }) => {
    const at = where(f.location ?? f.attribution?.location);
    return `<tr><td class="sev sev-${esc(f.severity)}" data-v="${SEVERITY_RANK[f.severity]}">${esc(f.severity)}</td><td><a href="#rule-${esc(f.id)}">${esc(f.id)}</a></td><td>${esc(subject)}</td><td>${esc(f.key ?? "")}</td><td>${esc(f.message)}</td><td>${esc(at)}</td></tr>`;
  });
  return [
    `<section id="findings"><h2>Findings (${all.length})</h2>`,
    `<table class="sortable">${th(["Severity", "Rule", "Subject", "Key", "Finding", "Where"])}<tbody>\n${rows.join("\n")}\n</tbody></table>`,
    rulesBlock(all.map((x) => x.f)),
    "</section>",
  ].join("\n");
}

/** Each rule that fired, once: what it means, the fix, references and the catalogue's help. */
function rulesBlock(findings: readonly Finding[]): string {
  const seen = new Map<string, Finding>();
  for (const f of findings) if (!seen.has(f.id)) seen.set(f.id, f);
  const out = ["<h3>Rules and remediation</h3>"];
  for (const [id, f] of seen) {
    const meta = ruleMeta(id);
    const refs = [...new Set([...(f.references ?? []), ...meta.references])];
    const fix = f.remediation ?? meta.remediation;
    out.push(
      `<details class="rule" id="rule-${esc(id)}" open><summary>${esc(id)}: ${esc(meta.title)}</summary>`,
      `<p>${esc(meta.shortDescription)}</p>`,
      fix ? `<p><strong>Fix:</strong> ${esc(fix)}</p>` : "",
      refs.length ? `<p><strong>References:</strong> ${refs.map((u) => link(u)).join(" · ")}</p>` : "",
      meta.help ? `<details><summary>Help</summary><pre class="help">${esc(meta.help)}</pre></details>` : "",
      `<p class="muted">${link(meta.helpUri, "Documentation")}</p></details>`,
    );
  }
  return out.filter(Boolean).join("\n");
}

interface Graphed {
  id: string;
  /** The graph's {@link lineageBody}: its key. */
  dot: string;
  v: Lineage<DisplayValue>;
  who: string[];
  /** Shadowed values or segments: drawn first under the cap. */
  rich: boolean;
}

function lineageList(v: Lineage<DisplayValue>, show: (x: DisplayValue) => string): string {
  const items: string[] = [];
  const src = (a: NonNullable<Lineage["winner"]>) =>
    [...sourceLines(a), a.actor ? `set by ${actorText(a.actor)}` : ""].filter(Boolean).join(", ");
  items.push(`wins: ${v.winner ? src(v.winner) : "source unknown"}`);
  for (const sh of v.shadowed) items.push(`shadowed ${show(sh.value)}: ${src(sh.attribution)}`);
  if ((v.segments?.length ?? 0) > 1)
    for (const seg of v.segments!)
      items.push(`segment ${seg.segment}: ${seg.location ? where(seg.location) : "(inherited)"}`);
  for (const n of v.notes) items.push(`note: ${n}`);
  return `<ul class="lineage">${items.map((i) => `<li>${esc(i)}</li>`).join("")}</ul>`;
}

async function variablesSection(r: Report, show: (x: DisplayValue) => string): Promise<string> {
  const subjects = r.subjects.filter((s) => s.variables || s.missing);
  if (subjects.length === 0) return "";
  const graphs = new Map<string, Graphed>();
  const rows: string[] = [];
  let count = 0;
  for (const s of subjects) {
    for (const v of s.variables ?? []) {
      count++;
      let g: Graphed | undefined;
      if (hasLineage(v)) {
        const dot = lineageBody(v, show);
        g = graphs.get(dot);
        if (!g) {
          g = {
            id: `g${graphs.size + 1}`,
            dot,
            v,
            who: [],
            rich: v.shadowed.length > 0 || (v.segments?.length ?? 0) > 1,
          };
          graphs.set(dot, g);
        }
        g.who.push(s.name);
      }
      const masked = typeof v.value !== "string" && !r.run.revealed;
      const conf = v.winner?.confidence ?? "possible";
      rows.push(
        `<tr><td>${esc(s.name)}</td><td class="mono">${esc(v.key)}</td><td class="v${masked ? " masked" : ""}">${esc(show(v.value))}</td><td>${esc(kindLabel(v.winner))}</td><td class="w">${esc(whereLabel(v.winner))}</td><td>${esc(v.winner?.actor ? actorText(v.winner.actor) : "")}</td><td>${esc(conf)}</td><td data-v="${v.shadowed.length}">${v.shadowed.length || ""}</td><td>${g ? `<a href="#${g.id}">graph</a>` : ""}</td></tr>`,
      );
    }
    for (const k of s.missing ?? [])
      rows.push(
        `<tr><td>${esc(s.name)}</td><td class="mono">${esc(k)}</td><td class="muted">not set</td><td></td><td></td><td></td><td></td><td></td><td></td></tr>`,
      );
  }
  // Drawn under the cap: variables with shadowed values or segments first, then those with an actor.
  const all = [...graphs.values()];
  const drawn = new Set([...all.filter((g) => g.rich), ...all.filter((g) => !g.rich)].slice(0, MAX_GRAPHS));
  const figures: string[] = [];
  for (const g of all) {
    const key = g.v.key;
    const who =
      g.who.length > 3 ? `${g.who.slice(0, 3).join(", ")} and ${g.who.length - 3} more` : g.who.join(", ");
    const svg = drawn.has(g)
      ? await drawSvg(dotOf(g.dot))
      : `<p class="note">Graph not drawn: a page draws at most ${MAX_GRAPHS} graphs (explain this process for its own page).</p>`;
    figures.push(
      `<figure id="${g.id}" data-keys="${esc(`${key} ${g.who.join(" ")}`)}" role="group" aria-label="${esc(`lineage of ${key}`)}"><figcaption><span class="mono">${esc(key)}</span> <span class="muted">in ${esc(who)}</span></figcaption>\n${svg}\n${lineageList(g.v, show)}</figure>`,
    );
  }
  const labels = ["Subject", "Key", "Value", "Source", "Where", "Actor", "Confidence", "Shadowed", "Lineage"];
  return [
    subjects.length > 1 ? overview(subjects) : "",
    `<section id="variables"><h2>Variables (${count})</h2>`,
    `<p><label for="q">Search </label><input id="q" type="search" placeholder="key, value, source, file…" autocomplete="off"> <span class="muted"><span id="shown">${count + subjects.reduce((n, s) => n + (s.missing?.length ?? 0), 0)}</span> shown</span></p>`,
    `<table id="vars" class="sortable">${th(labels)}<tbody>\n${rows.join("\n")}\n</tbody></table>`,
    "</section>",
    `<section id="lineage"><h2>Lineage (${graphs.size})</h2>`,
    graphs.size > drawn.size
      ? `<p class="note">${drawn.size} of ${graphs.size} graphs drawn (at most ${MAX_GRAPHS} per page); the others are listed.</p>`
      : "",
    figures.join("\n"),
    "</section>",
  ].join("\n");
}

/** Many subjects (a scan): one row each, as the text report's scan table. */
function overview(subjects: readonly Subject[]): string {
  const rows = subjects.map((s) => {
    const sum = summarize([s]);
    return [
      s.name,
      String(sum.variables),
      String(sum.secrets),
      String(s.findings.length),
      String(sum.unknown),
      String(s.issues.length),
      Object.entries(sum.byKind)
        .slice(0, 3)
        .map(([k, n]) => `${k} ${n}`)
        .join(", "),
    ];
  });
  return [
    `<section id="overview"><h2>Overview (${subjects.length} subjects)</h2>`,
    table(["Subject", "Variables", "Secrets", "Findings", "Unattributed", "Not read", "Top sources"], rows),
    "</section>",
  ].join("\n");
}

/** Go settings, host checks, drift entries, and what each subject could not read. */
function otherSections(r: Report, show: (x: DisplayValue) => string): string {
  const out: string[] = [];
  for (const s of r.subjects) {
    const parts: string[] = [];
    if (s.settings) {
      const rows: string[][] = [];
      for (const st of s.settings) {
        rows.push([st.key, show(st.value), sourceLabel(st.source), sourceWhere(st.source)]);
        for (const sh of st.shadowed ?? [])
          rows.push([`↳ ${st.key} shadowed`, show(sh.value), sourceLabel(sh.source), sourceWhere(sh.source)]);
      }
      parts.push(table(["Setting", "Value", "Source", "Where"], rows));
    }
    if (s.checks)
      parts.push(
        table(
          ["ID", "Check", "Status", "Summary"],
          s.checks.map((c) => [c.id, c.dimension, c.status, c.summary]),
        ),
      );
    if (s.drift) {
      const side = (x: (typeof s.drift)[number]["before"]) =>
        x
          ? `${x.value} (${x.source.mechanism ? `${x.source.kind}:${x.source.mechanism}` : x.source.kind}${x.source.file ? ` ${x.source.file}${x.source.line !== undefined ? `:${x.source.line}` : ""}` : x.source.resource ? ` ${x.source.resource}` : ""})`
          : "—";
      parts.push(
        s.drift.length
          ? table(
              ["Change", "Key", s.details.a?.label ?? "before", s.details.b?.label ?? "after"],
              s.drift.map((d) => [
                d.change,
                `${d.scope === "go" ? "go:" : ""}${d.key}`,
                side(d.before),
                side(d.after),
              ]),
            )
          : "<p>No drift.</p>",
      );
    }
    if (s.kind === "audit-log") parts.push(`<p>${esc(auditLine(s))}</p>`);
    if (s.kind === "module-cache")
      parts.push(
        `<p>${esc(`${s.details.moduleVersions ?? 0} module version(s), ${s.details.zips ?? 0} zip(s) hashed, ${s.findings.length} mismatch(es)`)}</p>`,
      );
    for (const n of s.notes ?? []) parts.push(`<p class="note">${esc(n)}</p>`);
    if (s.issues.length) parts.push(issueList(s.issues));
    if (parts.length) out.push(`<h3>${esc(s.name)}</h3>`, ...parts);
  }
  if (r.issues.length) out.push("<h3>Inputs</h3>", issueList(r.issues));
  return out.length ? `<section id="subjects"><h2>Subjects</h2>\n${out.join("\n")}\n</section>` : "";
}

function issueList(issues: readonly CollectionIssue[]): string {
  return `<ul class="issues">${issues.map((i) => `<li>⚠ ${esc(`${i.subject}: ${i.code}: ${i.detail}`)}</li>`).join("")}</ul>`;
}

export async function renderHtml(r: Report): Promise<string> {
  const show = (x: DisplayValue) => displayString(x, r.run.revealed);
  const body = [head(r), findingsSection(r), await variablesSection(r, show), otherSections(r, show)];
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(CSP)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(`envtrace ${r.run.command} — ${r.run.host}`)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    ...body.filter(Boolean),
    `<script>${SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

export const htmlReporter: Reporter = {
  id: "html",
  description: "one self-contained page (no network): findings, searchable variables, lineage graphs as SVG",
  extension: "html",
  render: (r) => renderHtml(r),
};
