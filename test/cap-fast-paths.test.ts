/**
 * The cap fast paths give what the counting paths gave: `truncate` deciding from one regex test
 * that a text has no surrogate, and a capped HTML conversion reading out only the units `truncate`
 * looks at. Checked against a copy of the counting truncate and against the uncapped conversion,
 * on deterministic texts around the caps, with and without surrogate pairs and lone surrogates.
 */
import { describe, expect, it } from "vitest";
import { capText, htmlToCappedText, htmlToText } from "../lambdas/core/text/html-to-text.ts";
import { truncate } from "../lambdas/core/text/truncate.ts";

const GRAPHEMES = new Intl.Segmenter("en", { granularity: "grapheme" });

/** truncate as it was before the fast path: every length counted code point by code point. */
function countingTruncate(text: string, max: number, atWord: boolean): string {
  const points = Array.from(text);
  if (points.length <= max) return text;
  const room = max - 1;
  let index = points.slice(0, room).join("").length;
  if (index < text.length) {
    const before = text.charCodeAt(index - 1);
    const after = text.charCodeAt(index);
    if (!(index > 0 && before >= 0x20 && before < 0x7f && after >= 0x20 && after < 0x7f)) {
      const start = Math.max(0, index - 64);
      const window = text.slice(start, Math.min(text.length, index + 64));
      let best = -1;
      for (const { index: at } of GRAPHEMES.segment(window)) {
        if (start + at > index) break;
        if (at > 0 || start === 0) best = start + at;
      }
      if (best > 0) index = best;
    }
  }
  if (atWord) {
    const space = text.lastIndexOf(" ", index);
    if (space > index * 0.8) index = space;
  }
  return `${text.slice(0, index).trimEnd()}…`;
}

function texts(): string[] {
  let seed = 29;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const pieces = [
    "word ",
    "a",
    " ",
    "é",
    "e\u0301",
    "💰",
    "👨‍👩‍👧",
    "\ud800",
    "\udc00",
    "中文",
    "<b>",
    "</b>",
    "&amp;",
    "\n\t",
  ];
  const out: string[] = [];
  for (let k = 0; k < 1500; k++) {
    let text = "";
    const length = [20, 60, 130, 200, 1100][next(5)]!;
    while (text.length < length)
      text += next(4) === 0 ? pieces[next(pieces.length)]! : "abcdefgh ".slice(next(9));
    out.push(text);
  }
  return out;
}

describe("cap fast paths", () => {
  it("truncate gives the counting truncate's text", () => {
    for (const text of texts()) {
      for (const max of [10, 40, 100, 1000]) {
        expect(truncate(text, max), `${max} ${JSON.stringify(text)}`).toBe(
          countingTruncate(text, max, false),
        );
        expect(truncate(text, max, { atWord: true })).toBe(countingTruncate(text, max, true));
      }
    }
  });

  it("a capped conversion gives the uncapped conversion capped", () => {
    for (const text of texts()) {
      for (const max of [10, 40, 100, 1000]) {
        expect(htmlToCappedText(text, max), `${max} ${JSON.stringify(text)}`).toBe(
          capText(htmlToText(text), max),
        );
      }
    }
  });
});
