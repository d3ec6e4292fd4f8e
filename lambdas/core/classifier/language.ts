/**
 * Which language a text is in, for the classifier's report and for evaluation by language: the
 * script first (Hangul, kana, Han, Cyrillic, Arabic), then letters one language alone uses, then the
 * language whose common short words occur most. The data is languages.json. Scoring does not
 * depend on it: every language's terms are matched in every text, since headlines mix languages.
 */
import languagesJson from "./languages.json" with { type: "json" };

interface LanguageData {
  scripts: { ko: string; ja: string; zh: string; cyrillic: string; ar: string };
  cyrillicLetters: Record<string, string>;
  latinLetters: Record<string, string>;
  words: Record<string, string[]>;
}

const data = languagesJson as LanguageData;
// Word separators for the common-word count: whitespace and ASCII or typographic punctuation.
const SEPARATOR = /[\s,.;:!?()[\]"“”„«»‘’'/|–—-]/;
// SEPARATOR's verdict per code unit, learned on first sight: -1 not yet asked, 0 no, 1 yes.
const separatorCache = new Int8Array(0x10000).fill(-1);

function isSeparator(code: number): boolean {
  let known = separatorCache[code]!;
  if (known < 0) {
    known = SEPARATOR.test(String.fromCharCode(code)) ? 1 : 0;
    separatorCache[code] = known;
  }
  return known === 1;
}

const wordLanguages = new Map<string, string[]>();
for (const [lang, words] of Object.entries(data.words)) {
  for (const word of words) {
    const list = wordLanguages.get(word);
    if (list) list.push(lang);
    else wordLanguages.set(word, [lang]);
  }
}
// Which lengths the listed words starting with each code unit have (bit n - 1 for length n, the
// top bit for 8 or more), so most tokens are ruled out without a substring and a Map lookup.
const wordShapes = new Uint8Array(0x10000);
const hasEmptyWord = wordLanguages.has("");
const lengthBit = (length: number) => 1 << (Math.min(length, 8) - 1);
for (const word of wordLanguages.keys()) {
  if (word !== "") wordShapes[word.charCodeAt(0)]! |= lengthBit(word.length);
}
/** A hash of a word's code units, computed as the tokens are read (so none is cut out to look up). */
const hashStep = (hash: number, code: number) => (Math.imul(hash, 31) + code) | 0;
// The listed words by hash (a word and its languages; a token's hash may match an unlisted word).
const wordsByHash = new Map<number, { word: string; langs: string[] }[]>();
for (const [word, langs] of wordLanguages) {
  let hash = 0;
  for (let i = 0; i < word.length; i++) hash = hashStep(hash, word.charCodeAt(i));
  const bucket = wordsByHash.get(hash);
  if (bucket) bucket.push({ word, langs });
  else wordsByHash.set(hash, [{ word, langs }]);
}
const cyrillicLetters = Object.entries(data.cyrillicLetters);
const latinLetters = Object.entries(data.latinLetters).map(
  ([lang, letters]) => [lang, [...letters]] as const,
);
// Only a text with a non-ASCII character can hold one of these letters, unless one is ASCII.
const latinLettersAllWide = latinLetters.every(([, letters]) =>
  letters.every((l) => l.charCodeAt(0) >= 0x80),
);

/** Looks at this many code units: a headline and the start of a summary say enough. */
export const LANGUAGE_SAMPLE = 240;

// Bits of the scripts() set. The loop writes them as literals: V8 reads a module constant from
// memory and checks it on every use.
const HANGUL = 1 << 1;
const KANA = 1 << 2;
const HAN = 1 << 3;
const CYRILLIC = 1 << 4;
const LATIN = 1 << 5;
const NON_ASCII = 1 << 6;
const ARABIC = 1 << 7;

// The code units of a sample, then of its lower-case form (at most twice as long: "İ" becomes two),
// copied natively once: V8 reads a typed array held in a module constant with far fewer checks
// per character than charCodeAt, which looks at the string's representation on every call.
const UNITS = new Uint16Array(2 * LANGUAGE_SAMPLE + 2);
const UNITS_BYTES = Buffer.from(UNITS.buffer);

/** `text`'s code units, in UNITS (valid until the next call) or, if it is longer, in a new array. */
function codeUnits(text: string): Uint16Array {
  if (text.length <= UNITS.length) {
    UNITS_BYTES.write(text, 0, "utf16le");
    return UNITS;
  }
  const units = new Uint16Array(text.length);
  Buffer.from(units.buffer).write(text, 0, "utf16le");
  return units;
}

/** The scripts a sample holds, as a bit set; one pass over its code units (this runs per article). */
function scripts(sample: string): number {
  const units = codeUnits(sample);
  let found = 0;
  for (let i = 0, n = sample.length; i < n; i++) {
    const c = units[i]!;
    if (c < 0x80) {
      if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) found |= 1 << 5; // LATIN
      continue;
    }
    found |= 1 << 6; // NON_ASCII
    if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f))
      return 1 << 1; // HANGUL
    else if (c >= 0x3040 && c <= 0x30ff)
      found |= 1 << 2; // KANA
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf))
      found |= 1 << 3; // HAN
    else if (c >= 0x0400 && c <= 0x04ff)
      found |= 1 << 4; // CYRILLIC
    else if (c >= 0x0600 && c <= 0x06ff)
      found |= 1 << 7; // ARABIC
    else if (c >= 0xc0 && c <= 0x24f) found |= 1 << 5; // LATIN
  }
  return found;
}

/** ISO 639-1 code of the text's language, or "und" when no letter tells. */
export function detectLanguage(text: string): string {
  const sample = text.length > LANGUAGE_SAMPLE ? text.slice(0, LANGUAGE_SAMPLE) : text;
  const found = scripts(sample);
  if (found & HANGUL) return "ko";
  if (found & KANA) return "ja";
  if (found & HAN) return "zh";
  if (found & ARABIC) return "ar";
  const lower = sample.toLowerCase();
  if (found & CYRILLIC) {
    for (const [lang, letters] of cyrillicLetters) {
      for (const letter of letters) if (lower.includes(letter)) return lang;
    }
    return "ru";
  }
  if (!(found & LATIN)) return "und";
  const counts = new Map<string, number>();
  if (found & NON_ASCII || !latinLettersAllWide) {
    for (const [lang, letters] of latinLetters) {
      let n = 0;
      for (const letter of letters) if (lower.includes(letter)) n++;
      if (n >= 2) counts.set(lang, n * 2);
    }
  }
  // The words between separators, as lower.split(/SEPARATOR+/) gives them (an empty one before a
  // leading and after a trailing separator), without the regular expression and array.
  const units = codeUnits(lower);
  let wordStart = 0;
  let hash = 0;
  for (let i = 0, n = lower.length; i <= n; i++) {
    if (i < n) {
      const code = units[i]!;
      if (!isSeparator(code)) {
        hash = hashStep(hash, code);
        continue;
      }
    }
    let langs: string[] | undefined;
    if (i > wordStart) {
      if ((wordShapes[units[wordStart]!]! & lengthBit(i - wordStart)) !== 0) {
        for (const listed of wordsByHash.get(hash) ?? []) {
          if (listed.word.length === i - wordStart && lower.startsWith(listed.word, wordStart)) {
            langs = listed.langs;
            break;
          }
        }
      }
    } else if ((i === 0 || i === n) && hasEmptyWord) langs = wordLanguages.get("");
    if (langs) for (const lang of langs) counts.set(lang, (counts.get(lang) ?? 0) + 1);
    wordStart = i + 1;
    hash = 0;
  }
  // Latin letters with no sign of another language: English, the feeds' usual language.
  let best = "en";
  let bestCount = 0;
  for (const [lang, n] of counts) {
    if (n > bestCount) {
      best = lang;
      bestCount = n;
    }
  }
  return best;
}
