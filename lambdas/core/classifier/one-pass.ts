/**
 * Normalisation and matching in a single pass, for the common field whose normalisation maps
 * it one code unit to one code unit: every code unit folds to exactly one other (SIMPLE_FOLD),
 * or is a lone space or "-" between two such. Then normalised offsets equal plain offsets, so
 * the normalised text need not be built: each code unit is folded and fed to the automaton as it
 * is read. Anything else (runs of spaces, markup, tabs, characters not folded before, a field
 * that starts or ends with a space) makes it give up, and the caller normalises in full.
 */
import type { Automaton } from "./automaton.ts";
import { STATE, stepWide } from "./automaton.ts";
import { ENDS_SENTENCE, SIMPLE_FOLD } from "./normalise.ts";

const SPACE = 0x20;
const DASH = 0x2d;
/** An `info` entry's low bits: the automaton's symbol for the code unit, folded. */
const SYMBOL = 0xffff;
/** An `info` entry's flag: a space or "-", which normalise() turns into a space. */
const IS_SPACE = 0x10000;
/** An `info` entry's flag: folds to . ! ? or ; which end a sentence when a space follows. */
const ENDS = 0x20000;
/** An `info` entry not known yet: ask SIMPLE_FOLD (and give up if it does not fold simply). */
const UNKNOWN = -1;

/**
 * Per automaton, everything the loop needs about a code unit in one lookup: its symbol and the
 * two flags. Filled for ASCII up front and for other characters the first time they are read
 * after SIMPLE_FOLD learned them (SIMPLE_FOLD never changes an entry it has set, so a cached one
 * stays right).
 */
const infoTables = new WeakMap<Automaton, Int32Array>();

function infoOf(folded: number, alphabet: Uint16Array): number {
  return alphabet[folded]! | (folded < 0x80 && ENDS_SENTENCE[folded] === 1 ? ENDS : 0);
}

function infoTable(automaton: Automaton): Int32Array {
  let info = infoTables.get(automaton);
  if (!info) {
    info = new Int32Array(0x10000).fill(UNKNOWN);
    for (let c = 0; c < 0x80; c++) {
      const folded = SIMPLE_FOLD[c]!;
      if (folded !== 0) info[c] = infoOf(folded, automaton.alphabet);
    }
    info[SPACE] = automaton.alphabet[SPACE]! | IS_SPACE;
    info[DASH] = automaton.alphabet[SPACE]! | IS_SPACE;
    infoTables.set(automaton, info);
  }
  return info;
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
  const info = infoTable(automaton);
  const { alphabet, narrowWidth, delta, report, nextReport, patternAt, patternLength } = automaton;
  hits.length = 0;
  sentenceStarts.length = 0;
  let state = 0; // premultiplied by narrowWidth
  let previous = IS_SPACE; // as if a space came before: a space at offset 0 gives up
  for (let i = 0; i < n; i++) {
    const code = plain.charCodeAt(i);
    let current = info[code]!;
    if (current === UNKNOWN) {
      const folded = SIMPLE_FOLD[code]!;
      if (folded === 0) return false; // markup, controls, tabs, or not folded before
      current = infoOf(folded, alphabet);
      info[code] = current;
    }
    // normalise() collapses a run of spaces; the code unit after a space that follows . ! ? ;
    // starts a sentence (a trailing space gives up below, so there is one). Both tests are bit
    // operations whose branch is almost never taken: a branch on "is this a space" would be
    // taken once a word, at random as far as the processor can tell, and cost a third of the loop.
    const space = current & IS_SPACE;
    if ((previous & space) !== 0) return false;
    if ((previous & (space << 1)) !== 0) sentenceStarts.push(i + 1); // ENDS === IS_SPACE << 1
    previous = current;

    const symbol = current & SYMBOL;
    // Wide (non-ASCII) symbols step out of line: their rare path inside this loop slowed it all.
    const next = symbol < narrowWidth ? delta[state + symbol]! : stepWide(automaton, state, symbol);
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
  return (previous & IS_SPACE) === 0;
}
