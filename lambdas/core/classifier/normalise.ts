/**
 * Text normalisation for matching: NFKC-style compatibility folding, case folding, Latin
 * diacritics removed, dashes and whitespace collapsed to single spaces. Every output code
 * unit remembers which plain-text code units it came from, so a match found in the
 * normalised text maps back to exact offsets in the text a person reads.
 */
import { isInvisibleFormat } from "../text/characters.ts";
import { isWideWhitespace } from "../text/html-to-text.ts";

/**
 * End (exclusive) of the plain-text character starting at `start`: one code unit, or two for a
 * surrogate pair. With `starts`, this maps a normalised span back to its plain-text span.
 */
export function sourceEnd(plain: string, start: number): number {
  const code = plain.charCodeAt(start);
  return code >= 0xd800 && code <= 0xdbff && start + 1 < plain.length ? start + 2 : start + 1;
}

/** Normalised text as UTF-16 code units, with a map back to the plain text. */
export interface NormalisedText {
  /** Normalised code units; only the first `length` are meaningful. */
  codes: Uint16Array;
  /** For each normalised code unit: start offset of its source character in the plain text. */
  starts: Int32Array;
  length: number;
  /** Normalised offsets where a new sentence starts (ascending, excluding 0). */
  sentenceStarts: number[];
  /**
   * True when the input was already what htmlToText makes of it (no markup, entities, control
   * characters or irregular whitespace), so offsets into the input are offsets into htmlToText(input).
   */
  clean: boolean;
}

const SPACE = 0x20;
/** Combining diacritical marks (Latin, Greek, Cyrillic accents); kana voicing marks are kept. */
// eslint-disable-next-line no-misleading-character-class -- a class of lone combining marks is the point
const DIACRITIC = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const DASHES = new Set([0x2d, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe63, 0xff0d]);
const SENTENCE_END = new Set([0x2e, 0x21, 0x3f, 0x3b]); // . ! ? ; followed by a space
const CJK_SENTENCE_END = new Set([0x3002, 0xff01, 0xff1f, 0xff0e]); // 。！？． end a sentence by themselves

// Per-code-unit folding of non-ASCII characters is cached: news text repeats few distinct characters.
const foldCache = new Map<number, string>();

/** Folds one non-ASCII code point: compatibility decomposition, diacritics dropped, lower case, recomposed. */
function foldCodePoint(codePoint: number): string {
  const cached = codePoint < 0x10000 ? foldCache.get(codePoint) : undefined;
  if (cached !== undefined) return cached;
  let folded: string;
  if (codePoint === 0xdf || codePoint === 0x1e9e) folded = "ss";
  else if (DASHES.has(codePoint)) folded = " ";
  else if (codePoint === 0x2019 || codePoint === 0x2018 || codePoint === 0x02bc) folded = "'";
  else {
    folded = String.fromCodePoint(codePoint)
      .normalize("NFKD")
      .replace(DIACRITIC, "")
      .toLowerCase()
      .normalize("NFC");
    if (/^\s+$/u.test(folded)) folded = " ";
  }
  if (codePoint < 0x10000) foldCache.set(codePoint, folded);
  return folded;
}

// ASCII folding table: upper case to lower, controls, whitespace and "-" to space.
const ASCII_FOLD = new Uint16Array(128);
for (let c = 0; c < 128; c++) {
  ASCII_FOLD[c] = c >= 0x41 && c <= 0x5a ? c + 32 : c <= 0x20 || c === 0x2d || c === 0x7f ? SPACE : c;
}
// Characters htmlToText would change or parse: controls, DEL, "<" and "&".
const ASCII_DIRTY = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) ASCII_DIRTY[c] = 1;
ASCII_DIRTY[0x7f] = 1;
ASCII_DIRTY[0x3c] = 1;
ASCII_DIRTY[0x26] = 1;

/** Non-ASCII characters htmlToText would replace or drop: C1 controls, the whitespace \s matches, bidi and zero-width characters. */
function isDirtyWide(c: number): boolean {
  return c <= 0xa0 || isWideWhitespace(c) || isInvisibleFormat(c);
}

/** 1 for the ASCII code units that end a sentence when a space follows: . ! ? ; */
export const ENDS_SENTENCE = new Uint8Array(128);
for (const c of SENTENCE_END) ENDS_SENTENCE[c] = 1;

/**
 * The hot loop's one lookup per code unit: the folded code unit for every character that folds
 * to exactly one code unit other than a space and needs no other care (not dirty, not a surrogate,
 * not a CJK sentence end), or 0 for "take the general path". ASCII is filled here; other characters
 * are added the first time the general path folds them, so Hangul or accented text soon runs
 * through the fast path as well. Folding depends on the character alone, so sharing is safe.
 * Exported for the one-pass scanner (one-pass.ts); read it, never write it.
 */
export const SIMPLE_FOLD = new Uint16Array(0x10000);
for (let c = 0; c < 0x80; c++) {
  if (ASCII_DIRTY[c] === 0 && ASCII_FOLD[c] !== SPACE) SIMPLE_FOLD[c] = ASCII_FOLD[c]!;
}

/** Records a non-ASCII BMP character in SIMPLE_FOLD when the fast path may handle it. */
function learnSimpleFold(code: number, folded: string): void {
  if (folded.length !== 1 || isDirtyWide(code) || (code >= 0xd800 && code <= 0xdfff)) return;
  const out = folded.charCodeAt(0);
  if (out !== SPACE && !CJK_SENTENCE_END.has(out)) SIMPLE_FOLD[code] = out;
}

/** Growable output buffers, reused across calls by `normaliseShared` (the classifier's hot path). */
class Buffers {
  codes: Uint16Array;
  starts: Int32Array;
  constructor(capacity: number) {
    // V8 keeps typed arrays of up to 64 bytes inside the object itself; once the loop has seen
    // such a small one (a rule term), its optimised code handles both layouts and runs at half
    // speed on articles. A floor of 64 code units keeps every buffer out of line.
    const size = Math.max(64, capacity);
    this.codes = new Uint16Array(size);
    this.starts = new Int32Array(size);
  }
  ensure(capacity: number): void {
    if (this.codes.length >= capacity) return;
    let size = this.codes.length;
    while (size < capacity) size *= 2;
    const codes = new Uint16Array(size);
    const starts = new Int32Array(size);
    codes.set(this.codes);
    starts.set(this.starts);
    this.codes = codes;
    this.starts = starts;
  }
}
const shared = new Buffers(4096);

function normaliseWith(plain: string, buffers: Buffers): NormalisedText {
  buffers.ensure(plain.length + 16);
  for (;;) {
    const text = normaliseInto(plain, buffers.codes, buffers.starts);
    if (text) return text;
    // Compatibility expansions ("ﷺ" is 18 letters) outgrew the buffers: rare, so start over.
    buffers.ensure(buffers.codes.length * 2);
  }
}

/**
 * The normalisation loop proper, or undefined when `codes` is too small. The buffers never change
 * inside the loop, which keeps the optimised code's view of them simple: it ran at half the speed
 * when the loop could swap in bigger ones.
 */
function normaliseInto(plain: string, codes: Uint16Array, starts: Int32Array): NormalisedText | undefined {
  const n = plain.length;
  const capacity = codes.length;
  const simpleFold = SIMPLE_FOLD; // a local: module bindings cost a check per read in the loop
  const sentenceStarts: number[] = [];
  let length = 0;
  let pendingSpace = false;
  let pendingSpaceAt = 0;
  let last = 0; // last emitted code unit, to spot a sentence end before a space
  let clean = n === 0 || plain.charCodeAt(n - 1) !== 0x20;

  // Output never outruns input on the fast and ASCII paths, so only wider folds check capacity.
  for (let i = 0; i < n; i++) {
    const code = plain.charCodeAt(i);
    // Fast path: letters, digits and punctuation, nearly every code unit of news text.
    const simple = simpleFold[code]!;
    if (simple !== 0) {
      if (pendingSpace) {
        codes[length] = SPACE;
        starts[length] = pendingSpaceAt;
        length++;
        pendingSpace = false;
        if (last < 0x80 && ENDS_SENTENCE[last] === 1) sentenceStarts.push(length);
      }
      codes[length] = simple;
      starts[length] = i;
      length++;
      last = simple;
      continue;
    }

    // Next most common: the space between words.
    if (code === SPACE) {
      if (i === 0 || plain.charCodeAt(i - 1) === SPACE) clean = false;
      if (length > 0 && !pendingSpace) {
        pendingSpace = true;
        pendingSpaceAt = i;
      }
      continue;
    }

    if (code < 0x80) {
      // What remains of ASCII: whitespace, controls, DEL and "-" fold to a space; "<" and "&" are
      // kept but mean the field may hold markup.
      if (ASCII_DIRTY[code] === 1) clean = false;
      const folded = ASCII_FOLD[code]!;
      if (folded === SPACE) {
        if (length > 0 && !pendingSpace) {
          pendingSpace = true;
          pendingSpaceAt = i;
        }
        continue;
      }
      if (pendingSpace) {
        codes[length] = SPACE;
        starts[length] = pendingSpaceAt;
        length++;
        pendingSpace = false;
        if (last < 0x80 && ENDS_SENTENCE[last] === 1) sentenceStarts.push(length);
      }
      codes[length] = folded;
      starts[length] = i;
      length++;
      last = folded;
      continue;
    }

    if (isDirtyWide(code)) clean = false;
    let codePoint = code;
    let end = i + 1;
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < n) {
      const low = plain.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        codePoint = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
        end = i + 2;
      }
    }
    const folded = foldCodePoint(codePoint);
    if (codePoint < 0x10000) learnSimpleFold(codePoint, folded);
    // Each input code unit left may still need one output code unit (plus a pending space).
    if (length + folded.length + (n - end) + 2 > capacity) return undefined;
    for (let k = 0; k < folded.length; k++) {
      const out = folded.charCodeAt(k);
      if (out === SPACE) {
        if (length > 0 && !pendingSpace) {
          pendingSpace = true;
          pendingSpaceAt = i;
        }
        continue;
      }
      if (pendingSpace) {
        codes[length] = SPACE;
        starts[length] = pendingSpaceAt;
        length++;
        pendingSpace = false;
        if (last < 0x80 && ENDS_SENTENCE[last] === 1) sentenceStarts.push(length);
      }
      codes[length] = out;
      starts[length] = i;
      length++;
      last = out;
      if (CJK_SENTENCE_END.has(out)) sentenceStarts.push(length);
    }
    i = end - 1;
  }
  return { codes, starts, length, sentenceStarts, clean };
}

/**
 * Normalises text for matching (see NormalisedText.clean for when it may skip htmlToText). Runs of whitespace (and dashes, so "state-sponsored"
 * equals "state sponsored") become one space; leading and trailing spaces are dropped.
 */
export function normalise(plain: string): NormalisedText {
  return normaliseWith(plain, new Buffers(plain.length + 16));
}

/**
 * As `normalise`, but into buffers shared by every call: the result is valid only until the next
 * call. For the classifier's hot path, which consumes each field before normalising the next.
 */
export function normaliseShared(plain: string): NormalisedText {
  return normaliseWith(plain, shared);
}

/** Normalises a rule term the same way as article text, returned as a string. */
export function normaliseTerm(term: string): string {
  const { codes, length } = normalise(term);
  return String.fromCharCode(...codes.subarray(0, length));
}

/** Normalised text as a string (for tests and debugging). */
export function normalisedString(text: NormalisedText): string {
  let out = "";
  for (let i = 0; i < text.length; i += 4096) {
    out += String.fromCharCode(...text.codes.subarray(i, Math.min(text.length, i + 4096)));
  }
  return out;
}

// Script classes for word boundaries: 0 not a word character, 1 a letter or digit of a script
// written with spaces, 2 a letter of a script written without them (Han, kana, Hangul).
const charClass = new Int8Array(0x10000).fill(-1);
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const UNSPACED = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]$/u;

/** 0: not a word character; 1: letter/digit of a spaced script; 2: Han, kana or Hangul. */
export function wordClass(code: number): number {
  if (code < 0x80) {
    return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)
      ? 1
      : 0;
  }
  let cls = charClass[code]!;
  if (cls < 0) {
    const char = String.fromCharCode(code);
    cls = UNSPACED.test(char) ? 2 : LETTER_OR_DIGIT.test(char) ? 1 : 0;
    // Lone surrogates: treat as letters so an emoji or rare ideograph never fakes a boundary.
    if (code >= 0xd800 && code <= 0xdfff) cls = 1;
    charClass[code] = cls;
  }
  return cls;
}
