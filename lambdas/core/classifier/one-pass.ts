/**
 * Normalisation and matching in a single pass, for the common field whose normalisation maps
 * it one code unit to one code unit: every code unit folds to exactly one other (SIMPLE_FOLD),
 * or is a lone space or "-" between two such. Then normalised offsets equal plain offsets, so
 * the normalised text need not be built: each code unit is folded and fed to the automaton as it
 * is read. Anything else (runs of spaces, markup, tabs, characters not folded before, a field
 * that starts or ends with a space) makes it give up, and the caller normalises in full.
 */
import { type Automaton, STATE } from "./automaton.ts";
import { ENDS_SENTENCE, SIMPLE_FOLD } from "./normalise.ts";

const SPACE = 0x20;
const DASH = 0x2d;
/** A `symbols` entry for "not known to fold simply yet": take the careful path. */
const CAREFUL = 0xffff;

/**
 * Per automaton: the automaton's symbol for each plain code unit that SIMPLE_FOLD folds, so the
 * loop does one lookup where it did two (fold, then alphabet). Filled for ASCII up front and for
 * other characters the first time they are read after SIMPLE_FOLD learned them; SIMPLE_FOLD never
 * changes an entry it has set, so a cached symbol stays right. Spaces and dashes stay CAREFUL.
 */
const symbolTables = new WeakMap<Automaton, Uint16Array>();

function symbolsOf(automaton: Automaton): Uint16Array {
  let symbols = symbolTables.get(automaton);
  if (!symbols) {
    symbols = new Uint16Array(0x10000).fill(CAREFUL);
    for (let c = 0; c < 0x80; c++) {
      const folded = SIMPLE_FOLD[c]!;
      if (folded !== 0) symbols[c] = automaton.alphabet[folded]!;
    }
    symbolTables.set(automaton, symbols);
  }
  return symbols;
}

/**
 * Scans `plain` as `scan(automaton, normalise(plain))` would, when normalisation is one-to-one.
 * Fills `hits` with (pattern, start, end) triples in order of end offset and `sentenceStarts` with
 * the offsets where a new sentence starts (as NormalisedText.sentenceStarts), and returns true;
 * returns false, with both arrays meaningless, when `plain` is not one-to-one (or empty).
 * A one-to-one field is also clean: htmlToText(plain) === plain.
 */
export function scanOneToOne(
  automaton: Automaton,
  plain: string,
  hits: number[],
  sentenceStarts: number[],
): boolean {
  const n = plain.length;
  if (n === 0) return false;
  const fold = SIMPLE_FOLD; // locals: module bindings cost a check per read in the loop
  const symbols = symbolsOf(automaton);
  const { alphabet, narrowWidth, delta, report, nextReport, patternAt, patternLength } = automaton;
  const { wideFromRoot, wideStart, wideSymbol, wideNext } = automaton;
  hits.length = 0;
  sentenceStarts.length = 0;
  let state = 0; // premultiplied by narrowWidth
  for (let i = 0; i < n; i++) {
    const code = plain.charCodeAt(i);
    let symbol = symbols[code]!;
    if (symbol === CAREFUL) {
      const folded = fold[code]!;
      if (folded === 0) {
        // Only a lone space or "-" between two other characters keeps the mapping one-to-one;
        // normalise() collapses runs and drops leading and trailing ones. The code unit before
        // is then the last non-space one: when it ends a sentence (. ! ? ;, folded to ASCII),
        // the next one starts a new sentence. All the sentence bookkeeping happens here, off
        // the path of the other characters, where it cost a third of the loop.
        if ((code !== SPACE && code !== DASH) || i === 0) return false;
        const before = fold[plain.charCodeAt(i - 1)]!;
        if (before === 0) return false;
        if (before < 0x80 && ENDS_SENTENCE[before] === 1) sentenceStarts.push(i + 1);
        symbol = alphabet[SPACE]!;
      } else {
        symbol = alphabet[folded]!;
        symbols[code] = symbol; // SIMPLE_FOLD learned it since the table was made: cache it
      }
    }

    let next: number;
    if (symbol < narrowWidth) next = delta[state + symbol]!;
    else {
      next = wideFromRoot[symbol - narrowWidth]!;
      const s = state / narrowWidth;
      for (let j = wideStart[s]!, end = wideStart[s + 1]!; j < end; j++) {
        if (wideSymbol[j] === symbol) {
          next = wideNext[j]!;
          break;
        }
      }
    }
    state = next & STATE;
    if (next < 0) {
      let hit = report[state / narrowWidth]!;
      while (hit >= 0) {
        const pattern = patternAt[hit]!;
        hits.push(pattern, i + 1 - patternLength[pattern]!, i + 1);
        hit = nextReport[hit]!;
      }
    }
  }
  // normalise() drops a trailing space, which would shorten the text.
  return fold[plain.charCodeAt(n - 1)] !== 0;
}
