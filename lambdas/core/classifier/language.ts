/**
 * Which language a text is in, for the classifier's report and for evaluation by language: the
 * script first (Hangul, kana, Han, Cyrillic), then letters one language alone uses, then the
 * language whose common short words occur most. The data is languages.json. Scoring does not
 * depend on it: every language's terms are matched in every text, since headlines mix languages.
 */
import languagesJson from "./languages.json" with { type: "json" };

interface LanguageData {
  scripts: { ko: string; ja: string; zh: string; cyrillic: string };
  cyrillicLetters: Record<string, string>;
  latinLetters: Record<string, string>;
  words: Record<string, string[]>;
}

const data = languagesJson as LanguageData;
// Word separators for the common-word count: whitespace and ASCII or typographic punctuation.
const SEPARATORS = /[\s,.;:!?()[\]"“”„«»‘’'/|–—-]+/;

const wordLanguages = new Map<string, string[]>();
for (const [lang, words] of Object.entries(data.words)) {
  for (const word of words) {
    const list = wordLanguages.get(word);
    if (list) list.push(lang);
    else wordLanguages.set(word, [lang]);
  }
}

/** Looks at this many characters: a headline and the start of a summary say enough. */
const SAMPLE = 240;

const HANGUL = 1;
const KANA = 2;
const HAN = 3;
const CYRILLIC = 4;
const LATIN = 5;

/** The scripts a sample holds, as a bit set; one pass over its code units (this runs per article). */
function scripts(sample: string): number {
  let found = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c < 0x80) {
      if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) found |= 1 << LATIN;
    } else if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f))
      return 1 << HANGUL;
    else if (c >= 0x3040 && c <= 0x30ff) found |= 1 << KANA;
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) found |= 1 << HAN;
    else if (c >= 0x0400 && c <= 0x04ff) found |= 1 << CYRILLIC;
    else if (c >= 0xc0 && c <= 0x24f) found |= 1 << LATIN;
  }
  return found;
}

/** ISO 639-1 code of the text's language, or "und" when no letter tells. */
export function detectLanguage(text: string): string {
  const sample = text.length > SAMPLE ? text.slice(0, SAMPLE) : text;
  const found = scripts(sample);
  if (found & (1 << HANGUL)) return "ko";
  if (found & (1 << KANA)) return "ja";
  if (found & (1 << HAN)) return "zh";
  const lower = sample.toLowerCase();
  if (found & (1 << CYRILLIC)) {
    for (const [lang, letters] of Object.entries(data.cyrillicLetters)) {
      for (const letter of letters) if (lower.includes(letter)) return lang;
    }
    return "ru";
  }
  if (!(found & (1 << LATIN))) return "und";
  const counts = new Map<string, number>();
  for (const [lang, letters] of Object.entries(data.latinLetters)) {
    let n = 0;
    for (const letter of letters) if (lower.includes(letter)) n++;
    if (n >= 2) counts.set(lang, n * 2);
  }
  for (const word of lower.split(SEPARATORS)) {
    const langs = wordLanguages.get(word);
    if (langs) for (const lang of langs) counts.set(lang, (counts.get(lang) ?? 0) + 1);
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
