/**
 * Aho-Corasick automaton over UTF-16 code units. Every term is found in one left-to-right pass
 * over the text, whatever the number of terms.
 *
 * Transitions on the ASCII characters used by the patterns live in a dense table (one lookup
 * per character, rows small enough to stay in cache). Transitions on other characters (Han, kana,
 * Hangul, accented letters) are rare in news text; from most states they equal the root's, so
 * only the exceptions are stored, in a map.
 */

export interface Automaton {
  /** Code unit to symbol: 0 for characters in no pattern, 1..narrowWidth-1 for ASCII, above for the rest. */
  readonly alphabet: Uint16Array;
  /** Row width of the dense table: the ASCII symbols plus symbol 0. */
  readonly narrowWidth: number;
  /**
   * delta[state * narrowWidth + symbol] for ASCII symbols: the next state times narrowWidth (failure
   * transitions folded in), with REPORTS set when some pattern ends there. Premultiplied and flagged,
   * so the scan loop does one lookup and no multiplication per character.
   */
  readonly delta: Uint32Array;
  /** Wide-symbol transitions from the root, encoded like delta, indexed by symbol - narrowWidth. */
  readonly wideFromRoot: Uint32Array;
  /** Wide-symbol transitions that differ from the root's, keyed by state * wideCount + (symbol - narrowWidth). */
  readonly wideExceptions: Map<number, number>;
  readonly wideCount: number;
  /** First state to report at each state (itself when a pattern ends there, else its nearest suffix), or -1. */
  readonly report: Int32Array;
  /** Next reporting state along the failure chain, or -1. */
  readonly nextReport: Int32Array;
  /** Pattern index ending at each state, or -1. */
  readonly patternAt: Int32Array;
  readonly patternLength: Int32Array;
}

/** Flag bit of a delta entry: some pattern ends at the next state. */
export const REPORTS = 0x80000000;
/** Mask of a delta entry's next state (premultiplied by narrowWidth). */
export const STATE = 0x7fffffff;

/** Builds an automaton for distinct, non-empty patterns; pattern i is reported as index i. */
export function buildAutomaton(patterns: readonly string[]): Automaton {
  // Symbols: ASCII characters first (dense rows), then every other character.
  const alphabet = new Uint16Array(0x10000);
  const wideCodes: number[] = [];
  let narrowWidth = 1;
  for (const pattern of patterns) {
    if (pattern.length === 0) throw new Error("automaton: empty pattern");
    for (let i = 0; i < pattern.length; i++) {
      const code = pattern.charCodeAt(i);
      if (alphabet[code] !== 0) continue;
      if (code < 0x80) alphabet[code] = narrowWidth++;
      else {
        alphabet[code] = 1; // placeholder until the narrow width is known
        wideCodes.push(code);
      }
    }
  }
  wideCodes.forEach((code, k) => {
    alphabet[code] = narrowWidth + k;
  });
  const width = narrowWidth + wideCodes.length;

  // Trie with sparse children, then a full table built breadth-first (temporary), then split.
  const children: Map<number, number>[] = [new Map()];
  const patternAtList: number[] = [-1];
  patterns.forEach((pattern, index) => {
    let state = 0;
    for (let i = 0; i < pattern.length; i++) {
      const symbol = alphabet[pattern.charCodeAt(i)]!;
      let next = children[state]!.get(symbol);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        patternAtList.push(-1);
        children[state]!.set(symbol, next);
      }
      state = next;
    }
    if (patternAtList[state] !== -1) throw new Error(`automaton: duplicate pattern "${pattern}"`);
    patternAtList[state] = index;
  });

  const stateCount = children.length;
  if (stateCount * narrowWidth > STATE)
    throw new Error("automaton: too many states for the transition table");
  const full = new Uint32Array(stateCount * width);
  const fail = new Int32Array(stateCount);
  const report = new Int32Array(stateCount).fill(-1);
  const nextReport = new Int32Array(stateCount).fill(-1);
  const patternAt = Int32Array.from(patternAtList);

  const queue: number[] = [];
  for (const [symbol, child] of children[0]!) {
    full[symbol] = child;
    queue.push(child);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    const failState = fail[state]!;
    // A state inherits every transition of its failure state, then overrides with its own children.
    full.copyWithin(state * width, failState * width, failState * width + width);
    for (const [symbol, child] of children[state]!) {
      fail[child] = full[failState * width + symbol]!;
      full[state * width + symbol] = child;
      queue.push(child);
    }
    nextReport[state] = report[failState]!;
    report[state] = patternAt[state]! >= 0 ? state : nextReport[state]!;
  }

  const encode = (next: number) => ((next * narrowWidth) | (report[next]! >= 0 ? REPORTS : 0)) >>> 0;
  const delta = new Uint32Array(stateCount * narrowWidth);
  const wideCount = wideCodes.length;
  const wideFromRoot = new Uint32Array(wideCount);
  const wideExceptions = new Map<number, number>();
  for (let k = 0; k < wideCount; k++) wideFromRoot[k] = encode(full[narrowWidth + k]!);
  for (let state = 0; state < stateCount; state++) {
    for (let symbol = 0; symbol < narrowWidth; symbol++) {
      delta[state * narrowWidth + symbol] = encode(full[state * width + symbol]!);
    }
    for (let k = 0; k < wideCount; k++) {
      const next = full[state * width + narrowWidth + k]!;
      if (next !== full[narrowWidth + k]) wideExceptions.set(state * wideCount + k, encode(next));
    }
  }

  const patternLength = Int32Array.from(patterns, (p) => p.length);
  return {
    alphabet,
    narrowWidth,
    delta,
    wideFromRoot,
    wideExceptions,
    wideCount,
    report,
    nextReport,
    patternAt,
    patternLength,
  };
}

/**
 * Scans `codes[0..length)` and appends every occurrence (overlapping ones included) to `out` as
 * triples (pattern index, start, end), in order of end offset. `out` is cleared first; passing the
 * same array each time keeps the hot path free of allocations.
 */
export function scan(automaton: Automaton, codes: Uint16Array, length: number, out: number[]): number[] {
  const { alphabet, narrowWidth, delta, wideFromRoot, wideExceptions, wideCount } = automaton;
  const { report, nextReport, patternAt, patternLength } = automaton;
  out.length = 0;
  let state = 0; // premultiplied by narrowWidth
  for (let i = 0; i < length; i++) {
    const symbol = alphabet[codes[i]!]!;
    let next: number;
    if (symbol < narrowWidth) next = delta[state + symbol]!;
    else {
      const k = symbol - narrowWidth;
      next = wideExceptions.get((state / narrowWidth) * wideCount + k) ?? wideFromRoot[k]!;
    }
    state = next & STATE;
    if (next >= REPORTS) {
      let hit = report[state / narrowWidth]!;
      while (hit >= 0) {
        const pattern = patternAt[hit]!;
        out.push(pattern, i + 1 - patternLength[pattern]!, i + 1);
        hit = nextReport[hit]!;
      }
    }
  }
  return out;
}
