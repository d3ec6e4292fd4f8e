/**
 * Issue 14: length caps cut UTF-16 code units, so a cap landing inside an emoji left a lone
 * surrogate in title, summary, category and author, and the webhook payload carried it. Caps
 * now count code points and cut on grapheme boundaries, in one place for every channel.
 */
import { describe, expect, it } from "vitest";
import { webhookPayload } from "../cli/local/notifiers.ts";
import { alertSubject } from "../lambdas/core/alerts/messages.ts";
import { LIMITS, parseFeed } from "../lambdas/core/parse/parse-feed.ts";
import { storyRecord } from "./helpers/store-fixtures.ts";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const feed = { id: "f", name: "F", url: "https://feed.example/rss" };

/** Emoji only: every cap at an odd number of code units (all of today's: 299, 999, 99...) lands inside a pair. */
const oddEmoji = (count: number) => "💰".repeat(count);

describe("caps never split a character", () => {
  it("in the parsed title, summary, category and author", async () => {
    const xml = `<?xml version="1.0"?><rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
      <item><title>${oddEmoji(LIMITS.title)}</title><link>https://feed.example/a</link>
      <description>${oddEmoji(LIMITS.summary)}</description>
      <category>${oddEmoji(LIMITS.category)}</category>
      <dc:creator>${oddEmoji(LIMITS.author)}</dc:creator></item></channel></rss>`;
    const { articles } = await parseFeed(xml, { feed, fetchedAt: new Date("2025-01-01T00:00:00Z") });
    const [article] = articles;
    expect(article).toBeDefined();
    for (const value of [article!.title, article!.summary, ...article!.categories, article!.author ?? ""]) {
      expect(value).not.toMatch(LONE_SURROGATE);
      expect(value.length).toBeGreaterThan(10);
    }
    expect(Array.from(article!.title).length).toBeLessThanOrEqual(LIMITS.title);
  });

  it("keeps a letter with its combining accent and an emoji sequence whole", async () => {
    const family = "👨‍👩‍👧";
    const title = `${"a".repeat(LIMITS.title - 3)}e\u0301${family}${family}`;
    const xml = `<rss version="2.0"><channel><title>t</title><item><title>${title}</title><link>https://feed.example/b</link></item></channel></rss>`;
    const { articles } = await parseFeed(xml, { feed, fetchedAt: new Date() });
    const cut = articles[0]!.title;
    expect(cut.endsWith("…")).toBe(true);
    const kept = cut.slice(0, -1);
    // Whatever was kept of the end is whole: not "e" without its accent, not half a family.
    expect(kept.endsWith("e")).toBe(false);
    expect(kept).not.toMatch(/\u200D$/);
  });

  it("in the webhook payload and the SNS subject", () => {
    const story = storyRecord({ title: oddEmoji(5000), summary: oddEmoji(5000) }).story;
    const payload = webhookPayload({ kind: "new", reasons: [], story }) as { text: string; content: string };
    expect(payload.text).not.toMatch(LONE_SURROGATE);
    expect(payload.content).not.toMatch(LONE_SURROGATE);
    expect(Array.from(payload.content).length).toBeLessThanOrEqual(1900);
    expect(alertSubject({ kind: "new", reasons: [], story })).not.toMatch(LONE_SURROGATE);
  });
});
