/**
 * The hand XML scanner (xml-scanner.ts) must give htmlparser2's XML tokenizer's callbacks, with the
 * same offsets, or leave the document to it; and readFeedXml must read every document as the
 * tokenizer alone does, errors included. Checked on documents written to probe each rule, on the
 * test fixtures and the shared real-world feeds, and on 20,000 deterministic mutations of those
 * that insert the characters XML turns on.
 */
import { readdirSync, readFileSync } from "node:fs";
import { Tokenizer, type TokenizerCallbacks } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { readFeedXml } from "../lambdas/core/parse/feed-xml.ts";
import { LeaveToTokenizer, scanXml } from "../lambdas/core/parse/xml-scanner.ts";
import { generatedItems, listFeedFixtures, loadFeedFixture, rssDocument } from "./helpers/feeds.ts";
import { HAS_SHARED } from "./helpers/shared-data.ts";

/** The callbacks a reader gets, as lines; null when the scanner left the document to the tokenizer. */
function events(xml: string, by: "scanner" | "tokenizer"): string[] | null {
  const log: string[] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      log.push(`${name} ${args.join(",")}`);
  const ignore = () => {};
  const callbacks: TokenizerCallbacks = {
    onopentagname: record("opentagname"),
    onattribname: record("attribname"),
    onattribdata: record("attribdata"),
    onattribend: record("attribend"),
    onopentagend: record("opentagend"),
    onselfclosingtag: record("selfclosingtag"),
    onclosetag: record("closetag"),
    ontext: record("text"),
    oncdata: record("cdata"),
    // Not read by feed-xml.ts, and not given by the scanner.
    onattribentity: ignore,
    ontextentity: ignore,
    oncomment: ignore,
    ondeclaration: ignore,
    onprocessinginstruction: ignore,
    onend: ignore,
  };
  if (by === "tokenizer") {
    const tokenizer = new Tokenizer({ xmlMode: true, decodeEntities: false }, callbacks);
    tokenizer.write(xml);
    tokenizer.end();
    return log;
  }
  try {
    scanXml(xml, callbacks);
  } catch (error) {
    if (error instanceof LeaveToTokenizer) return null;
    throw error;
  }
  return log;
}

/** readFeedXml's result, or its error's name, message and offset. */
function reading(xml: string, reader: "scanner" | "tokenizer"): unknown {
  try {
    return readFeedXml(xml, reader);
  } catch (error) {
    const { name, message, offset } = error as Error & { offset?: number };
    return { name, message, offset };
  }
}

/** Checks both levels; returns how many documents the scanner read itself. */
function expectSame(documents: string[]): number {
  let scanned = 0;
  for (const xml of documents) {
    const fromScanner = events(xml, "scanner");
    if (fromScanner) {
      scanned++;
      expect(fromScanner, xml.slice(0, 200)).toEqual(events(xml, "tokenizer"));
    }
    expect(reading(xml, "scanner"), xml.slice(0, 200)).toEqual(reading(xml, "tokenizer"));
  }
  return scanned;
}

const rss = (items: string) =>
  `<?xml version="1.0"?>\n<rss version="2.0"><channel><title>T</title><link>https://x.example/</link>${items}</channel></rss>\n`;

const PROBES = [
  rss(`<item><title>A &amp; B</title><link>https://x.example/a?b=1&amp;c=2</link></item>`),
  rss(`<item><guid isPermaLink = 'false' >g1</guid><category term="t" label='l'/></item>`),
  rss(`<item><description><![CDATA[<p>x]]]></description><title><![CDATA[]]></title></item>`),
  rss(`<!-- a --><!----><!-->--><!---><item><!-- b -- c --><title>t</title></item>`),
  rss(`<item><title>t</title ><link>l</link\n\t></item>`),
  rss(`<item><title>a < b</title></item>`),
  rss(`<item><title>a<>b</title></item>`),
  rss(`<item><title>a</ title></item>`),
  rss(`<item><title>a</title x></item>`),
  rss(`<item><guid isPermaLink=false>g</guid></item>`),
  rss(`<item><guid isPermaLink>g</guid></item>`),
  rss(`<item><guid =x="y">g</guid></item>`),
  rss(`<item><link a="1"b="2"/></item>`),
  rss(`<item><br/ ><br / ></item>`),
  rss(`<item><title>&bogus;</title></item>`),
  rss(`<item><ti<tle>x</ti<tle></item>`),
  rss(`<item><title>x</item>`),
  rss(`<item><title>x</title></item></channel></rss>trailing`),
  `<!DOCTYPE rss [<!ENTITY x "y">]>${rss("<item><title>&x;</title></item>")}`,
  `<!DOCTYPE rss PUBLIC "-//x//DTD RSS 0.91//EN" "http://x.example/rss.dtd">${rss("")}`,
  `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="html">&lt;b&gt;x&lt;/b&gt;</title><link rel="alternate" href="https://x.example/1"/><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>p</p></div></content></entry></feed>`,
  `<rdf:RDF><channel><title>t</title></channel><item rdf:about="https://x.example/1"><title>t</title></item></rdf:RDF>`,
  rss(`<item><title>cut`).slice(0, -30),
  `<rss><channel><title>t</title></channel></rss><?pi x?>`,
  `<rss><channel><title>t</title></channel></rss><![cdata[x]]>`,
  `<rss><channel><title>t</title></channel></rss><!-- open`,
  `<rss><channel><title a="open></channel></rss>`,
  `<rss><channel><title a='1'`,
  `<rss><channel><title`,
  `<rss><channel></`,
  `<rss><channel><`,
];

describe("the hand XML scanner", () => {
  it("gives the tokenizer's callbacks, and readFeedXml the tokenizer's reading, on probes", () => {
    const scanned = expectSame(PROBES);
    // It reads the plain documents itself rather than leaving them all to the tokenizer.
    expect(scanned).toBeGreaterThanOrEqual(12);
  });

  it("reads a generated feed itself", () => {
    const xml = rssDocument(generatedItems(50));
    expect(events(xml, "scanner")).not.toBeNull();
    expect(expectSame([xml])).toBe(1);
  });

  it("gives the same on the test fixtures", () => {
    const dir = new URL("./fixtures/feeds/", import.meta.url);
    const documents = readdirSync(dir)
      .filter((name) => !name.endsWith(".md"))
      .map((name) => readFileSync(new URL(name, dir), "utf8"));
    expectSame(documents);
  });

  it("gives the same on 20,000 mutations inserting the characters XML turns on", () => {
    let seed = 13;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const inserts = [
      "<",
      ">",
      "/",
      "=",
      '"',
      "'",
      " ",
      "\n",
      "!",
      "?",
      "-",
      "]",
      "[",
      "&",
      "</",
      "<!--",
      "-->",
      "]]>",
      "<![CDATA[",
      "/>",
      "<?",
      "<!",
      'a="b"',
      "x",
    ];
    const mutations: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      let text = PROBES[next(PROBES.length)]!;
      for (let m = 1 + next(3); m > 0; m--) {
        const at = next(text.length + 1);
        text = text.slice(0, at) + inserts[next(inserts.length)]! + text.slice(at + next(2));
      }
      mutations.push(text);
    }
    expect(expectSame(mutations)).toBeGreaterThan(2_000);
  });

  describe.skipIf(!HAS_SHARED)("over the shared real-world feeds", () => {
    it("gives the same on every document, and reads most of them itself", () => {
      const documents = listFeedFixtures().map((name) => loadFeedFixture(name).toString("utf8"));
      expect(expectSame(documents)).toBeGreaterThan(documents.length / 2);
    });
  });
});
