/**
 * A variable's lineage as a Graphviz graph (DOT), drawn to SVG with `@viz-js/viz` (Graphviz as WASM, no
 * network, no child process) and cleaned for inlining into the HTML page: no XML prolog, doctype, comments,
 * `<title>` tooltips or element ids (many graphs share one page).
 *
 * The graph reads left to right: the actor that set the value → the winning source → the variable; the
 * shadowed values (dashed) and PATH-like segments point at the variable too. Every label is DOT-escaped by
 * {@link dotLabel}; Graphviz XML-escapes text in its SVG output. Values arrive masked (the caller passes
 * `displayString(…)`), and are cut to {@link MAX_LABEL} characters: the table holds them whole.
 */
import { type Actor, type Attribution, isProcessActor, type Lineage } from "../../model/index.js";
import { kindLabel, where } from "../text/layout.js";

export const MAX_LABEL = 60;
/** Segments drawn per variable; the rest are counted in one node. */
export const MAX_SEGMENTS = 12;

const CONTROL = /[\u0000-\u001f\u007f]/g;

/** One line of a label: visible escapes for control characters, cut to {@link MAX_LABEL}. */
const PLAIN = /^[^\u0000-\u001f\u007f\\"&]*$/;

function line(s: string): string {
  if (s.length <= MAX_LABEL && PLAIN.test(s)) return s;
  const one = s
    .replace(/\r\n|\r|\n/g, "\\n")
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return one.length > MAX_LABEL ? `${one.slice(0, MAX_LABEL - 1)}…` : one;
}

/**
 * A DOT double-quoted string of text lines: backslashes and quotes escaped, `&` as `&amp;` (Graphviz reads
 * HTML entities in labels), lines joined by DOT's `\n`.
 */
export function dotLabel(lines: readonly string[]): string {
  const esc = lines
    .filter((l) => l !== "")
    .map((l) => {
      const x = line(l);
      return PLAIN.test(x) ? x : x.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/&/g, "&amp;");
    });
  return `"${esc.join("\\n")}"`;
}

export function actorText(a: Actor): string {
  return isProcessActor(a)
    ? `${a.comm} (pid ${a.pid})${a.exe && !a.exe.endsWith(`/${a.comm}`) ? ` ${a.exe}` : ""}`
    : `${a.fieldManager}${a.operation ? ` (${a.operation})` : ""}`;
}

export function sourceLines(a: Attribution): string[] {
  const at = where(a.location);
  const lines = [kindLabel(a), at];
  if (!at && a.candidates?.length) {
    lines.push(...a.candidates.slice(0, 3).map((c) => `one of ${where(c)}`));
    if (a.candidates.length > 3) lines.push(`… ${a.candidates.length - 3} more`);
  }
  lines.push(a.time ? `${a.confidence}, ${a.time.what} ${a.time.at}` : a.confidence);
  return lines;
}

/** Whether a variable has more to show than its table row: shadowed values, segments, or an actor. */
export function hasLineage<V>(v: Lineage<V>): boolean {
  return v.shadowed.length > 0 || (v.segments?.length ?? 0) > 1 || !!v.winner?.actor;
}

/** Graph, node and edge defaults of every lineage graph (the same for all: kept out of the body). */
const DOT_HEAD = [
  "digraph lineage {",
  'graph [rankdir=LR, bgcolor="transparent", nodesep=0.2, ranksep=0.35, pad=0.1];',
  'node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#57606a", fontname="Helvetica", fontsize=10, margin="0.2,0.06"];',
  'edge [color="#57606a", fontname="Helvetica", fontsize=9, fontcolor="#57606a", arrowsize=0.6];',
].join("\n");

/** A whole DOT document from a {@link lineageBody}. */
export function dotOf(body: string): string {
  return `${DOT_HEAD}\n${body}\n}`;
}

/** The DOT text of a variable's lineage; `show` turns a (masked) value into its text. */
export function lineageDot<V>(v: Lineage<V>, show: (x: V) => string): string {
  return dotOf(lineageBody(v, show));
}

/**
 * The statements that differ from one variable's graph to another's: equal bodies draw equal graphs, so
 * the body is the key under which a page draws a lineage once.
 */
export function lineageBody<V>(v: Lineage<V>, show: (x: V) => string): string {
  const out = [
    `v [label=${dotLabel([v.key, show(v.value)])}, fillcolor="#ddf4ff", color="#0969da", penwidth=2];`,
  ];
  const actors = new Map<string, string>();
  const actorNode = (a: Actor): string => {
    const label = actorText(a);
    let id = actors.get(label);
    if (!id) {
      id = `a${actors.size}`;
      actors.set(label, id);
      out.push(`${id} [label=${dotLabel([label])}, shape=ellipse, fillcolor="#fff8c5", color="#9a6700"];`);
    }
    return id;
  };
  if (v.winner) {
    out.push(`w [label=${dotLabel(sourceLines(v.winner))}, fillcolor="#dafbe1", color="#1a7f37"];`);
    out.push('w -> v [label="wins"];');
    if (v.winner.actor) out.push(`${actorNode(v.winner.actor)} -> w [label="set"];`);
  } else {
    out.push('w [label="source unknown", fillcolor="#f6f8fa", style="rounded,filled,dashed"];', "w -> v;");
  }
  for (const [i, sh] of v.shadowed.entries()) {
    out.push(
      `s${i} [label=${dotLabel([...sourceLines(sh.attribution), `value ${show(sh.value)}`])}, fillcolor="#f6f8fa", style="rounded,filled,dashed"];`,
      `s${i} -> v [label="shadowed", style=dashed];`,
    );
    if (sh.attribution.actor) out.push(`${actorNode(sh.attribution.actor)} -> s${i} [label="set"];`);
  }
  const segs = (v.segments?.length ?? 0) > 1 ? v.segments! : [];
  for (const [i, seg] of segs.slice(0, MAX_SEGMENTS).entries()) {
    out.push(
      `g${i} [label=${dotLabel([seg.segment, seg.location ? where(seg.location) : "(inherited)"])}, fillcolor="#fbefff", color="#8250df"];`,
      `g${i} -> v [label="segment ${i + 1}"];`,
    );
  }
  if (segs.length > MAX_SEGMENTS)
    out.push(
      `gx [label="… ${segs.length - MAX_SEGMENTS} more segment(s)", shape=plaintext, style=""];`,
      "gx -> v;",
    );
  out.push("}");
  return out.join("\n");
}

type Viz = Awaited<ReturnType<typeof import("@viz-js/viz").instance>>;
let viz: Promise<Viz> | undefined;

/** The Graphviz instance (compiled once per process, ~50 ms). */
export function graphviz(): Promise<Viz> {
  viz ??= import("@viz-js/viz").then((m) => m.instance());
  return viz;
}

/** SVG markup for inlining: Graphviz's document without prolog, doctype, comments, titles and ids. */
export function cleanSvg(svg: string): string {
  const start = svg.indexOf("<svg");
  return (
    svg
      .slice(Math.max(start, 0))
      .replace(/<!--[\s\S]*?-->\n?/g, "")
      .replace(/<title>[^<]*<\/title>\n?/g, "")
      // Only inside tags: text content has `<` escaped, so `<name …` starts a real element.
      .replace(/(<[a-zA-Z][^<>]*?) id="[^"]*"/g, "$1")
      .replace(/ xmlns:xlink="[^"]*"/, "")
      .trimEnd()
  );
}

/** Draws a DOT graph to inline SVG; throws when Graphviz reports an error. */
export async function drawSvg(dot: string): Promise<string> {
  const r = (await graphviz()).render(dot, { format: "svg" });
  if (r.status !== "success") throw new Error(`graphviz: ${r.errors.map((e) => e.message).join("; ")}`);
  return cleanSvg(r.output);
}
