/**
 * canonicalUrl's plain-link path (no URL parse) must give exactly what the URL parser gives:
 * checked over edge cases around every condition of the plain shape, and over every link, guid
 * and href of the shared real-world feeds (when ../shared is present).
 */
import { describe, expect, it } from "vitest";
import { canonicalUrl, canonicalUrlParsed } from "../lambdas/core/parse/canonical-url.ts";
import { readFeedXml } from "../lambdas/core/parse/feed-xml.ts";
import { HAS_SHARED } from "./helpers/shared-data.ts";
import { listFeedFixtures, loadFeedFixture } from "./helpers/feeds.ts";

const BASE = "https://feeds.example.org/a/feed.xml";

function expectSame(links: string[]): void {
  for (const link of links) {
    expect(canonicalUrl(link), link).toBe(canonicalUrlParsed(link.trim()));
    expect(canonicalUrl(link, BASE), `${link} against a base`).toBe(canonicalUrlParsed(link.trim(), BASE));
  }
}

const EDGE_CASES = [
  "https://news.example.org/2026/01/story-1?utm_source=rss&utm_medium=feed",
  "https://news.example.org/2026/01/story-1?id=7&utm_source=rss&page=2",
  "https://news.example.org/story?utm_source=rss",
  "https://news.example.org/story?Utm_Source=x&fbclid=1&ref=a",
  "https://news.example.org/story?a=1",
  "https://news.example.org/story?a",
  "https://news.example.org/story?a=b=c",
  "https://news.example.org/story?a=1&&b=2",
  "https://news.example.org/story?a=1&",
  "https://news.example.org/story?",
  "https://news.example.org/story?a=x+y&utm_source=1",
  "https://news.example.org/story?a=x%20y&utm_source=1",
  "https://news.example.org/story?a=~&utm_source=1",
  "https://news.example.org/story?a=*._-&utm_source=1",
  "https://news.example.org",
  "https://news.example.org?utm_source=x",
  "https://news.example.org/",
  "https://news.example.org//double//slash/",
  "https://news.example.org/a/./b",
  "https://news.example.org/a/../b",
  "https://news.example.org/a/.",
  "https://news.example.org/a/..",
  "https://news.example.org/.well-known/x",
  "https://news.example.org/file.tar.gz",
  "https://news.example.org/a..b",
  "https://news.example.org/a.",
  "https://news.example.org/~user/page",
  "https://News.Example.org/story",
  "HTTPS://news.example.org/story",
  "https://news.example.org:443/story",
  "http://news.example.org:80/story",
  "https://user:pw@news.example.org/story",
  "https://news.example.org/story#frag",
  "https://news.example.org/story#",
  "https://xn--nxasmq6b.example/story",
  "https://xn--a.example/story",
  "https://1.2.3.4/story",
  "https://1.0x7f/story",
  "https://0x7f.example/story",
  "https://example.0x7f/story",
  "https://example.123/story",
  "https://-lead.example.org/story",
  "https://trail-.example.org/story",
  "https://a..b.example/story",
  "https://example.org./story",
  "https://localhost/story",
  "https://news.example.org/caf%C3%A9",
  "https://news.example.org/café",
  "https://news.example.org/a b",
  "https://news.example.org/a\\b",
  "  https://news.example.org/padded  ",
  "ftp://news.example.org/story",
  "/relative/story",
  "story-2",
  "//news.example.org/story",
  "https:news.example.org/story",
  `https://news.example.org/${"a".repeat(5000)}`,
  `https://${"a".repeat(5000)}.example/story`,
];

describe("canonicalUrl without a URL parse", () => {
  it("gives what the URL parser gives on edge cases of the plain shape", () => {
    expectSame(EDGE_CASES);
  });

  it("still drops tracking parameters and keeps the rest in order", () => {
    expect(canonicalUrl("https://news.example.org/s?utm_source=rss&id=7&fbclid=x&page=2")).toBe(
      "https://news.example.org/s?id=7&page=2",
    );
    expect(canonicalUrl("https://news.example.org/s?utm_source=rss&mc_cid=1")).toBe(
      "https://news.example.org/s",
    );
  });

  describe.skipIf(!HAS_SHARED)("over the shared real-world feeds", () => {
    it("gives what the URL parser gives for every link, guid and href", () => {
      const links: string[] = [];
      for (const name of listFeedFixtures()) {
        let feed;
        try {
          feed = readFeedXml(loadFeedFixture(name).toString("utf8"));
        } catch {
          continue; // the documents that are not well-formed have no links to read
        }
        for (const value of feed.channelLinks) links.push(value.text ?? "", value.attrs?.href ?? "");
        for (const item of feed.items) {
          for (const value of item.links) links.push(value.text ?? "", value.attrs?.href ?? "");
          links.push(
            item.fields.get("guid")?.text ?? "",
            item.fields.get("id")?.text ?? "",
            item.about ?? "",
          );
        }
      }
      const present = links.filter((link) => link.trim());
      expect(present.length).toBeGreaterThan(1000);
      expectSame(present);
    });
  });
});
