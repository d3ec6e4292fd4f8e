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

const HANGUL = 1;
const KANA = 2;
const HAN = 3;
const CYRILLIC = 4;
const LATIN = 5;
const NON_ASCII = 6;
const ARABIC = 7;

/** The scripts a sample holds, as a bit set; one pass over its code units (this runs per article). */
function scripts(sample: string): number {
  let found = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c < 0x80) {
      if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) found |= 1 << LATIN;
      continue;
    }
    found |= 1 << NON_ASCII;
    if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f))
      return 1 << HANGUL;
    else if (c >= 0x3040 && c <= 0x30ff) found |= 1 << KANA;
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) found |= 1 << HAN;
    else if (c >= 0x0400 && c <= 0x04ff) found |= 1 << CYRILLIC;
    else if (c >= 0x0600 && c <= 0x06ff) found |= 1 << ARABIC;
    else if (c >= 0xc0 && c <= 0x24f) found |= 1 << LATIN;
  }
  return found;
}

/** ISO 639-1 code of the text's language, or "und" when no letter tells. */
export function detectLanguage(text: string): string {
  const sample = text.length > LANGUAGE_SAMPLE ? text.slice(0, LANGUAGE_SAMPLE) : text;
  const found = scripts(sample);
  if (found & (1 << HANGUL)) return "ko";
  if (found & (1 << KANA)) return "ja";
  if (found & (1 << HAN)) return "zh";
  if (found & (1 << ARABIC)) return "ar";
  const lower = sample.toLowerCase();
  if (found & (1 << CYRILLIC)) {
    for (const [lang, letters] of cyrillicLetters) {
      for (const letter of letters) if (lower.includes(letter)) return lang;
    }
    return "ru";
  }
  if (!(found & (1 << LATIN))) return "und";
  const counts = new Map<string, number>();
  if (found & (1 << NON_ASCII) || !latinLettersAllWide) {
    for (const [lang, letters] of latinLetters) {
      let n = 0;
      for (const letter of letters) if (lower.includes(letter)) n++;
      if (n >= 2) counts.set(lang, n * 2);
    }
  }
  // The words between separators, as lower.split(/SEPARATOR+/) gives them (an empty one before a
  // leading and after a trailing separator), without the regular expression and array.
  let wordStart = 0;
  for (let i = 0; i <= lower.length; i++) {
    if (i < lower.length && !isSeparator(lower.charCodeAt(i))) continue;
    const listed =
      i > wordStart
        ? (wordShapes[lower.charCodeAt(wordStart)]! & lengthBit(i - wordStart)) !== 0
        : (i === 0 || i === lower.length) && hasEmptyWord;
    if (listed) {
      const langs = wordLanguages.get(lower.slice(wordStart, i));
      if (langs) for (const lang of langs) counts.set(lang, (counts.get(lang) ?? 0) + 1);
    }
    wordStart = i + 1;
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
