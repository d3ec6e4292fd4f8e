import { load } from "cheerio";
import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { renderHtml } from "../lambdas/core/publish/html.ts";
import { buildJsonFeed, renderJsonFeed, toJsonFeedItem } from "../lambdas/core/publish/jsonfeed.ts";
import { renderRss } from "../lambdas/core/publish/rss.ts";
import type { RenderContext } from "../lambdas/core/publish/view.ts";
import { makeStory } from "./helpers/api-stories.ts";
import { jsonFeedProblems } from "./helpers/json-feed-spec.ts";

const site = {
  title: "heistwatch",
  description: "State-sponsored theft, scored.",
  baseUrl: "https://feed.example.org",
};
const ctx = (over: Partial<RenderContext> = {}): RenderContext => ({
  site,
  query: { limit: 20 }, // the default page size
  nextCursor: null,
  ...over,
});

const stories = [
  makeStory({
    id: "s-bybit",
    score: 95,
    severity: "high",
    amountUsd: 1_500_000_000,
    attribution: "confirmed",
  }),
  makeStory({ id: "s-medium", score: 55, severity: "medium", url: null, actors: ["APT38"], amountUsd: null }),
  makeStory({ id: "s-low", score: 41, severity: "low", authors: [], attribution: null, matched: [] }),
];

describe("JSON Feed", () => {
  it("meets the JSON Feed 1.1 spec and carries the _heistwatch extension", () => {
    const feed = JSON.parse(renderJsonFeed(stories, ctx()));
    expect(jsonFeedProblems(feed)).toEqual([]);
    expect(feed.items.map((i: { id: string }) => i.id)).toEqual(["s-bybit", "s-medium", "s-low"]);
    const first = feed.items[0];
    expect(first._heistwatch).toMatchObject({
      about: "https://feed.example.org/#about-the-feed",
      score: 95,
      severity: "high",
      actors: ["Lazarus Group", "DPRK"],
      amountUsd: 1_500_000_000,
      attribution: "confirmed",
    });
    expect(first._heistwatch.matched[0]).toEqual({
      term: "lazarus",
      group: "actor",
      weight: 30,
      field: "title",
      text: "Lazarus Group",
    });
    expect(first._heistwatch.sources[0]).toMatchObject({
      name: "The Record",
      url: expect.stringMatching(/^https:/),
    });
    expect(first.content_text).toContain("Score 95/100, severity high.");
    expect(first.content_text).toContain("Amount: $1.5B.");
    expect(first.tags).toEqual(["Lazarus Group", "DPRK", "crypto"]);
    expect(first.authors).toEqual([{ name: "A. Reporter" }]);
  });

  it("leaves optional members out instead of writing null, and falls back to source names for authors", () => {
    const [, medium, low] = buildJsonFeed(stories, ctx()).items;
    // Issue 12: `url` is always the story page; the article link (external_url) is left out when absent.
    expect(medium?.url).toBe("https://feed.example.org/stories/s-medium");
    expect(medium).not.toHaveProperty("external_url");
    expect(low?.authors).toEqual([{ name: "The Record" }]);
    expect(low?._heistwatch.attribution).toBeNull();
  });

  it("links the next page with the same filters and no next_url on the last page", () => {
    const query = { limit: 2, severity: "high" as const, actor: "Lazarus Group", minScore: 50 };
    const feed = buildJsonFeed(stories, ctx({ query, nextCursor: "abc_-123" }));
    const next = new URL(feed.next_url ?? "");
    expect(next.origin + next.pathname).toBe("https://feed.example.org/feed.json");
    expect(Object.fromEntries(next.searchParams)).toEqual({
      limit: "2",
      severity: "high",
      actor: "Lazarus Group",
      min_score: "50",
      cursor: "abc_-123",
    });
    expect(feed.feed_url).not.toContain("cursor");
    expect(buildJsonFeed(stories, ctx()).next_url).toBeUndefined();
  });

  it("gives /items/{id} the same item shape as the feed", () => {
    expect(toJsonFeedItem(stories[0]!, site)).toEqual(buildJsonFeed(stories, ctx()).items[0]);
  });
});

describe("RSS", () => {
  it("is read back by rss-parser with the same ids, titles, links and dates", async () => {
    const xml = renderRss(stories, ctx({ nextCursor: "next-1" }));
    const parsed = await new Parser().parseString(xml);
    expect(parsed.title).toBe("heistwatch");
    expect(parsed.items.map((i) => i.guid)).toEqual(["s-bybit", "s-medium", "s-low"]);
    expect(parsed.items[0]?.title).toBe(stories[0]?.title);
    expect(parsed.items[0]?.link).toBe(stories[0]?.url);
    expect(parsed.items[1]?.link).toBeUndefined();
    expect(new Date(parsed.items[0]?.pubDate ?? "").toISOString()).toBe(
      new Date(stories[0]!.publishedAt).toISOString().replace(/\.\d+Z$/, ".000Z"),
    );
    expect(parsed.items[0]?.categories).toEqual(["Lazarus Group", "DPRK", "high", "crypto"]);
    expect(xml).toContain(
      '<atom:link rel="next" type="application/rss+xml" href="https://feed.example.org/feed.xml?cursor=next-1"/>',
    );
  });
});

describe("HTML page", () => {
  const html = renderHtml(stories, ctx({ nextCursor: "page-2" }));
  const $ = load(html);

  it("shows every story with its score, severity, amount, attribution, sources and evidence", () => {
    const cards = $("article.story");
    expect(cards.length).toBe(3);
    expect(cards.first().find(".score b").text()).toBe("95");
    expect(cards.first().hasClass("high")).toBe(true);
    expect(cards.first().text()).toContain("$1.5B");
    expect(cards.first().text()).toContain("confirmed");
    expect(cards.first().text()).toContain("Lazarus Group, DPRK");
    expect(cards.first().find(".sources a").attr("href")).toBe("https://news.example.com/articles/s-bybit");
    expect(cards.first().find("table.why tbody tr").length).toBe(2);
    // A story without a safe URL gets its title as text, not a dead link.
    expect(cards.eq(1).find("h2 a").length).toBe(0);
  });

  it("advertises both feeds, works without JavaScript and fits a phone", () => {
    expect($('link[rel=alternate][type="application/feed+json"]').attr("href")).toBe(
      "https://feed.example.org/feed.json",
    );
    expect($('link[rel=alternate][type="application/rss+xml"]').attr("href")).toBe(
      "https://feed.example.org/feed.xml",
    );
    expect($("script").length).toBe(0);
    expect($('meta[name="viewport"]').attr("content")).toContain("width=device-width");
    expect($("a[rel=next]").attr("href")).toBe("https://feed.example.org/?cursor=page-2");
  });

  it("says so when nothing matches", () => {
    expect(load(renderHtml([], ctx()))(".empty").text()).toContain("No flagged stories");
  });
});
