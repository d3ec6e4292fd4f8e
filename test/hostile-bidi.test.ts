/**
 * Issue 14: bidi overrides and zero-width characters (U+202E, U+200B, U+2066) survived into
 * stored titles and the HTML, JSON Feed and RSS outputs (they were stripped only on the
 * terminal and in webhooks), so a title could display as something else. Now the parse stage
 * drops them from every one-line field and every display channel drops them again.
 */
import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { webhookPayload } from "../cli/local/notifiers.ts";
import { alertEmailText, alertSubject } from "../lambdas/core/alerts/messages.ts";
import { parseFeed } from "../lambdas/core/parse/parse-feed.ts";
import { renderHtml } from "../lambdas/core/publish/html.ts";
import { renderJsonFeed } from "../lambdas/core/publish/jsonfeed.ts";
import { renderRss } from "../lambdas/core/publish/rss.ts";
import type { RenderContext } from "../lambdas/core/publish/view.ts";
import { makeStory } from "./helpers/api-stories.ts";
import { storyRecord } from "./helpers/store-fixtures.ts";

const INVISIBLE = /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069]/;
// "Invoice for gpj.exe" that displays as "Invoice for exe.jpg", with hidden splits and isolates.
const SPOOF = "Lazarus\u200B Group drains \u2066$1M\u2069 from exchange \u202Egpj.exe\u202C, FBI\u200F says";
const ctx: RenderContext = {
  site: { title: "heistwatch", description: "d", baseUrl: "https://feed.example.org" },
  query: { limit: 50 },
  nextCursor: null,
};

describe("bidi controls and zero-width characters", () => {
  it("are dropped from parsed titles, summaries, categories and authors", async () => {
    const xml = `<rss version="2.0"><channel><title>t</title><item><title>${SPOOF}</title>
      <link>https://feed.example/a</link><description>${SPOOF}</description>
      <category>${SPOOF}</category><author>x@example.com (${SPOOF})</author></item></channel></rss>`;
    const { articles } = await parseFeed(xml, {
      feed: { id: "f", name: "F", url: "https://feed.example/rss" },
      fetchedAt: new Date(),
    });
    const article = articles[0]!;
    for (const value of [article.title, article.summary, ...article.categories, article.author ?? ""]) {
      expect(value).not.toMatch(INVISIBLE);
    }
    expect(article.title).toBe("Lazarus Group drains $1M from exchange gpj.exe, FBI says");
  });

  it("never reach the page, the JSON Feed, the RSS feed, email or webhook", async () => {
    const story = makeStory({
      id: "b1",
      title: SPOOF,
      summary: SPOOF,
      actors: [SPOOF],
      categories: [SPOOF],
      authors: [SPOOF],
    });
    const feed = JSON.parse(renderJsonFeed([story], ctx));
    expect(JSON.stringify(feed)).not.toMatch(INVISIBLE);
    expect(renderHtml([story], ctx)).not.toMatch(INVISIBLE);
    const rss = await new Parser().parseString(renderRss([story], ctx));
    expect(JSON.stringify(rss)).not.toMatch(INVISIBLE);
    const alert = {
      kind: "new" as const,
      reasons: [],
      story: storyRecord({ title: SPOOF, summary: SPOOF }).story,
    };
    expect(alertSubject(alert)).not.toMatch(INVISIBLE);
    expect(alertEmailText(alert)).not.toMatch(INVISIBLE);
    expect(JSON.stringify(webhookPayload(alert))).not.toMatch(INVISIBLE);
  });

  it("keeps the joiners emoji and scripts need", () => {
    const story = makeStory({ id: "b2", title: "Family 👨‍👩‍👧 and می‌خواهم" });
    expect(JSON.parse(renderJsonFeed([story], ctx)).items[0].title).toBe("Family 👨‍👩‍👧 and می‌خواهم");
  });
});
