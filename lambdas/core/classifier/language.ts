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
const HANGUL = /\p{Script=Hangul}/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HAN = /\p{Script=Han}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const WORD = /[\p{L}']+/gu;

const wordLanguages = new Map<string, string[]>();
for (const [lang, words] of Object.entries(data.words)) {
  for (const word of words) {
    const list = wordLanguages.get(word);
    if (list) list.push(lang);
    else wordLanguages.set(word, [lang]);
  }
}

/** Looks at this many characters: a headline and the start of a summary say enough. */
const SAMPLE = 600;

/** ISO 639-1 code of the text's language, or "und" when no letter tells. */
export function detectLanguage(text: string): string {
  const sample = text.slice(0, SAMPLE);
  if (HANGUL.test(sample)) return "ko";
  if (KANA.test(sample)) return "ja";
  if (HAN.test(sample)) return "zh";
  const lower = sample.toLowerCase();
  if (CYRILLIC.test(sample)) {
    for (const [lang, letters] of Object.entries(data.cyrillicLetters)) {
      for (const letter of letters) if (lower.includes(letter)) return lang;
    }
    return "ru";
  }
  const counts = new Map<string, number>();
  for (const [lang, letters] of Object.entries(data.latinLetters)) {
    let n = 0;
    for (const letter of letters) if (lower.includes(letter)) n++;
    if (n >= 2) counts.set(lang, n * 2);
  }
  for (const [word] of lower.matchAll(WORD)) {
    const langs = wordLanguages.get(word);
    if (langs) for (const lang of langs) counts.set(lang, (counts.get(lang) ?? 0) + 1);
  }
  // Latin letters with no sign of another language: English, the feeds' usual language.
  let best = /\p{Script=Latin}/u.test(sample) ? "en" : "und";
  let bestCount = 0;
  for (const [lang, n] of counts) {
    if (n > bestCount) {
      best = lang;
      bestCount = n;
    }
  }
  return best;
}
