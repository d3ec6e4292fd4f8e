/**
 * Feed fixtures for tests and benchmarks: the shared real-world corpus (../shared/feeds, see its
 * MANIFEST.md) and small generated RSS/Atom documents.
 */
import { readdirSync, readFileSync } from "node:fs";
import { sharedPath } from "./shared-data.ts";
import type { FeedConfig } from "../../lambdas/core/model/types.ts";

/** Absolute path of the shared real-world feed documents (present only where ../shared is: see shared-data.ts). */
export const FEEDS_DIR = sharedPath("feeds/");

/** The raw bytes of one corpus document, by file name (e.g. "rbren__rss-parser__guardian.rss"). */
export function loadFeedFixture(name: string): Buffer {
  return readFileSync(`${FEEDS_DIR}${name}`);
}

/** Every corpus document's file name (MANIFEST.md excluded), sorted. */
export function listFeedFixtures(): string[] {
  return readdirSync(FEEDS_DIR)
    .filter((name) => name !== "MANIFEST.md")
    .sort();
}

/** A FeedConfig for tests; the id is derived from the name. */
export function testFeed(url: string, name = "Test feed"): FeedConfig {
  return {
    id: name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, ""),
    name,
    url,
  };
}

export interface FixtureItem {
  title: string;
  link?: string;
  description?: string;
  pubDate?: string;
  guid?: string;
  content?: string;
  categories?: string[];
  author?: string;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** An RSS 2.0 document with the given items; text is XML-escaped, so pass plain text or HTML. */
export function rssDocument(items: FixtureItem[], channel: { title?: string; link?: string } = {}): string {
  const body = items
    .map((item) =>
      [
        "<item>",
        `<title>${escapeXml(item.title)}</title>`,
        item.link ? `<link>${escapeXml(item.link)}</link>` : "",
        item.guid ? `<guid isPermaLink="false">${escapeXml(item.guid)}</guid>` : "",
        item.description ? `<description>${escapeXml(item.description)}</description>` : "",
        item.content ? `<content:encoded><![CDATA[${item.content}]]></content:encoded>` : "",
        item.pubDate ? `<pubDate>${escapeXml(item.pubDate)}</pubDate>` : "",
        item.author ? `<dc:creator>${escapeXml(item.author)}</dc:creator>` : "",
        ...(item.categories ?? []).map((c) => `<category>${escapeXml(c)}</category>`),
        "</item>",
      ].join(""),
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>${escapeXml(channel.title ?? "Test channel")}</title><link>${escapeXml(channel.link ?? "https://example.org/")}</link>
${body}
</channel></rss>`;
}

/** `count` realistic items (HTML descriptions, dates, categories) for load tests and benchmarks. */
export function generatedItems(count: number, start = Date.UTC(2026, 0, 1)): FixtureItem[] {
  return Array.from({ length: count }, (_, i) => ({
    title: `Exchange ${i} loses $${(i % 97) + 1} million in suspected Lazarus Group heist`,
    link: `https://news.example.org/2026/01/story-${i}?utm_source=rss&utm_medium=feed`,
    guid: `story-${i}`,
    description: `<p>Attackers <b>drained</b> hot wallets at exchange ${i}; analysts at a blockchain firm linked the theft to North Korea. &amp; more&hellip;</p>`,
    pubDate: new Date(start + i * 60_000).toUTCString(),
    categories: ["Security", "Crypto"],
    author: "Reporter Name",
  }));
}
