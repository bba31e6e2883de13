/**
 * Keyword prefilter: one Aho–Corasick pass over the text finds which rules' keywords occur, so that only
 * those rules' regexes run.
 *
 * Why not `modern-ahocorasick` directly: it matches Unicode grapheme clusters and measured 9 MB/s on
 * env-style text here, below the 50 MB/s the redact filter must reach. Keywords are ASCII and matched
 * case-insensitively, so a dense DFA over ASCII code units (typed arrays, one table lookup per char) does
 * the same job at memory speed; `prefilter.test.ts` checks it against `modern-ahocorasick` as the oracle.
 */

const ALPHA = 128;

/** The compact byte DFA of a {@link KeywordIndex} (see `KeywordIndex.bytes`). @internal */
export interface ByteDfa {
  readonly byteClass: Uint8Array;
  readonly delta: Int32Array;
  /** Premultiplied states at or above this one are accepting or the line end. */
  readonly special: number;
  /** The line-end state (premultiplied): reached on a newline from any state. */
  readonly newline: number;
  /** Keyword ids ending at premultiplied state `s`: `out[s / classes]`. */
  readonly out: (number[] | undefined)[];
  readonly classes: number;
}

export class KeywordIndex {
  /** DFA transitions: `delta[state * 128 + unit]`. Non-ASCII units map to 0 (NUL), which no keyword holds. */
  /** @internal for the engine's fused scan loop. */
  readonly delta: Int32Array;
  /** Per state, the keyword ids that end there (following failure links), or undefined. @internal */
  readonly out: (number[] | undefined)[];
  /** 1 where `out[state]` is set: a typed-array test in the hot loop. @internal */
  readonly accepting: Uint8Array;
  readonly keywords: readonly string[];
  private byteDfa: ByteDfa | undefined = undefined;

  constructor(keywords: readonly string[]) {
    this.keywords = keywords.map((k) => k.toLowerCase());
    // One flat table serves as the trie's goto function while building and becomes the DFA: built at every
    // start-up of the CLI, so no per-state arrays (that allocation was most of its cost).
    let maxStates = 1;
    for (const kw of this.keywords) maxStates += kw.length;
    const delta = new Int32Array(maxStates * ALPHA).fill(-1);
    const out: (number[] | undefined)[] = [undefined];
    let n = 1;
    this.keywords.forEach((kw, id) => {
      if (kw.length === 0) throw new Error(`empty keyword at index ${id}`);
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const c = kw.charCodeAt(i);
        if (c >= ALPHA || c === 0) throw new Error(`keyword '${kw}' is not ASCII`);
        let t = delta[s * ALPHA + c]!;
        if (t < 0) {
          t = n++;
          out.push(undefined);
          delta[s * ALPHA + c] = t;
        }
        s = t;
      }
      const list = out[s] ?? [];
      list.push(id);
      out[s] = list;
    });
    const fail = new Int32Array(n);
    const queue = new Int32Array(n);
    let tail = 0;
    for (let c = 0; c < ALPHA; c++) {
      const t = delta[c]!;
      if (t > 0) queue[tail++] = t;
      else delta[c] = 0;
    }
    // Breadth first: a state's failure target is complete before the state is, so its row can be copied.
    for (let qi = 0; qi < tail; qi++) {
      const s = queue[qi]!;
      const f = fail[s]!;
      if (out[f]) out[s] = [...(out[s] ?? []), ...out[f]!];
      const row = s * ALPHA;
      const frow = f * ALPHA;
      for (let c = 0; c < ALPHA; c++) {
        const t = delta[row + c]!;
        if (t > 0) {
          fail[t] = delta[frow + c]!;
          queue[tail++] = t;
        } else delta[row + c] = delta[frow + c]!;
      }
    }
    // Fold A–Z onto a–z in the table itself, so the scan loop does no case work.
    for (let s = 0; s < n; s++) {
      for (let c = 65; c <= 90; c++) delta[s * ALPHA + c] = delta[s * ALPHA + c + 32]!;
    }
    this.delta = delta.subarray(0, n * ALPHA);
    this.out = out;
    this.accepting = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (out[i]) this.accepting[i] = 1;
  }

  /**
   * The byte-input DFA (the redact path), built on first use (other commands scan strings only), and
   * smaller than `delta` so that it stays in cache: bytes fold into classes (one per character keywords
   * use, case-folded; 0 for every other byte, NUL and non-ASCII included; one for the newline), and
   * states are renumbered — non-accepting first, then accepting, then a line-end state — and stored
   * premultiplied by the class count: `s = delta[s + byteClass[b]]`, and one comparison, `s >= special`,
   * catches both a keyword end and a newline. @internal
   */
  bytes(): ByteDfa {
    if (this.byteDfa) return this.byteDfa;
    const { delta, out } = this;
    const n = out.length;
    const cls = new Uint8Array(256);
    const rep = [0];
    for (const kw of this.keywords) {
      for (let i = 0; i < kw.length; i++) {
        const c = kw.charCodeAt(i);
        if (cls[c] === 0) {
          cls[c] = rep.length;
          rep.push(c);
        }
      }
    }
    for (let c = 65; c <= 90; c++) cls[c] = cls[c + 32]!;
    const nl = rep.length;
    cls[10] = nl;
    const k = nl + 1;
    const id = new Int32Array(n);
    let next = 0;
    for (let st = 0; st < n; st++) if (!out[st]) id[st] = next++;
    const firstAccepting = next;
    for (let st = 0; st < n; st++) if (out[st]) id[st] = next++;
    const nlState = next; // after every real state
    const bd = new Int32Array((n + 1) * k);
    const bout: (number[] | undefined)[] = new Array(n + 1).fill(undefined);
    for (let st = 0; st <= n; st++) {
      // The line-end state moves on like the start state.
      const from = st === n ? 0 : st;
      const row = (st === n ? nlState : id[st]!) * k;
      for (let x = 0; x < nl; x++) bd[row + x] = id[delta[from * ALPHA + rep[x]!]!]! * k;
      bd[row + nl] = nlState * k;
      if (st < n) bout[id[st]!] = out[st];
    }
    this.byteDfa = {
      byteClass: cls,
      delta: bd,
      special: firstAccepting * k,
      newline: nlState * k,
      out: bout,
      classes: k,
    };
    return this.byteDfa;
  }

  /**
   * Marks in `seen` (indexed by keyword id) every keyword occurring in `text[from, to)`; returns how many
   * distinct keywords were newly marked.
   */
  scan(text: string, seen: Uint8Array, from = 0, to = text.length): number {
    const delta = this.delta;
    const out = this.out;
    const acc = this.accepting;
    let s = 0;
    let found = 0;
    for (let i = from; i < to; i++) {
      let c = text.charCodeAt(i);
      if (c >= ALPHA) c = 0;
      s = delta[(s << 7) | c]!;
      if (acc[s] === 1) {
        const o = out[s]!;
        for (let j = 0; j < o.length; j++) {
          const id = o[j]!;
          if (seen[id] === 0) {
            seen[id] = 1;
            found++;
          }
        }
      }
    }
    return found;
  }

  /** End offset of the first keyword occurrence in `text[from, to)`, or -1. */
  firstEnd(text: string, from = 0, to = text.length): number {
    const delta = this.delta;
    const acc = this.accepting;
    let s = 0;
    for (let i = from; i < to; i++) {
      let c = text.charCodeAt(i);
      if (c >= ALPHA) c = 0;
      s = delta[(s << 7) | c]!;
      if (acc[s] === 1) return i + 1;
    }
    return -1;
  }

  /** The ids of keywords occurring in `text` (sorted). */
  matches(text: string): number[] {
    const seen = new Uint8Array(this.keywords.length);
    this.scan(text, seen);
    const ids: number[] = [];
    for (let i = 0; i < seen.length; i++) if (seen[i]) ids.push(i);
    return ids;
  }
}
