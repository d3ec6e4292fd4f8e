import { describe, expect, it } from "vitest";
import { articleId } from "../lambdas/core/parse/article-id.ts";
import { canonicalUrl } from "../lambdas/core/parse/canonical-url.ts";
import { parseFeedDate } from "../lambdas/core/parse/dates.ts";
import { FeedParseError, parseFeed } from "../lambdas/core/parse/parse-feed.ts";
import { rssDocument, testFeed } from "./helpers/feeds.ts";

const NOW = new Date("2026-08-01T12:00:00Z");
const context = { feed: testFeed("https://news.example.org/feed.xml", "Example News"), fetchedAt: NOW };

const atom = (entries: string, extra = "") => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"${extra}><title>Atom test</title><id>urn:x</id>${entries}</feed>`;

async function parseError(xml: string): Promise<FeedParseError> {
  try {
    await parseFeed(xml, context);
  } catch (error) {
    if (error instanceof FeedParseError) return error;
    throw error;
  }
  throw new Error("expected a FeedParseError");
}

describe("parseFeed: text fields", () => {
  it("turns HTML titles and summaries into plain text with entities decoded", async () => {
    const xml = rssDocument([
      {
        title: "Lazarus &amp; friends <b>steal</b> $1.5bn",
        link: "https://news.example.org/a",
        description: "<p>Hot wallet <em>drained</em>.</p><script>alert(1)</script><p>Second&nbsp;para</p>",
        content: "<div>Full <a href='x'>story</a> text</div>",
      },
    ]);
    const [article] = (await parseFeed(xml, context)).articles;
    expect(article?.title).toBe("Lazarus & friends steal $1.5bn");
    expect(article?.summary).toBe("Hot wallet drained. Second para");
    expect(article?.content).toBe("Full story text");
    expect(article?.source).toBe("Example News");
    expect(article?.feedId).toBe("example-news");
    expect(article?.fetchedAt).toBe(NOW.toISOString());
  });

  it("caps title at 300, summary at 1000 and content at 20000 characters", async () => {
    const long = "word ".repeat(10_000);
    const xml = rssDocument([
      { title: long, link: "https://e.org/x", description: long, content: long.repeat(3) },
    ]);
    const [article] = (await parseFeed(xml, context)).articles;
    expect(article?.title.length).toBeLessThanOrEqual(300);
    expect(article?.summary.length).toBeLessThanOrEqual(1000);
    expect(article?.content?.length).toBeLessThanOrEqual(20_000);
    expect(article?.content?.length).toBeGreaterThan(19_000);
  });

  it("keeps categories (RSS text and Atom term) and the author", async () => {
    const rss = rssDocument([
      {
        title: "t",
        link: "https://e.org/1",
        categories: ["Crypto", "Crypto", " Security "],
        author: "Jane Doe",
      },
    ]);
    const [a] = (await parseFeed(rss, context)).articles;
    expect(a?.categories).toEqual(["Crypto", "Security"]);
    expect(a?.author).toBe("Jane Doe");
    const feed = atom(
      `<entry><title>t</title><id>urn:1</id><link href="https://e.org/2"/><category term="DPRK"/><author><name>Ann</name></author></entry>`,
    );
    const [b] = (await parseFeed(feed, context)).articles;
    expect(b?.categories).toEqual(["DPRK"]);
    expect(b?.author).toBe("Ann");
  });
});

describe("parseFeed: dates", () => {
  const withDate = (pubDate?: string) =>
    rssDocument([{ title: "t", link: "https://e.org/d", ...(pubDate ? { pubDate } : {}) }]);

  it("reads RFC 822 dates as ISO", async () => {
    const [a] = (await parseFeed(withDate("Tue, 28 Jul 2026 09:30:00 -0400"), context)).articles;
    expect(a).toMatchObject({ publishedAt: "2026-07-28T13:30:00.000Z", dateQuality: "ok" });
  });

  it("uses the fetch time for a missing date and says so", async () => {
    const [a] = (await parseFeed(withDate(), context)).articles;
    expect(a).toMatchObject({ publishedAt: NOW.toISOString(), dateQuality: "missing" });
  });

  it("uses the fetch time for an unparseable date and says so", async () => {
    const [a] = (await parseFeed(withDate("yesterday-ish"), context)).articles;
    expect(a).toMatchObject({ publishedAt: NOW.toISOString(), dateQuality: "unparseable" });
  });

  it("clamps dates more than a day in the future", async () => {
    const [a] = (await parseFeed(withDate("Fri, 01 Jan 2100 00:00:00 GMT"), context)).articles;
    expect(a).toMatchObject({ publishedAt: NOW.toISOString(), dateQuality: "future-clamped" });
    const [b] = (await parseFeed(withDate("Sat, 01 Aug 2026 20:00:00 GMT"), context)).articles;
    expect(b).toMatchObject({ publishedAt: "2026-08-01T20:00:00.000Z", dateQuality: "ok" });
  });

  it("keeps every entry of an Atom feed with <published>not a date</published> (rss-parser throws on it)", async () => {
    const xml = atom(
      `<entry><title>bad</title><id>urn:1</id><link href="https://e.org/1"/><published>not a date</published></entry>
       <entry><title>good</title><id>urn:2</id><link href="https://e.org/2"/><published>2026-07-30T10:00:00Z</published></entry>
       <entry><title>updated only</title><id>urn:3</id><link href="https://e.org/3"/><updated>2026-07-29T10:00:00Z</updated></entry>`,
    );
    const { articles } = await parseFeed(xml, context);
    expect(articles.map((a) => [a.title, a.dateQuality, a.publishedAt])).toEqual([
      ["bad", "unparseable", NOW.toISOString()],
      ["good", "ok", "2026-07-30T10:00:00.000Z"],
      ["updated only", "ok", "2026-07-29T10:00:00.000Z"],
    ]);
    expect(JSON.stringify(articles)).not.toContain("Invalid Date");
  });

  it.each([
    ["Jul 23, 2025 00:00:00-0500", "2025-07-23T05:00:00.000Z"],
    ["02 Jul 2025 13:14:54", "2025-07-02T13:14:54.000Z"],
    ["2020/1/10 14:33:00", "2020-01-10T14:33:00.000Z"],
    ["2022-05-01T10:00:00.000000000Z", "2022-05-01T10:00:00.000Z"],
    ["Mon, 12 Dec 2011 14:00:00 PST", "2011-12-12T22:00:00.000Z"],
    ["1518478934", "2018-02-12T23:42:14.000Z"],
  ])("parseFeedDate(%s) reads the web's date formats, zone-less as UTC", (raw, iso) => {
    expect(new Date(parseFeedDate(raw)!).toISOString()).toBe(iso);
  });
});

describe("parseFeed: links and ids", () => {
  it("resolves relative links against the root xml:base, else the document URL", async () => {
    const based = rssDocument([{ title: "t", link: "/2026/story" }]).replace(
      '<rss version="2.0"',
      '<rss version="2.0" xml:base="https://site.example.com/news/"',
    );
    const [a] = (await parseFeed(based, context)).articles;
    expect(a?.url).toBe("https://site.example.com/2026/story");
    const plain = rssDocument([{ title: "t", link: "story.html#comments" }]);
    const [b] = (await parseFeed(plain, { ...context, baseUrl: "https://cdn.example.net/feeds/rss" }))
      .articles;
    expect(b?.url).toBe("https://cdn.example.net/feeds/story.html");
  });

  it("drops javascript: and other non-http links", async () => {
    const [a] = (await parseFeed(rssDocument([{ title: "t", link: "javascript:alert(1)" }]), context))
      .articles;
    expect(a?.url).toBeNull();
  });

  it("collapses items with the same guid, and the same link, to the first", async () => {
    const xml = rssDocument([
      { title: "first", link: "https://e.org/1", guid: "g1" },
      { title: "same guid", link: "https://e.org/other", guid: "g1" },
      { title: "same link, tracking added", link: "https://e.org/1?utm_source=rss" },
      { title: "distinct", link: "https://e.org/2", guid: "g2" },
    ]);
    const { articles, warnings } = await parseFeed(xml, context);
    expect(articles.map((a) => a.title)).toEqual(["first", "distinct"]);
    expect(warnings).toEqual(["2 duplicate item(s) dropped"]);
  });

  it("ids items linking only to the site's front page by guid, so podcast episodes stay apart", async () => {
    const xml = rssDocument([
      { title: "Episode 1", link: "https://podcast.example.com/", guid: "ep1" },
      { title: "Episode 2", link: "https://podcast.example.com/", guid: "ep2" },
    ]);
    const { articles } = await parseFeed(xml, context);
    expect(articles).toHaveLength(2);
    expect(articles[0]?.id).toBe(articleId({ url: null, feedId: "example-news", guid: "ep1" }));
  });

  it("gives the same id to the same story in two feeds", async () => {
    const one = await parseFeed(rssDocument([{ title: "A", link: "https://e.org/s?utm_source=x" }]), context);
    const two = await parseFeed(rssDocument([{ title: "B", link: "https://E.org/s#top" }]), {
      ...context,
      feed: testFeed("https://other.example/feed", "Other"),
    });
    expect(one.articles[0]?.id).toBe(two.articles[0]?.id);
  });
});

describe("parseFeed: hostile documents", () => {
  it("stays linear on 200 KB of '<' without '>' (rss-parser's contentSnippet regex is quadratic)", async () => {
    const evil = `x${"<a".repeat(100_000)}`;
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>t</title><link>https://e.org/r</link><description><![CDATA[${evil}]]></description>
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[${evil}]]></content:encoded></item></channel></rss>`;
    const started = Date.now();
    const { articles } = await parseFeed(xml, context);
    expect(articles).toHaveLength(1);
    // Unguarded, this input takes minutes; guarded it takes well under a second.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("does not pollute Object.prototype through element names", async () => {
    const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<__proto__><polluted>yes</polluted></__proto__><constructor><prototype><polluted>yes</polluted></prototype></constructor>
<item><title>t</title><link>https://e.org/p</link><__proto__><polluted>yes</polluted></__proto__></item></channel></rss>`;
    await parseFeed(xml, context);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("gives element, attribute and entity names like __proto__ and constructor no special meaning", async () => {
    const xml = `<?xml version="1.0"?><rss version="2.0" __proto__="x"><channel><title>t</title>
<item><title>t</title><link>https://e.org/q</link><constructor a="1"/><__proto__ b="2"><x/></__proto__>
<category __proto__="y" term="z"/></item></channel></rss>`;
    const { articles } = await parseFeed(xml, context);
    expect(articles.map((a) => [a.url, a.categories])).toEqual([["https://e.org/q", ["z"]]]);
    for (const name of ["constructor", "toString", "hasOwnProperty", "valueOf"]) {
      const error = await parseError(
        rssDocument([{ title: "t" }]).replace("<title>t</title>", `<title>&${name};</title>`),
      );
      expect(error.message).toMatch(/Invalid character entity/);
    }
  });

  it("locks xml2js at 0.5.0 or later (CVE-2023-0842 prototype pollution)", async () => {
    const { readFileSync } = await import("node:fs");
    const lock = JSON.parse(readFileSync(new URL("../package-lock.json", import.meta.url), "utf8"));
    const version: string = lock.packages["node_modules/xml2js"].version;
    const [major = 0, minor = 0] = version.split(".").map(Number);
    expect(major > 0 || minor >= 5, `xml2js ${version}`).toBe(true);
  });

  it("drops only the pathologically nested item and keeps the well-formed items beside it", async () => {
    const deep = `${"<div>".repeat(5_000)}x${"</div>".repeat(5_000)}`;
    const xml = rssDocument([
      { title: "before", link: "https://e.org/1" },
      { title: "deep", link: "https://e.org/2" },
      { title: "after", link: "https://e.org/3" },
    ]).replace("<title>deep</title>", `<title>deep</title><description>${deep}</description>`);
    const { articles, warnings } = await parseFeed(xml, context);
    expect(articles.map((a) => a.title)).toEqual(["before", "after"]);
    expect(warnings).toEqual(["1 malformed item(s) skipped: item 2 nested deeper than 1000 elements"]);
  });

  it("refuses a document nested past the limit outside any item, as bad-xml", async () => {
    const deep = `${"<x>".repeat(2_000)}${"</x>".repeat(2_000)}`;
    const xml = rssDocument([{ title: "t", link: "https://e.org/1" }]).replace(
      "<channel>",
      `<channel>${deep}`,
    );
    const error = await parseError(xml);
    expect(error.kind).toBe("bad-xml");
    expect(error.message).toMatch(/nested deeper than 1000 levels/);
  });

  it("parses a good document the same after a bad one (a new Parser per document)", async () => {
    const twoBad = `<rss version="2.0"><channel><title>t</title><item><title>a &bad1; &bad2;</title></item></channel></rss>`;
    const oneBad = `<rss version="2.0"><channel><title>t</title><item><title>&bad3;</title></item></channel></rss>`;
    expect((await parseError(twoBad)).kind).toBe("bad-xml");
    expect((await parseError(oneBad)).kind).toBe("bad-xml");
  });

  it("classifies failures: empty, HTML, XML that is not a feed, broken XML", async () => {
    expect(await parseError("  \n")).toMatchObject({ kind: "not-a-feed", message: "the document is empty" });
    expect((await parseError("<!doctype html><html><body>hi")).kind).toBe("not-a-feed");
    expect((await parseError("<?xml version='1.0'?><note><to>x</to></note>")).kind).toBe("not-a-feed");
    const truncated = await parseError(`<?xml version="1.0"?><rss version="2.0"><channel><title>t`);
    expect(truncated.kind).toBe("bad-xml");
    expect(truncated.message).toMatch(/not well-formed XML: Unclosed root tag at line 1/);
  });
});

describe("canonicalUrl", () => {
  it.each([
    [
      "HTTPS://News.Example.COM:443/a/b?id=7&utm_source=rss&utm_medium=x#frag",
      "https://news.example.com/a/b?id=7",
    ],
    ["https://e.org/p?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref=tw&pk_campaign=z", "https://e.org/p"],
    ["https://user:pw@e.org/x", "https://e.org/x"],
    ["ftp://e.org/x", null],
    ["javascript:alert(1)", null],
    ["mailto:a@b.c", null],
    ["", null],
  ])("%s -> %s", (href, expected) => {
    expect(canonicalUrl(href)).toBe(expected);
  });

  it("resolves relative links against a base and returns null without one", () => {
    expect(canonicalUrl("../b/c", "https://e.org/a/feed.xml")).toBe("https://e.org/b/c");
    expect(canonicalUrl("/b/c")).toBeNull();
  });
});

describe("articleId", () => {
  it("is 16 hex characters, keyed by URL first, then feed + guid, then title + date", () => {
    const byUrl = articleId({ url: "https://e.org/a", feedId: "f1", guid: "g" });
    expect(byUrl).toMatch(/^[0-9a-f]{16}$/);
    expect(articleId({ url: "https://e.org/a", feedId: "f2", guid: "other" })).toBe(byUrl);
    const byGuid = articleId({ url: null, feedId: "f1", guid: "g" });
    expect(byGuid).not.toBe(articleId({ url: null, feedId: "f2", guid: "g" }));
    expect(articleId({ url: null, feedId: "f1", title: "t", publishedAt: "2026-01-01" })).not.toBe(
      articleId({ url: null, feedId: "f1", title: "t", publishedAt: "2026-01-02" }),
    );
  });
});
