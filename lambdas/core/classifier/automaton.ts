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
  readonly delta: Int32Array;
  /** Wide-symbol transitions from the root, encoded like delta, indexed by symbol - narrowWidth. */
  readonly wideFromRoot: Int32Array;
  /**
   * Wide-symbol transitions that differ from the root's, grouped by state: those of state s (not
   * premultiplied) are wideSymbol/wideNext[wideStart[s] .. wideStart[s + 1]). Typed arrays rather
   * than a Map: a Map lookup anywhere in the scan loop slowed every character by a fifth.
   */
  readonly wideStart: Int32Array;
  readonly wideSymbol: Int32Array;
  /** Encoded like delta. */
  readonly wideNext: Int32Array;
  /** First state to report at each state (itself when a pattern ends there, else its nearest suffix), or -1. */
  readonly report: Int32Array;
  /** Next reporting state along the failure chain, or -1. */
  readonly nextReport: Int32Array;
  /** Pattern index ending at each state, or -1. */
  readonly patternAt: Int32Array;
  readonly patternLength: Int32Array;
}

/** Flag bit of a delta entry (its sign bit: a reporting entry is negative): some pattern ends at the next state. */
export const REPORTS = 0x80000000 | 0;
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

  // Renumber states breadth-first (root, then depth 1, 2, ...). Text keeps the automaton in the
  // shallow states nearly all the time; numbered first, their rows sit together at the start of
  // the table and stay in cache, where trie order scattered them over megabytes.
  const order = Int32Array.from([0, ...queue]);
  const renumbered = new Int32Array(stateCount);
  for (let i = 0; i < stateCount; i++) renumbered[order[i]!] = i;

  const encode = (next: number) => (renumbered[next]! * narrowWidth) | (report[next]! >= 0 ? REPORTS : 0);
  const delta = new Int32Array(stateCount * narrowWidth);
  const wideCount = wideCodes.length;
  const wideFromRoot = new Int32Array(wideCount);
  for (let k = 0; k < wideCount; k++) wideFromRoot[k] = encode(full[narrowWidth + k]!);
  const wideStart = new Int32Array(stateCount + 1);
  const wideSymbolList: number[] = [];
  const wideNextList: number[] = [];
  for (let i = 0; i < stateCount; i++) {
    const state = order[i]!;
    for (let symbol = 0; symbol < narrowWidth; symbol++) {
      delta[i * narrowWidth + symbol] = encode(full[state * width + symbol]!);
    }
    wideStart[i] = wideSymbolList.length;
    for (let k = 0; k < wideCount; k++) {
      const next = full[state * width + narrowWidth + k]!;
      if (next !== full[narrowWidth + k]) {
        wideSymbolList.push(narrowWidth + k);
        wideNextList.push(encode(next));
      }
    }
  }
  wideStart[stateCount] = wideSymbolList.length;
  // Report chains in the new numbering: report and nextReport hold state numbers.
  const remap = (chain: Int32Array) => {
    const out = new Int32Array(stateCount).fill(-1);
    for (let i = 0; i < stateCount; i++) {
      const target = chain[order[i]!]!;
      out[i] = target >= 0 ? renumbered[target]! : -1;
    }
    return out;
  };
  const reportRenumbered = remap(report);
  const nextReportRenumbered = remap(nextReport);
  const patternAtRenumbered = new Int32Array(stateCount);
  for (let i = 0; i < stateCount; i++) patternAtRenumbered[i] = patternAt[order[i]!]!;

  const patternLength = Int32Array.from(patterns, (p) => p.length);
  return {
    alphabet,
    narrowWidth,
    delta,
    wideFromRoot,
    wideStart,
    wideSymbol: Int32Array.from(wideSymbolList),
    wideNext: Int32Array.from(wideNextList),
    report: reportRenumbered,
    nextReport: nextReportRenumbered,
    patternAt: patternAtRenumbered,
    patternLength,
  };
}

/** The encoded transition from a premultiplied state on a wide (non-ASCII) symbol. */
export function stepWide(automaton: Automaton, state: number, symbol: number): number {
  const { narrowWidth, wideStart, wideSymbol, wideNext } = automaton;
  const s = state / narrowWidth;
  for (let j = wideStart[s]!, end = wideStart[s + 1]!; j < end; j++) {
    if (wideSymbol[j] === symbol) return wideNext[j]!;
  }
  return automaton.wideFromRoot[symbol - narrowWidth]!;
}

/**
 * Scans `codes[0..length)` and appends every occurrence (overlapping ones included) to `out` as
 * triples (pattern index, start, end), in order of end offset. `out` is cleared first; passing the
 * same array each time keeps the hot path free of allocations.
 */
export function scan(automaton: Automaton, codes: Uint16Array, length: number, out: number[]): number[] {
  const { alphabet, narrowWidth, delta, report, nextReport, patternAt, patternLength } = automaton;
  out.length = 0;
  let state = 0; // premultiplied by narrowWidth
  for (let i = 0; i < length; i++) {
    const symbol = alphabet[codes[i]!]!;
    const next = symbol < narrowWidth ? delta[state + symbol]! : stepWide(automaton, state, symbol);
    state = next & STATE;
    if (next < 0) {
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
