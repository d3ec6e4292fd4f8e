/**
 * Normalisation and matching in a single pass, for the common field whose normalisation maps
 * it one code unit to one code unit: every code unit folds to exactly one other (SIMPLE_FOLD),
 * or is a lone space or "-" between two such. Then normalised offsets equal plain offsets, so
 * the normalised text need not be built: each code unit is folded and fed to the automaton as it
 * is read. Anything else (runs of spaces, markup, tabs, characters not folded before, a field
 * that starts or ends with a space, a field longer than TEXT_CAPACITY) makes it give up, and the
 * caller normalises in full.
 */
import type { Automaton } from "./automaton.ts";
import { STATE, stepWide } from "./automaton.ts";
import { ENDS_SENTENCE, SIMPLE_FOLD } from "./normalise.ts";

const SPACE = 0x20;
const DASH = 0x2d;
// An `info` entry: the low 16 bits are the automaton's symbol for the code unit, folded; bit 16
// (0x10000) marks a space or "-", which normalise() turns into a space; bit 17 (0x20000) marks
// . ! ? or ;, which end a sentence when a space follows; -1 is "not known yet" (ask SIMPLE_FOLD,
// and give up if it does not fold simply). The scan loops write these as literals: V8 reads a
// module constant from memory and checks its type on every use, which cost a fifth of the loop.
const IS_SPACE = 0x10000;
const ENDS = 0x20000;
const UNKNOWN = -1;

/**
 * The longest field scanned in one pass: its code units are copied here first (one native copy;
 * reading a typed array that is a module constant costs the loop a third of what charCodeAt does,
 * which checks the string's representation on every call). Longer fields take the full path.
 */
export const TEXT_CAPACITY = 1 << 16;
const TEXT = new Uint16Array(TEXT_CAPACITY);
const TEXT_BYTES = Buffer.from(TEXT.buffer);

function infoOf(folded: number, alphabet: Uint16Array): number {
  return alphabet[folded]! | (folded < 0x80 && ENDS_SENTENCE[folded] === 1 ? ENDS : 0);
}

/**
 * Everything the loop needs about a code unit in one lookup: its symbol and the two flags.
 * Filled for ASCII up front and for other characters the first time they are read after
 * SIMPLE_FOLD learned them (SIMPLE_FOLD never changes an entry it has set, so a cached one
 * stays right).
 */
function infoTable(alphabet: Uint16Array): Int32Array {
  const info = new Int32Array(0x10000).fill(UNKNOWN);
  for (let c = 0; c < 0x80; c++) {
    const folded = SIMPLE_FOLD[c]!;
    if (folded !== 0) info[c] = infoOf(folded, alphabet);
  }
  info[SPACE] = alphabet[SPACE]! | IS_SPACE;
  info[DASH] = alphabet[SPACE]! | IS_SPACE;
  return info;
}

/**
 * Position i in full: the code unit learned if need be, the space and sentence checks, the step
 * (wide symbols included) and the hits it reports. The fast loop hands every case it does not
 * handle itself to this. Returns the next state, or -1 to give up.
 */
function slowStep(
  automaton: Automaton,
  info: Int32Array,
  i: number,
  state: number,
  previous: number,
  hits: number[],
  sentenceStarts: number[],
): number {
  const code = TEXT[i]!;
  let current = info[code]!;
  if (current === UNKNOWN) {
    const folded = SIMPLE_FOLD[code]!;
    if (folded === 0) return -1; // markup, controls, tabs, or not folded before
    current = infoOf(folded, automaton.alphabet);
    info[code] = current;
  }
  // normalise() collapses a run of spaces; the code unit after a space that follows . ! ? ;
  // starts a sentence (a trailing space gives up at the end, so there is one).
  const space = current & IS_SPACE;
  if ((previous & space) !== 0) return -1;
  if ((previous & (space << 1)) !== 0) sentenceStarts.push(i + 1); // ENDS === IS_SPACE << 1
  const { narrowWidth, delta, report, nextReport, patternAt, patternLength } = automaton;
  const symbol = current & 0xffff;
  const next = symbol < narrowWidth ? delta[state + symbol]! : stepWide(automaton, state, symbol);
  const nextState = next & STATE;
  if (next < 0) {
    let hit = report[nextState / narrowWidth]!;
    while (hit >= 0) {
      const pattern = patternAt[hit]!;
      hits.push(pattern, i + 1 - patternLength[pattern]!, i + 1);
      hit = nextReport[hit]!;
    }
  }
  return nextState;
}

/**
 * Scans `plain` as `scan(automaton, normalise(plain))` would, when normalisation is one-to-one.
 * Fills `hits` with (pattern, start, end) triples in order of end offset and `sentenceStarts` with
 * the offsets where a new sentence starts (as NormalisedText.sentenceStarts), and returns true;
 * returns false, with both arrays meaningless, when `plain` is not one-to-one (or empty, or longer
 * than TEXT_CAPACITY). A one-to-one field is also clean: htmlToText(plain) === plain.
 */
export type OneToOneScanner = (plain: string, hits: number[], sentenceStarts: number[]) => boolean;

/**
 * The scan loop for one automaton, its tables held by the closure (make it once per automaton: the
 * compiled rules keep theirs). Its inner loop handles the
 * common code unit (known, narrow, no hit, no double space or sentence end) with no call and no
 * push, so V8 keeps it tight; everything else goes through slowStep.
 */
export function oneToOneScanner(automaton: Automaton): OneToOneScanner {
  // Held by the closure, which V8 compiles with these as constants (a module binding it rereads).
  const info = infoTable(automaton.alphabet);
  const { narrowWidth, delta } = automaton;
  const text = TEXT;
  return (plain, hits, sentenceStarts) => {
    const n = plain.length;
    if (n === 0 || n > TEXT_CAPACITY) return false;
    TEXT_BYTES.write(plain, 0, "utf16le");
    hits.length = 0;
    sentenceStarts.length = 0;
    let state = 0; // premultiplied by narrowWidth
    let previous = 0x10000; // as if a space came before: a space at offset 0 gives up
    let i = 0;
    for (;;) {
      for (; i < n; i++) {
        const current = info[text[i]!]!;
        // Unknown (-1), or a space after a space or after . ! ? ; (both bit tests at once).
        if (current < 0 || (previous & ((current & 0x10000) * 3)) !== 0) break;
        const symbol = current & 0xffff;
        if (symbol >= narrowWidth) break;
        const next = delta[state + symbol]!;
        if (next < 0) break; // some pattern ends here
        state = next;
        previous = current;
      }
      if (i >= n) break;
      state = slowStep(automaton, info, i, state, previous, hits, sentenceStarts);
      if (state < 0) return false;
      previous = info[text[i]!]!;
      i++;
    }
    // normalise() drops a trailing space, which would shorten the text.
    return (previous & 0x10000) === 0;
  };
}
