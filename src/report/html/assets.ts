/**
 * The page's only style sheet and script, inlined and allowed by their SHA-256 hashes in the page's
 * Content-Security-Policy (no `unsafe-inline`, no network: `default-src 'none'`). The script is small
 * vanilla JS: filter the variables table as one types, sort any table by a header click (keys read once
 * per sort; the variables table has a fixed layout so that 20,000 rows lay out once, not per change).
 */
import { createHash } from "node:crypto";

export const CSS = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--line:#d1d9e0;--head:#f6f8fa;--crit:#82071e;--high:#cf222e;--med:#9a6700;--low:#0969da;--info:#59636e}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#3d444d;--head:#151b23;--crit:#ff7b72;--high:#f85149;--med:#d29922;--low:#4493f8;--info:#9198a1}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1400px;padding:1rem 1.5rem 3rem;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}h3{font-size:1rem;margin:1.25rem 0 .4rem}
code,.mono,td.v{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
dl.run{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}dl.run dt{color:var(--muted)}dl.run dd{margin:0;overflow-wrap:anywhere}
.revealed{background:#cf222e;color:#fff;font-weight:600;padding:.6rem 1rem;border-radius:6px;margin:.5rem 0}
.summary{font-weight:600}.muted,.note{color:var(--muted)}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:var(--head);white-space:nowrap}td.v{overflow-wrap:anywhere;min-width:12rem;max-width:36rem}td.w{overflow-wrap:anywhere;min-width:10rem}th button{all:unset;cursor:pointer;font-weight:600}th button::after{content:" ↕";color:var(--muted)}
th[aria-sort=ascending] button::after{content:" ↑"}th[aria-sort=descending] button::after{content:" ↓"}
.sev{font-weight:600;text-transform:uppercase;font-size:11px}.sev-critical{color:var(--crit)}.sev-high{color:var(--high)}.sev-medium{color:var(--med)}.sev-low{color:var(--low)}.sev-info{color:var(--info)}
.masked{color:var(--med)}
input[type=search]{font:inherit;padding:.3rem .5rem;width:min(32rem,100%);border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}
figure{margin:1rem 0;padding:.5rem;border:1px solid var(--line);border-radius:6px}figcaption{font-weight:600;margin-bottom:.3rem}
figure svg{max-width:100%;height:auto;background:#fff;border-radius:4px}
figure svg text{font-family:Helvetica,Arial,"Liberation Sans",sans-serif}figure svg .node text{font-size:9.3px}
ul.lineage{margin:.3rem 0 0;padding-left:1.2rem;font-size:13px}
details.rule{margin:.4rem 0}details.rule summary{cursor:pointer;font-weight:600}pre.help{white-space:pre-wrap;background:var(--head);padding:.5rem;border-radius:6px;font-size:12.5px}
#vars{table-layout:fixed}#vars th{white-space:normal}#vars th:nth-child(1){width:10%}#vars th:nth-child(2){width:13%}#vars th:nth-child(3){width:21%}#vars th:nth-child(4){width:8%}#vars th:nth-child(5){width:15%}#vars th:nth-child(6){width:11%}#vars th:nth-child(7){width:8%}#vars th:nth-child(8){width:7%}#vars th:nth-child(9){width:7%}
#vars td{overflow-wrap:anywhere}#vars td.v{min-width:0;max-width:none}
[hidden]{display:none!important}
`.trim();

export const SCRIPT = `
(()=>{"use strict";
const col=new Intl.Collator(undefined,{numeric:true,sensitivity:"base"});
for(const t of document.querySelectorAll("table.sortable")){
const body=t.tBodies[0];if(!body||!t.tHead)continue;
t.tHead.addEventListener("click",(e)=>{const th=e.target.closest("th");if(!th)return;
const i=th.cellIndex;const dir=th.getAttribute("aria-sort")==="ascending"?-1:1;
for(const h of t.tHead.rows[0].cells)h.removeAttribute("aria-sort");
th.setAttribute("aria-sort",dir===1?"ascending":"descending");
const val=(r)=>{const c=r.cells[i];return c?(c.dataset.v??c.textContent):""};
const keyed=Array.from(body.rows,(r)=>[val(r),r]).sort((a,b)=>dir*col.compare(a[0],b[0]));
const frag=document.createDocumentFragment();for(const k of keyed)frag.appendChild(k[1]);body.appendChild(frag);});}
const q=document.getElementById("q");const t=document.getElementById("vars");
if(q&&t){const rows=Array.from(t.tBodies[0].rows);const text=rows.map((r)=>r.textContent.toLowerCase());
const figs=Array.from(document.querySelectorAll("figure[data-keys]"));const keys=figs.map((f)=>f.dataset.keys.toLowerCase());
const shown=document.getElementById("shown");
q.addEventListener("input",()=>{const v=q.value.trim().toLowerCase();let n=0;
rows.forEach((r,i)=>{const hit=!v||text[i].includes(v);if(r.hidden===hit)r.hidden=!hit;if(hit)n++;});
figs.forEach((f,i)=>{f.hidden=!!v&&!keys[i].includes(v);});
if(shown)shown.textContent=String(n);});}
})();
`.trim();

const sha256 = (s: string) => `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`;

/**
 * The policy: nothing is fetched or connected to (`default-src 'none'`), only this style sheet and this
 * script run (by hash), no `<base>`, no form posts. Links still navigate when clicked.
 */
export const CSP = [
  "default-src 'none'",
  `style-src ${sha256(CSS)}`,
  `script-src ${sha256(SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");
