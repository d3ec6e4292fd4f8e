/**
 * The hand scanner (simple-markup.ts) must give htmlparser2's tokenizer's text or give up: checked
 * on markup written to probe each rule, on every HTML field of the shared real-world feeds, and on
 * 20,000 deterministic mutations of those that insert the characters markup turns on.
 */
import { describe, expect, it } from "vitest";
import { readFeedXml } from "../lambdas/core/parse/feed-xml.ts";
import { HtmlElements } from "../lambdas/core/text/html-elements.ts";
import {
  capText,
  htmlToCappedText,
  htmlToText,
  htmlToTextByTokenizer,
} from "../lambdas/core/text/html-to-text.ts";
import { simpleMarkupToText } from "../lambdas/core/text/simple-markup.ts";
import { HAS_SHARED } from "./helpers/shared-data.ts";
import { listFeedFixtures, loadFeedFixture } from "./helpers/feeds.ts";

/** Whether the scanner reads the markup itself (rather than giving up). */
function scanned(markup: string): boolean {
  const sink = { full: false, append() {} };
  return simpleMarkupToText(markup, sink, new HtmlElements());
}

function expectSame(inputs: string[]): void {
  for (const input of inputs) {
    const expected = htmlToTextByTokenizer(input);
    expect(htmlToText(input), input).toBe(expected);
    expect(htmlToCappedText(input, 40), `${input} capped`).toBe(capText(expected, 40));
  }
}

const PROBES = [
  "<p>Attackers <b>drained</b> hot wallets; &amp; more&hellip;</p>",
  "<P CLASS=x>Upper</P><Br/>case",
  "<a href=\"https://x.example/?a=1&amp;b=2\" title='q > r'>link</a> text",
  "<a href=x/>not self-closing</a>after",
  "<br/>a<br />b<hr>c",
  "<svg><path/></svg>foreign<math><mi/></math>",
  "<div>a</div><div>b</div><span>c</span><span>d</span>",
  "<ul><li>one<li>two</ul><p>three<p>four",
  "</p>lone end p</br>lone br",
  "<noscript>hidden</noscript>shown<template>no</template>",
  "<iframe src=x></iframe><object>o</object>after",
  "<script>var a = '<b>';</script>after",
  "<style>p{}</style>after <title>t</title> <textarea>x</textarea> <xmp>y</xmp>",
  "<title>a <b>tag</b> in a title</title><textarea>x <i>y</i></textarea>",
  "a < b and c <3 d",
  "AT&T & friends &&",
  "&notin; &notit; &amp &ampx; &#8217; &#x2019; &#X41; &#128; &#0; &#xD800; &#1114112;",
  "&#;&#x;&;",
  "<!-- comment -->text<![CDATA[c]]><?pi?>",
  "<a b c=d e = 'f' g=\"h\"/>x",
  '<a b="c"d>x',
  "<a =b>x</a>",
  "<a/b>x",
  "</ a>x</a b>y",
  "cut <b",
  'cut <b attr="x',
  "tab\there\nnewline\r\n<p>\u00a0nbsp\u200bzero-width</p>",
  "<h1>head</h1><table><tr><td>a<td>b</table>",
  "<p>\ud83d\ude00 emoji &#128512; pair</p>",
  '<p><style type="text/css">\np { x: "</p>" }\n</style >after</p>',
  "<STYLE>a<b>c</StYlE\n>d<style>e</style/>f</style>g",
  "<style>x</style",
  "<style/>y</style>z",
  "<style>a</stylex>b</style>c",
  "<style>a\u001c/style>b</style>c",
  "<style>a</style x>b",
];

describe("simple-markup scanner", () => {
  it("reads plain feed markup itself", () => {
    expect(scanned(PROBES[0]!)).toBe(true);
    expect(scanned(PROBES[2]!)).toBe(true);
    expect(scanned("<!-- c -->x")).toBe(false);
    expect(scanned("<script>x</script>")).toBe(false);
  });

  it("skips a <style> itself, to the end tag the tokenizer finds", () => {
    expect(scanned('<p><style type="text/css">p { x: "</p>" }</style>after</p>')).toBe(true);
    expect(scanned("<style>a\u001c/style>b</style>c")).toBe(false);
    expect(scanned("<style>never closed")).toBe(false);
  });

  it("gives the tokenizer's text on probes of each rule", () => {
    expectSame(PROBES);
  });

  it("gives the tokenizer's text on 20,000 mutations of the probes", () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const inserts = [
      "<",
      ">",
      "&",
      ";",
      "/",
      '"',
      "'",
      "=",
      " ",
      "#",
      "x",
      "<b>",
      "</p>",
      "&amp;",
      "<!",
      "\n",
    ];
    const mutations: string[] = [];
    for (let k = 0; k < 5_000; k++) {
      let text = PROBES[next(PROBES.length)]!;
      for (let m = 1 + next(3); m > 0; m--) {
        const at = next(text.length + 1);
        text = text.slice(0, at) + inserts[next(inserts.length)]! + text.slice(at + next(2));
      }
      mutations.push(text);
    }
    expectSame(mutations);
  });

  describe.skipIf(!HAS_SHARED)("over the shared real-world feeds", () => {
    it("gives the tokenizer's text for every HTML field", () => {
      const fields: string[] = [];
      for (const name of listFeedFixtures()) {
        let feed;
        try {
          feed = readFeedXml(loadFeedFixture(name).toString("utf8"));
        } catch {
          continue;
        }
        for (const item of feed.items) {
          for (const field of ["title", "description", "summary", "content", "content:encoded"]) {
            const text = item.fields.get(field)?.text;
            if (text) fields.push(text);
          }
        }
      }
      expect(fields.filter(scanned).length).toBeGreaterThan(500);
      expectSame(fields);
    });
  });
});
