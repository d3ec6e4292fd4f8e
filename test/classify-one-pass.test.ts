import { describe, expect, it } from "vitest";
import { buildAutomaton, scan } from "../lambdas/core/classifier/automaton.ts";
import { normalise, normaliseTerm } from "../lambdas/core/classifier/normalise.ts";
import { oneToOneScanner, TEXT_CAPACITY } from "../lambdas/core/classifier/one-pass.ts";
import { classify } from "../lambdas/core/classifier/classify.ts";
import { htmlToText } from "../lambdas/core/text/html-to-text.ts";

const automaton = buildAutomaton(
  ["lazarus group", "lazarus", "state sponsored", "hot wallet", "북한", "$", "stole"].map(normaliseTerm),
);
const scanOneToOne = oneToOneScanner(automaton);

/** The general path's hits and sentence starts, for comparison. */
function viaNormalise(plain: string) {
  const text = normalise(plain);
  return { hits: [...scan(automaton, text.codes, text.length, [])], sentences: [...text.sentenceStarts] };
}

describe("one-pass scanner", () => {
  it("finds what normalise + scan find, at the same offsets, on one-to-one text", () => {
    for (const plain of [
      "Lazarus Group stole $100 million. The state-sponsored hackers drained a HOT WALLET!",
      "북한 해커 Lazarus; next sentence? Yes. Café crème, naïve façade.",
      "x",
      "A-b-c lazarus-group",
    ]) {
      normalise(plain); // teaches the fast table this text's non-ASCII characters
      const hits: number[] = [];
      const sentences: number[] = [];
      expect(scanOneToOne(plain, hits, sentences), plain).toBe(true);
      expect({ hits, sentences }).toEqual(viaNormalise(plain));
    }
  });

  it("gives up where normalisation is not one-to-one", () => {
    for (const plain of [
      "",
      " lead",
      "trail ",
      "two  spaces",
      "dash -- run",
      "tab\there",
      "a<b>",
      "AT&T",
      "end-",
    ]) {
      expect(scanOneToOne(plain, [], []), JSON.stringify(plain)).toBe(false);
    }
  });

  it("leaves classify's offsets pointing into htmlToText of the field on both paths", () => {
    for (const summary of [
      "Lazarus Group stole $41 million from the exchange's hot wallet.",
      "Lazarus  Group stole $41 million from the exchange's\thot wallet. ",
      "<p>Lazarus Group stole &#36;41 million</p> from the exchange's hot wallet.",
    ]) {
      const result = classify({ title: "North Korean hackers", summary });
      const plain = htmlToText(summary);
      const inSummary = result.matched.filter((m) => m.field === "summary");
      expect(inSummary.map((m) => m.term)).toEqual(expect.arrayContaining(["lazarus group", "hot wallet"]));
      for (const m of inSummary) expect(plain.slice(m.start, m.end)).toBe(m.text);
    }
  });

  it("hands a field longer than its buffer to the full path, with the same matches", () => {
    const sentence = "Lazarus Group stole $41 million from a hot wallet. ";
    const long = sentence.repeat(Math.ceil((TEXT_CAPACITY + 1) / sentence.length)).trimEnd();
    const short = sentence.repeat(3).trimEnd();
    expect(long.length).toBeGreaterThan(TEXT_CAPACITY);
    expect(scanOneToOne(long, [], [])).toBe(false);
    expect(scanOneToOne(short, [], [])).toBe(true);
    // The full path finds what the one-pass scan finds: the first sentences' matches agree.
    const firstOf = (content: string) =>
      classify({ title: "", content }).matched.filter((m) => m.end <= short.length);
    expect(firstOf(long)).toEqual(firstOf(short));
    expect(firstOf(short).map((m) => m.term)).toEqual(
      expect.arrayContaining(["lazarus group", "hot wallet"]),
    );
  });
});
