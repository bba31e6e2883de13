/**
 * `--include-source`: the text of the line each source file:line points at (`export API_URL=…` of
 * `~/.bashrc:12`), attached to the attribution as `snippet` so that a JSON reader sees the line without
 * opening the file. The line is read again, under the same root the resolvers read (a file that changed
 * since is what it is now: the snippet says what the line holds at report time), and it is masked twice:
 * the text rules of `redact` run over it, and every masked value of the variable (winner and shadowed) that
 * still stands in it literally is replaced by its mask — a name-only secret (`DB_PASSWORD=hunter2`) is not a
 * text-rule match, but it is the variable's value.
 */
import type { Attribution, DisplayValue, Lineage, Subject } from "../model/index.js";
import { isFileLocation } from "../model/index.js";
import type { HostFs } from "../snapshot/host-fs.js";

/** Lines longer than this are cut (a minified one-line file is no snippet). */
export const MAX_SNIPPET_CHARS = 240;
/** Files above this size are not read for a snippet. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Returns subjects whose file-located attributions carry `snippet` (new objects; the inputs are kept). */
export async function withSourceLines(subjects: readonly Subject[], fs: HostFs): Promise<Subject[]> {
  const { redactText } = await import("../detect/redact.js");
  const files = new Map<string, Promise<string[] | undefined>>();
  const linesOf = (file: string) => {
    let p = files.get(file);
    if (!p) {
      p = fs
        .readTextIfExists(file, MAX_FILE_BYTES)
        .then((t) => t?.split(/\r?\n/))
        .catch(() => undefined);
      files.set(file, p);
    }
    return p;
  };

  const attach = async (a: Attribution, secrets: readonly SecretPair[]): Promise<Attribution> => {
    const loc = a.location;
    if (!loc || !isFileLocation(loc) || loc.line === undefined) return a;
    const line = (await linesOf(loc.file))?.[loc.line - 1];
    if (line === undefined) return a;
    let text = redactText(line.trim());
    for (const [raw, mask] of secrets) text = text.split(raw).join(mask);
    if (text.length > MAX_SNIPPET_CHARS) text = `${text.slice(0, MAX_SNIPPET_CHARS)}…`;
    return { ...a, snippet: text };
  };

  const lineage = async (l: Lineage<DisplayValue>): Promise<Lineage<DisplayValue>> => {
    const secrets = maskedValues(l);
    return {
      ...l,
      winner: l.winner ? await attach(l.winner, secrets) : null,
      shadowed: await Promise.all(
        l.shadowed.map(async (s) => ({ ...s, attribution: await attach(s.attribution, secrets) })),
      ),
    };
  };

  return Promise.all(
    subjects.map(async (s) =>
      s.variables ? { ...s, variables: await Promise.all(s.variables.map(lineage)) } : s,
    ),
  );
}

type SecretPair = readonly [raw: string, mask: string];

/** Every masked value of a lineage as (raw, mask), longest first; raw values under 4 characters are left. */
function maskedValues(l: Lineage<DisplayValue>): SecretPair[] {
  const out: SecretPair[] = [];
  for (const v of [l.value, ...l.shadowed.map((s) => s.value)]) {
    if (typeof v === "string") continue;
    const raw = v.reveal();
    if (raw.length >= 4 && raw !== v.mask) out.push([raw, v.mask]);
  }
  return out.sort((a, b) => b[0].length - a[0].length);
}
