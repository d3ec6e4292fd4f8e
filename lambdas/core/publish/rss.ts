/**
 * RSS 2.0 of the same stories as the JSON Feed, newest first. Every value is XML-escaped
 * (no CDATA, so a `]]>` in a title cannot end anything early) and characters XML 1.0
 * forbids are removed. Feed text is made inert for readers that decode it as HTML too:
 * `description` is HTML (as RSS 2.0 defines it) with the text escaped inside, and every text
 * element has its markup-looking sequences neutralised (see escape.ts). Paging uses an
 * `atom:link rel="next"` (RFC 5005).
 */
import type { Story } from "../model/types.ts";
import { escapeRssHtml, escapeRssText, escapeXml } from "./escape.ts";
import { rssHubLink } from "./websub.ts";
import { storyContentText } from "./jsonfeed.ts";
import { type RenderContext, siteUrl, toStoryView } from "./view.ts";

/** An element holding a value we produce (a URL, a date, our own name). */
function element(name: string, text: string): string {
  return `<${name}>${escapeXml(text)}</${name}>`;
}

/** An element holding text that came from a feed: inert whatever the reader does with HTML. */
function textElement(name: string, text: string): string {
  return `<${name}>${escapeRssText(text)}</${name}>`;
}

/** RFC 822 date as RSS wants it ("Tue, 10 Jun 2025 04:00:00 GMT"); empty for unparseable input. */
export function rfc822(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toUTCString();
}

/** The most recent updatedAt among the stories, as RFC 822; empty when there are none. */
function latestChange(stories: Story[]): string {
  let latest = Number.NEGATIVE_INFINITY;
  for (const story of stories) {
    const time = Date.parse(story.updatedAt || story.publishedAt);
    if (time > latest) latest = time;
  }
  return Number.isFinite(latest) ? new Date(latest).toUTCString() : "";
}

function renderItem(story: Story): string {
  const view = toStoryView(story);
  const parts = [
    textElement("title", view.title),
    view.url ? element("link", view.url) : "",
    `<guid isPermaLink="false">${escapeXml(view.id)}</guid>`,
    rfc822(view.publishedAt) ? element("pubDate", rfc822(view.publishedAt)) : "",
    `<description>${escapeRssHtml(storyContentText(view))}</description>`,
    ...[...new Set([...view.actors, view.severity, ...view.categories])].map((c) =>
      textElement("category", c),
    ),
  ];
  return `<item>${parts.filter(Boolean).join("")}</item>`;
}

/** The RSS document for one page of stories. */
export function renderRss(stories: Story[], ctx: RenderContext): string {
  const { site, query, nextCursor } = ctx;
  const self = siteUrl(site, "/feed.xml", query);
  const lastChange = latestChange(stories);
  const head = [
    textElement("title", site.title),
    element("link", `${site.baseUrl}/`),
    textElement("description", site.description),
    element("language", "en"),
    element("generator", "heistwatch"),
    lastChange ? element("lastBuildDate", lastChange) : "",
    `<atom:link rel="self" type="application/rss+xml" href="${escapeXml(self)}"/>`,
    rssHubLink(site),
    nextCursor
      ? `<atom:link rel="next" type="application/rss+xml" href="${escapeXml(siteUrl(site, "/feed.xml", query, nextCursor))}"/>`
      : "",
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    `<channel>${head.filter(Boolean).join("")}`,
    ...stories.map(renderItem),
    "</channel>",
    "</rss>",
    "",
  ].join("\n");
}
