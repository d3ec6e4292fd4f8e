/**
 * Issue 14: RSS escaped feed text once, so text that reads as markup ("<img src=x onerror=...>"
 * as characters) arrived as `&lt;img ...&gt;` and readers that treat `<description>` or
 * `<title>` as HTML rendered live markup. Now every RSS text element reads as inert text
 * whatever a reader does with HTML, even after one more entity decode.
 */
import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { renderRss } from "../lambdas/core/publish/rss.ts";
import type { RenderContext } from "../lambdas/core/publish/view.ts";
import { makeStory } from "./helpers/api-stories.ts";
import { markupIn, textOf } from "./helpers/markup.ts";

const ctx: RenderContext = {
  site: { title: "heistwatch", description: "d", baseUrl: "https://feed.example.org" },
  query: { limit: 50 },
  nextCursor: null,
};

const ATTACKS = [
  "<img src=x onerror=alert(1)>",
  "<script>alert(2)</script>",
  "&lt;svg onload=alert(3)&gt;",
  "&#60;iframe src=javascript:alert(4)&#62;",
  "&amp;lt;b onclick=alert(5)&amp;gt;",
];

describe("RSS text is inert in readers that decode it as HTML", () => {
  it.each(ATTACKS)("%s", async (attack) => {
    const story = makeStory({
      id: "h1",
      title: `Title ${attack}`,
      summary: `Summary ${attack}`,
      categories: [`cat ${attack}`],
    });
    const xml = renderRss([story], ctx);
    const feed = await new Parser().parseString(xml);
    const item = feed.items[0]!;
    const description = (item.content ?? "") as string;
    for (const text of [item.title ?? "", ...(item.categories ?? [])]) {
      // Shown as HTML: no element at all; decoded once more and then shown as HTML: still none.
      expect(markupIn(text).elements).toEqual([]);
      expect(markupIn(textOf(text)).elements).toEqual([]);
    }
    // description is HTML by RSS 2.0: our own paragraphs only, no attributes, even decoded again.
    expect(new Set(markupIn(description).elements)).toEqual(new Set(["p"]));
    expect(markupIn(description).attributes).toEqual([]);
    expect(markupIn(textOf(description)).elements.filter((e) => e !== "p")).toEqual([]);
    expect(item.title).toContain("Title");
  });

  it("leaves ordinary text alone: comparisons, ampersands, quotes", async () => {
    const story = makeStory({ id: "h2", title: `AT&T says 3 < 5 and "R&D" > 0` });
    const feed = await new Parser().parseString(renderRss([story], ctx));
    expect(feed.items[0]!.title).toBe(`AT&T says 3 < 5 and "R&D" > 0`);
  });
});
