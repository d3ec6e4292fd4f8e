/**
 * Aho-Corasick automaton over UTF-16 code units, compiled to a dense transition table.
 * Every term is found in one left-to-right pass over the text, whatever the number of terms:
 * one table lookup per character, plus one step per reported match.
 */

export interface Automaton {
  /** Code unit to alphabet index; 0 for characters that appear in no pattern. */
  readonly alphabet: Uint16Array;
  readonly width: number;
  /** delta[state * width + symbol]: the next state (failure transitions already folded in). */
  readonly delta: Uint32Array;
  /** First state to report at each state (itself when a pattern ends there, else its nearest suffix), or -1. */
  readonly report: Int32Array;
  /** Next reporting state along the failure chain, or -1. */
  readonly nextReport: Int32Array;
  /** Pattern index ending at each state, or -1. */
  readonly patternAt: Int32Array;
  readonly patternLength: Int32Array;
}

/** Builds an automaton for distinct, non-empty patterns; pattern i is reported as index i. */
export function buildAutomaton(patterns: readonly string[]): Automaton {
  const alphabet = new Uint16Array(0x10000);
  let width = 1;
  for (const pattern of patterns) {
    for (let i = 0; i < pattern.length; i++) {
      const code = pattern.charCodeAt(i);
      if (alphabet[code] === 0) alphabet[code] = width++;
    }
  }

  // Trie with sparse children first; the dense table is filled in breadth-first order below.
  const children: Map<number, number>[] = [new Map()];
  const patternAtList: number[] = [-1];
  patterns.forEach((pattern, index) => {
    if (pattern.length === 0) throw new Error("automaton: empty pattern");
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
  const delta = new Uint32Array(stateCount * width);
  const fail = new Int32Array(stateCount);
  const report = new Int32Array(stateCount).fill(-1);
  const nextReport = new Int32Array(stateCount).fill(-1);
  const patternAt = Int32Array.from(patternAtList);

  const queue: number[] = [];
  for (const [symbol, child] of children[0]!) {
    delta[symbol] = child;
    fail[child] = 0;
    queue.push(child);
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!;
    const failState = fail[state]!;
    // A state inherits every transition of its failure state, then overrides with its own children.
    delta.copyWithin(state * width, failState * width, failState * width + width);
    for (const [symbol, child] of children[state]!) {
      fail[child] = delta[failState * width + symbol]!;
      delta[state * width + symbol] = child;
      queue.push(child);
    }
    nextReport[state] = report[failState]!;
    report[state] = patternAt[state]! >= 0 ? state : nextReport[state]!;
  }

  const patternLength = Int32Array.from(patterns, (p) => p.length);
  return { alphabet, width, delta, report, nextReport, patternAt, patternLength };
}

/**
 * Scans `codes[0..length)` and calls `onMatch(patternIndex, start, end)` for every occurrence
 * (overlapping ones included), in order of end offset.
 */
export function scan(
  automaton: Automaton,
  codes: Uint16Array,
  length: number,
  onMatch: (pattern: number, start: number, end: number) => void,
): void {
  const { alphabet, width, delta, report, nextReport, patternAt, patternLength } = automaton;
  let state = 0;
  for (let i = 0; i < length; i++) {
    state = delta[state * width + alphabet[codes[i]!]!]!;
    let hit = report[state]!;
    while (hit >= 0) {
      const pattern = patternAt[hit]!;
      onMatch(pattern, i + 1 - patternLength[pattern]!, i + 1);
      hit = nextReport[hit]!;
    }
  }
}
