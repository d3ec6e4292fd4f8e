/**
 * htmlToText walks htmlparser2's tokenizer itself and normalises as it goes; the reference below is
 * what it did before: htmlparser2's Parser, the pieces joined, then `oneLine`. The two must give
 * the same text on every input, and a capped conversion (which stops reading early) the same text
 * as capping the whole conversion.
 */
import { readFileSync } from "node:fs";
import { Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { readFeedXml } from "../lambdas/core/parse/feed-xml.ts";
import { oneLine } from "../lambdas/core/text/characters.ts";
import { capText, htmlToCappedText, htmlToText } from "../lambdas/core/text/html-to-text.ts";
import { FEEDS_DIR, listFeedFixtures } from "./helpers/feeds.ts";
import { HAS_SHARED } from "./helpers/shared-data.ts";

const SKIPPED = new Set(["script", "style", "noscript", "template", "iframe", "object"]);
const BLOCKS = new Set("br p div li tr td th h1 h2 h3 h4 h5 h6 blockquote pre section article".split(" "));

function reference(input: string): string {
  if (!input) return "";
  let text = input;
  if (/[<&]/.test(text)) {
    const parts: string[] = [];
    let skipDepth = 0;
    const parser = new Parser(
      {
        onopentagname(name) {
          if (SKIPPED.has(name)) skipDepth++;
          else if (BLOCKS.has(name)) parts.push(" ");
        },
        onclosetag(name) {
          if (SKIPPED.has(name)) skipDepth = Math.max(0, skipDepth - 1);
          else if (BLOCKS.has(name)) parts.push(" ");
        },
        ontext(piece) {
          if (skipDepth === 0) parts.push(piece);
        },
      },
      { decodeEntities: true, lowerCaseTags: true },
    );
    parser.write(text);
    parser.end();
    text = parts.join("");
  }
  return oneLine(text);
}

// Pieces that exercise every rule: blocks, skipped and void elements, implied closes, foreign
// content, lone end tags, entities, surrogates split by tags, controls, invisible characters.
const TOKENS = [
  ..."p div li tr td th h1 blockquote pre section article br hr img input table ul ol dd dt thead tbody tfoot option optgroup select button body head title svg math mi desc foreignObject script style noscript template iframe object b i a span"
    .split(" ")
    .flatMap((name) => [`<${name}>`, `</${name}>`, `<${name}/>`, `<${name.toUpperCase()} class="x">`]),
  "</p>",
  "</br>",
  "<p",
  "<",
  ">",
  "</",
  "<!-- c -->",
  "<![CDATA[cd]]>",
  "<!DOCTYPE html>",
  "<?pi x?>",
  "&amp;",
  "&lt;b&gt;",
  "&nbsp;",
  "&hellip;",
  "&#x1F600;",
  "&#xD800;",
  "&#0;",
  "&bogus;",
  "&",
  "&amp",
  "word",
  "Wörd",
  "北",
  " ",
  "  ",
  "\t",
  "\n",
  "\u00a0",
  "\u0007",
  "\u0085",
  "\u3000",
  "\ufeff",
  "\u200b",
  "\u202e",
  "\u200d",
  "\ufffe",
  "\ud83d",
  "\ude00",
  "\ud83d\ude00",
  "e\u0301",
];

function randomInputs(count: number, maxTokens: number, seed: number): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state;
  };
  return Array.from({ length: count }, () => {
    let text = "";
    const length = next() % maxTokens;
    for (let k = 0; k < length; k++) text += TOKENS[next() % TOKENS.length];
    return text;
  });
}

describe("htmlToText", () => {
  it("gives the Parser-and-oneLine text on random markup", () => {
    for (const input of randomInputs(5_000, 16, 11)) {
      expect(htmlToText(input), JSON.stringify(input)).toBe(reference(input));
    }
  });

  it("gives the same text when capped as capping the whole text, though it stops early", () => {
    for (const input of randomInputs(3_000, 120, 29)) {
      const whole = reference(input);
      for (const max of [1, 3, 10, 40]) {
        expect(htmlToCappedText(input, max), `${max} ${JSON.stringify(input)}`).toBe(capText(whole, max));
      }
    }
  });

  it("keeps a surrogate pair that markup splits, and drops halves", () => {
    expect(htmlToText("a\ud83d<b>\ude00</b>")).toBe("a\ud83d\ude00");
    expect(htmlToText("a\ud83d<p>\ude00")).toBe("a");
    expect(htmlToText("<p>x\ud83d")).toBe("x");
  });

  it("separates words at implied closes as the Parser does", () => {
    expect(htmlToText("<p>one<table>two")).toBe("one two");
    expect(htmlToText("<b>one</p>two")).toBe("one two");
  });

  it("honours self-closing tags only in SVG and MathML, as the Parser does", () => {
    expect(htmlToText("<svg><object/>x</svg>y")).toBe("xy");
    expect(htmlToText("<object/>x")).toBe("");
    expect(htmlToText("</svg><svg><object/>a</svg>b")).toBe("ab");
    expect(htmlToText("<svg><title><object/>c</title><object/>d</svg>e")).toBe("<object/>cde");
  });
});

describe.skipIf(!HAS_SHARED)("htmlToText on every text field of the real feed corpus", () => {
  it("gives the reference text, whole and capped", () => {
    let fields = 0;
    for (const name of listFeedFixtures()) {
      let feed;
      try {
        feed = readFeedXml(readFileSync(`${FEEDS_DIR}${name}`, "utf8"));
      } catch {
        continue; // broken documents are the parser tests' business
      }
      for (const item of feed.items) {
        const values = [...item.fields.values(), ...item.categories, ...item.links];
        for (const value of values) {
          const text = value.text ?? "";
          const whole = reference(text);
          expect(htmlToText(text), `${name}: ${text.slice(0, 80)}`).toBe(whole);
          for (const max of [140, 1000]) expect(htmlToCappedText(text, max)).toBe(capText(whole, max));
          fields++;
        }
      }
    }
    expect(fields).toBeGreaterThan(5000);
  });
});
