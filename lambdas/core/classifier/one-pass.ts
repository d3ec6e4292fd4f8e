/**
 * Normalisation and matching in a single pass, for the common field whose normalisation maps
 * it one code unit to one code unit: every code unit folds to exactly one other (SIMPLE_FOLD),
 * or is a lone space or "-" between two such. Then normalised offsets equal plain offsets, so
 * the normalised text need not be built: each code unit is folded and fed to the automaton as it
 * is read. Anything else (runs of spaces, markup, tabs, characters not folded before, a field
 * that starts or ends with a space) makes it give up, and the caller normalises in full.
 */
import { type Automaton, REPORTS, STATE } from "./automaton.ts";
import { ENDS_SENTENCE, SIMPLE_FOLD } from "./normalise.ts";

const SPACE = 0x20;
const DASH = 0x2d;

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
  const endsSentence = ENDS_SENTENCE;
  const { alphabet, narrowWidth, delta, wideFromRoot, wideExceptions, wideCount } = automaton;
  const { report, nextReport, patternAt, patternLength } = automaton;
  hits.length = 0;
  sentenceStarts.length = 0;
  let state = 0; // premultiplied by narrowWidth
  let previousSpace = true; // so that a space at offset 0 gives up
  let last = 0; // last non-space code unit, to spot a sentence end
  for (let i = 0; i < n; i++) {
    const code = plain.charCodeAt(i);
    let folded = fold[code]!;
    if (folded === 0) {
      // Only a lone space or "-" keeps the mapping one-to-one; normalise() collapses runs.
      if ((code !== SPACE && code !== DASH) || previousSpace) return false;
      previousSpace = true;
      folded = SPACE;
    } else {
      if (previousSpace) {
        if (i > 0 && last < 0x80 && endsSentence[last] === 1) sentenceStarts.push(i);
        previousSpace = false;
      }
      last = folded;
    }

    const symbol = alphabet[folded]!;
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
        hits.push(pattern, i + 1 - patternLength[pattern]!, i + 1);
        hit = nextReport[hit]!;
      }
    }
  }
  // normalise() drops a trailing space, which would shorten the text.
  return !previousSpace;
}
