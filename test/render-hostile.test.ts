/**
 * Hostile feed content (RELIABILITY.md 19) must arrive inert in every channel: HTML page,
 * RSS and JSON Feed. Each check parses the output the way a consumer would.
 */
import { load } from "cheerio";
import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { renderHtml } from "../lambdas/core/publish/html.ts";
import { renderJsonFeed } from "../lambdas/core/publish/jsonfeed.ts";
import { renderRss } from "../lambdas/core/publish/rss.ts";
import type { RenderContext } from "../lambdas/core/publish/view.ts";
import { HOSTILE, makeStory } from "./helpers/api-stories.ts";

const ctx: RenderContext = {
  site: { title: "heistwatch", description: "d", baseUrl: "https://feed.example.org" },
  query: { limit: 50, actor: `"><script>alert(7)</script>` },
  nextCursor: `"><x>`,
};

const hostile = makeStory({
  id: "hostile",
  title: HOSTILE.title,
  summary: HOSTILE.summary,
  url: HOSTILE.url,
  actors: ["<b>Lazarus</b>"],
  categories: ["]]><evil/>"],
  authors: ["<img src=x onerror=alert(8)>"],
  matched: [
    { term: "x", group: "<i>actor</i>", weight: 5, field: "title", start: 0, end: 1, text: "<script>" },
  ],
  sources: [
    {
      articleId: "a1",
      feedId: "f",
      name: `Evil" onmouseover="alert(9)`,
      url: HOSTILE.sourceUrl,
      title: HOSTILE.title,
      publishedAt: "2025-06-01T00:00:00.000Z",
    },
  ],
});
const huge = makeStory({ id: "huge", title: HOSTILE.longTitle, summary: HOSTILE.longTitle });
const stories = [hostile, huge];

// Characters XML 1.0 forbids, plus the C1 controls we also drop.
const FORBIDDEN =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])/;

describe("hostile content in the HTML page", () => {
  const html = renderHtml(stories, ctx);
  const $ = load(html);

  it("creates no script, no event handler, no injected element and no non-http link", () => {
    expect($("script, img, svg, iframe, injected, evil, i").length).toBe(0);
    // The only <b> elements are the page's own score figures, none from the feed's "<b>Lazarus</b>".
    expect($("b").length).toBe($(".score b").length);
    $("*").each((_, element) => {
      for (const name of Object.keys($(element).attr() ?? {})) expect(name).not.toMatch(/^on/i);
    });
    $("[href]").each((_, element) => expect($(element).attr("href")).toMatch(/^https?:\/\/|^#/));
    expect(html).not.toMatch(/<script|<img|<svg|javascript:alert\(5\)|data:text/i);
    expect(html).not.toMatch(FORBIDDEN);
  });

  it("shows the hostile text as text, so readers see what the feed sent", () => {
    const title = $("#story-hostile h2").text();
    expect(title).toContain("<script>alert(1)</script>");
    expect(title).toContain(`"><img src=x onerror=alert(2)>`);
    expect($("#story-hostile .summary").text()).toContain('<a href="javascript:alert(3)">');
    // The actor filter echoes into the form's value attribute, still inert.
    expect($("input[name=actor]").attr("value")).toBe(`"><script>alert(7)</script>`);
  });

  it("caps a 100 KB title for display", () => {
    const title = $("#story-huge h2").text();
    expect(title.length).toBeLessThanOrEqual(300);
    expect(html.length).toBeLessThan(60_000);
  });
});

describe("hostile content in RSS", () => {
  const xml = renderRss(stories, ctx);

  it("is well-formed XML 1.0 with no CDATA, no forbidden characters and no injected elements", async () => {
    expect(xml).not.toMatch(FORBIDDEN);
    expect(xml).not.toContain("CDATA");
    expect(xml).not.toMatch(/<(script|img|svg|injected|evil|b)[\s/>]/i);
    const feed = await new Parser().parseString(xml);
    expect(feed.items.map((i) => i.guid)).toEqual(["hostile", "huge"]);
    const [item] = feed.items;
    // Issue 14 changed this: markup-looking text is neutralised ("<" before a letter becomes
    // U+2039), so readers that decode titles as HTML still show text.
    expect(item?.title).toContain("\u2039script>alert(1)\u2039/script>");
    expect(item?.title).toContain("]]>");
    expect(item?.link).toBeUndefined();
    expect(item?.categories).toContain("]]>\u2039evil/>");
    expect(feed.items[1]?.title?.length).toBeLessThanOrEqual(300);
  });
});

describe("hostile content in the JSON Feed", () => {
  const body = renderJsonFeed(stories, ctx);

  it("parses, keeps no markup characters in the raw text and publishes no unsafe link", () => {
    expect(body).not.toMatch(/[<>]/);
    expect(body).not.toMatch(FORBIDDEN);
    const feed = JSON.parse(body);
    const [item, big] = feed.items;
    expect(item.title).toContain("<script>alert(1)</script>");
    // Issue 12: `url` is the story page; the unsafe article link never becomes external_url.
    expect(item).not.toHaveProperty("external_url");
    expect(item.url).toMatch(/^https?:\/\/[^/]+\/stories\//);
    expect(item._heistwatch.sources[0].url).toBeNull();
    expect(body).not.toContain("javascript:alert(5)");
    expect(big.title.length).toBeLessThanOrEqual(300);
    expect(body.length).toBeLessThan(20_000);
  });
});
