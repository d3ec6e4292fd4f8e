/**
 * The base for relative links is the document's URL or xml:base when known, else the channel's
 * own link, which may come after the items; and a repaired document is read twice. Each way must
 * give the same articles and warnings.
 */
import { describe, expect, it } from "vitest";
import { parseFeed } from "../lambdas/core/parse/parse-feed.ts";
import { rssDocument, testFeed } from "./helpers/feeds.ts";

const fetchedAt = new Date("2026-03-01T00:00:00Z");
const items = [
  { title: "one", link: "https://e.org/1", guid: "g1" },
  { title: "two", link: "https://e.org/2", guid: "g1" },
  { title: "three", link: "https://e.org/3" },
];

describe("parseFeed: bases and re-reads", () => {
  it("gives the same articles and warnings with and without a known document URL", async () => {
    const xml = rssDocument(items, { link: "https://e.org/" });
    const streamed = await parseFeed(xml, { feed: testFeed("https://e.org/feed"), fetchedAt });
    const collected = await parseFeed(xml, { feed: testFeed("feed-without-url"), fetchedAt });
    expect(collected).toEqual(streamed);
    expect(streamed.articles.map((a) => a.title)).toEqual(["one", "three"]);
    expect(streamed.warnings).toEqual(["1 duplicate item(s) dropped"]);
  });

  it("resolves relative links against a channel link that comes after the items", async () => {
    const xml = rssDocument([{ title: "t", link: "/2026/story" }])
      .replace(/<link>https:\/\/example\.org\/<\/link>/, "")
      .replace("</channel>", "<link>https://site.example/</link></channel>");
    const { articles, link } = await parseFeed(xml, { feed: testFeed("no-url"), fetchedAt });
    expect(link).toBe("https://site.example/");
    expect(articles[0]?.url).toBe("https://site.example/2026/story");
  });

  it("reads a repaired document's items once, though some were read before the failure", async () => {
    const xml = rssDocument(items)
      .replace("https://e.org/3", "https://e.org/3?a=1&amp;b=2")
      .replace("&amp;b=2", "&b=2");
    const { articles, warnings } = await parseFeed(xml, { feed: testFeed("https://e.org/feed"), fetchedAt });
    expect(articles.map((a) => a.title)).toEqual(["one", "three"]);
    expect(warnings).toHaveLength(2);
    expect(warnings?.[0]).toMatch(/^repaired 1 unescaped "&"/);
    expect(warnings?.[1]).toBe("1 duplicate item(s) dropped");
  });
});
