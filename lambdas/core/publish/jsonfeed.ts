/**
 * JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of flagged stories, newest first, with a
 * `_heistwatch` extension per item carrying the score and the evidence behind it
 * (documented in docs/feed-format.md).
 */
import type { Story } from "../model/types.ts";
import { type RecordJson, recordExtension } from "../record/record-view.ts";
import { safeJsonStringify } from "./escape.ts";
import { jsonFeedHubs } from "./websub.ts";
import { type RenderContext, type SiteConfig, type StoryView, siteUrl, toStoryView } from "./view.ts";

export const JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1";

/** The `_heistwatch` object on each item. */
export interface HeistwatchExtension {
  /** Where the extension is documented (the spec asks custom objects for an `about` URL). */
  about: string;
  score: number;
  severity: string;
  actors: string[];
  amountUsd: number | null;
  attribution: string | null;
  matched: { term: string; group: string; weight: number; field: string; text: string }[];
  sources: { name: string; title: string; url: string | null; date_published: string }[];
  /** Target type, assets and vector with their evidence, when the story has a record. */
  record?: RecordJson;
}

export interface JsonFeedItem {
  id: string;
  /** The story's page on this site (GET /stories/{id}). */
  url: string;
  /** The earliest report's article, when it has a safe http(s) link. */
  external_url?: string;
  title: string;
  content_text: string;
  summary?: string;
  date_published: string;
  date_modified: string;
  authors?: { name: string }[];
  tags?: string[];
  _heistwatch: HeistwatchExtension;
}

export interface JsonFeed {
  version: string;
  title: string;
  home_page_url: string;
  feed_url: string;
  description: string;
  language: string;
  next_url?: string;
  hubs?: { type: string; url: string }[];
  authors: { name: string; url: string }[];
  items: JsonFeedItem[];
}

/** The page section that documents the extension; the HTML page renders it. */
export const ABOUT_ANCHOR = "about-the-feed";

/** Plain-text body for readers that show content_text: the summary, then the verdict in words. */
export function storyContentText(view: StoryView): string {
  const verdict = [`Score ${view.score}/100, severity ${view.severity}.`];
  if (view.actors.length) verdict.push(`Actors: ${view.actors.join(", ")}.`);
  if (view.amountText) verdict.push(`Amount: ${view.amountText}.`);
  if (view.attribution) verdict.push(`Attribution: ${view.attribution}.`);
  const reported = view.sources.length ? `Reported by: ${view.sources.map((s) => s.name).join(", ")}.` : "";
  return [view.summary, verdict.join(" "), reported].filter(Boolean).join("\n\n");
}

/** One story as a JSON Feed item (also the body of GET /items/{id}). */
export function toJsonFeedItem(story: Story, site: SiteConfig): JsonFeedItem {
  const view = toStoryView(story);
  const authorNames = view.authors.length ? view.authors : [...new Set(view.sources.map((s) => s.name))];
  const tags = [...new Set([...view.actors, ...view.categories])];
  // Optional members are left out rather than set to null (the spec types them as strings and
  // arrays); spreads keep the spec's member order, with the extension last.
  return {
    id: view.id,
    url: `${site.baseUrl}/stories/${encodeURIComponent(view.id)}`,
    ...(view.url ? { external_url: view.url } : {}),
    title: view.title,
    content_text: storyContentText(view),
    ...(view.summary ? { summary: view.summary } : {}),
    date_published: view.publishedAt,
    date_modified: view.updatedAt,
    ...(authorNames.length ? { authors: authorNames.map((name) => ({ name })) } : {}),
    ...(tags.length ? { tags } : {}),
    _heistwatch: {
      about: `${site.baseUrl}/#${ABOUT_ANCHOR}`,
      score: view.score,
      severity: view.severity,
      actors: view.actors,
      amountUsd: view.amountUsd,
      attribution: view.attribution,
      matched: view.evidence,
      sources: view.sources.map((s) => ({
        name: s.name,
        title: s.title,
        url: s.url,
        date_published: s.publishedAt,
      })),
      ...recordExtension(story),
    },
  };
}

/** The feed document for one page of stories. */
export function buildJsonFeed(stories: Story[], ctx: RenderContext): JsonFeed {
  const { site, query, nextCursor } = ctx;
  const feed: JsonFeed = {
    version: JSON_FEED_VERSION,
    title: site.title,
    home_page_url: `${site.baseUrl}/`,
    feed_url: siteUrl(site, "/feed.json", query),
    description: site.description,
    language: "en",
    authors: [{ name: site.title, url: `${site.baseUrl}/` }],
    ...jsonFeedHubs(site),
    items: stories.map((story) => toJsonFeedItem(story, site)),
  };
  if (nextCursor) feed.next_url = siteUrl(site, "/feed.json", query, nextCursor);
  return feed;
}

/** Serialised JSON Feed, with markup characters escaped as `\u003c` etc. */
export function renderJsonFeed(stories: Story[], ctx: RenderContext): string {
  return safeJsonStringify(buildJsonFeed(stories, ctx));
}
