/**
 * detectLanguage was rewritten for speed (issue 15): no split regex, no per-call Object.entries,
 * the Latin-letter search skipped for pure-ASCII samples. This pins it to the straightforward
 * version it replaced, kept here as the reference, on every labelled text and some edge cases.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectLanguage } from "../lambdas/core/classifier/language.ts";
import { classify } from "../lambdas/core/classifier/classify.ts";
import languagesJson from "../lambdas/core/classifier/languages.json" with { type: "json" };
import { generate } from "../bench/classify-articles.ts";
import { HAS_SHARED, sharedPath } from "./helpers/shared-data.ts";

const data = languagesJson as {
  cyrillicLetters: Record<string, string>;
  latinLetters: Record<string, string>;
  words: Record<string, string[]>;
};
const wordLanguages = new Map<string, string[]>();
for (const [lang, words] of Object.entries(data.words)) {
  for (const word of words) wordLanguages.set(word, [...(wordLanguages.get(word) ?? []), lang]);
}

/** The detector before the rewrite, line for line. */
function reference(text: string): string {
  const sample = text.length > 240 ? text.slice(0, 240) : text;
  let latin = false;
  let kana = false;
  let han = false;
  let cyrillic = false;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c < 0x80) {
      if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) latin = true;
    } else if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f))
      return "ko";
    else if (c >= 0x3040 && c <= 0x30ff) kana = true;
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf)) han = true;
    else if (c >= 0x0400 && c <= 0x04ff) cyrillic = true;
    else if (c >= 0xc0 && c <= 0x24f) latin = true;
  }
  if (kana) return "ja";
  if (han) return "zh";
  const lower = sample.toLowerCase();
  if (cyrillic) {
    for (const [lang, letters] of Object.entries(data.cyrillicLetters)) {
      for (const letter of letters) if (lower.includes(letter)) return lang;
    }
    return "ru";
  }
  if (!latin) return "und";
  const counts = new Map<string, number>();
  for (const [lang, letters] of Object.entries(data.latinLetters)) {
    let n = 0;
    for (const letter of letters) if (lower.includes(letter)) n++;
    if (n >= 2) counts.set(lang, n * 2);
  }
  for (const word of lower.split(/[\s,.;:!?()[\]"“”„«»‘’'/|–—-]+/)) {
    const langs = wordLanguages.get(word);
    if (langs) for (const lang of langs) counts.set(lang, (counts.get(lang) ?? 0) + 1);
  }
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

function jsonl(path: string): { title: string; summary?: string; content?: string }[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { title: string; summary?: string; content?: string });
}

const EDGE_CASES = [
  "",
  ",",
  " , ",
  "de",
  ",de,",
  "le, la; les",
  "Der Hack und die Börse",
  "O hack da corretora e os fundos",
  "Kradzież środków z giełdy",
  "Hackerlar borsadan çaldı",
  "łą the of", // exactly two letters only Polish uses, against English words
  "ığ de la",
  "ơư đ the and",
  "zażółć gęślą jaźń",
  "Tin tặc đánh cắp tiền",
  "Хакеры украли криптовалюту",
  "Хакери вкрали гроші з біржі",
  "북한 해커",
  "北朝鮮のハッカー",
  "朝鲜黑客",
  "12345 !!!",
  "KELVIN \u212a and \u0130stanbul",
  `${"word ".repeat(47)}de la`,
  `${"x".repeat(238)}\ud83d\ude00 de`,
  "“quoted” «words» – dashes — and/or the|pipes",
];

describe("detectLanguage", () => {
  const texts: string[] = [...EDGE_CASES];
  const articles = [
    ...jsonl(new URL("./fixtures/dev-articles.jsonl", import.meta.url).pathname),
    ...jsonl(new URL("./fixtures/holdout-articles.jsonl", import.meta.url).pathname),
    ...generate(300),
  ];
  for (const a of articles) texts.push(`${a.title}\n${a.summary ?? a.content ?? ""}`, a.title);

  it("gives what the detector it replaced gives, on labelled articles and edge cases", () => {
    for (const text of texts)
      expect(detectLanguage(text), JSON.stringify(text.slice(0, 80))).toBe(reference(text));
  });

  it("reads only the start of title and summary (or content) in classify", () => {
    for (const a of articles.slice(0, 200)) {
      const input = { title: a.title, content: `${a.summary ?? ""} ${"filler words ".repeat(50)}` };
      expect(classify(input).language).toBe(reference(`${input.title}\n${input.content}`));
    }
    const long = { title: "T".repeat(239), summary: "de la le les" };
    expect(classify(long).language).toBe(reference(`${long.title}\n${long.summary}`));
  });

  it.skipIf(!HAS_SHARED)("agrees with the reference on the real-world corpus", () => {
    for (const a of jsonl(sharedPath("corpus/realworld-dev.jsonl"))) {
      const text = `${a.title}\n${a.summary ?? a.content ?? ""}`;
      expect(detectLanguage(text), a.title).toBe(reference(text));
    }
  });
});
