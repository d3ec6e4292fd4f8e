/**
 * The display form of a story, shared by the JSON Feed, RSS and HTML renderers: feed text
 * cleaned and capped, links reduced to safe http(s) URLs, numbers formatted. Each renderer
 * then escapes these values for the language it writes.
 */
import type { StoryQuery } from "../model/ports.ts";
import type { MatchedTerm, Story } from "../model/types.ts";
import { displayText, MAX_DISPLAY_SUMMARY, MAX_DISPLAY_TITLE } from "../text/display.ts";
import { safeHttpUrl } from "../text/links.ts";
import { formatUsd } from "../text/money.ts";
import type { FeedHealth } from "./status.ts";

/** Who publishes the feed and where it lives. */
export interface SiteConfig {
  /** Shown as the feed and page title. */
  title: string;
  description: string;
  /** Absolute http(s) origin (plus optional path prefix) the API is served from, without a trailing slash. */
  baseUrl: string;
  /** WebSub hub the feeds name (core/publish/websub.ts); absent = no hub link. */
  hubUrl?: string;
}

/** What the renderers need besides the stories. */
export interface RenderContext {
  site: SiteConfig;
  /** The filters of this request (limit and cursor included), echoed into self and next links. */
  query: StoryQuery;
  /** The store's cursor for the next page, or null on the last page. */
  nextCursor: string | null;
  /** Signs of life shown on the page, when the API can read feed states. */
  health?: FeedHealth;
}

export interface SourceView {
  name: string;
  title: string;
  url: string | null;
  publishedAt: string;
}

/** A matched term as shown to readers (offsets are an explain-time detail). */
export type EvidenceView = Omit<MatchedTerm, "start" | "end">;

/** A story's public fields, cleaned, plus what the renderers format once for all three outputs. */
export type StoryView = Omit<Story, "matched" | "sources" | "alertedAt" | "alerted"> & {
  /** "$1.5B", or null when no amount was stated. */
  amountText: string | null;
  evidence: EvidenceView[];
  sources: SourceView[];
};

// Caps on lists so one odd story cannot blow up a page.
const MAX_SOURCES = 25;
const MAX_EVIDENCE = 40;
const MAX_LABELS = 20;
const MAX_LABEL = 100;
const MAX_EVIDENCE_TEXT = 200;

function labels(values: readonly string[] | undefined): string[] {
  const seen = new Set<string>();
  for (const value of values ?? []) {
    const text = displayText(value, MAX_LABEL);
    if (text) seen.add(text);
    if (seen.size >= MAX_LABELS) break;
  }
  return [...seen];
}

/** A story made ready for display: plain, capped, with only safe links. */
export function toStoryView(story: Story): StoryView {
  return {
    id: story.id,
    title: displayText(story.title, MAX_DISPLAY_TITLE) || "(untitled)",
    summary: displayText(story.summary, MAX_DISPLAY_SUMMARY),
    url: safeHttpUrl(story.url),
    publishedAt: story.publishedAt,
    updatedAt: story.updatedAt || story.publishedAt,
    score: story.score,
    severity: story.severity,
    actors: labels(story.actors),
    amountUsd: story.amountUsd,
    amountText: formatUsd(story.amountUsd),
    attribution: story.attribution,
    evidence: (story.matched ?? []).slice(0, MAX_EVIDENCE).map((m) => ({
      term: displayText(m.term, MAX_LABEL),
      group: displayText(m.group, MAX_LABEL),
      weight: m.weight,
      field: m.field,
      text: displayText(m.text, MAX_EVIDENCE_TEXT),
    })),
    categories: labels(story.categories),
    authors: labels(story.authors),
    sources: (story.sources ?? []).slice(0, MAX_SOURCES).map((s) => ({
      name: displayText(s.name, MAX_LABEL) || "(unnamed source)",
      title: displayText(s.title, MAX_DISPLAY_TITLE),
      url: safeHttpUrl(s.url),
      publishedAt: s.publishedAt,
    })),
  };
}

/**
 * An absolute URL on the site for `path`, carrying the request's filters (and `cursor` when
 * given). The default limit is left out so the canonical URLs stay short.
 */
export function siteUrl(
  site: SiteConfig,
  path: string,
  query?: Partial<StoryQuery>,
  cursor?: string,
): string {
  const params = new URLSearchParams();
  if (query?.limit !== undefined && query.limit !== DEFAULT_LIMIT) params.set("limit", String(query.limit));
  if (query?.minScore !== undefined) params.set("min_score", String(query.minScore));
  if (query?.actor !== undefined) params.set("actor", query.actor);
  if (query?.severity !== undefined) params.set("severity", query.severity);
  if (cursor !== undefined) params.set("cursor", cursor);
  const search = params.toString();
  return `${site.baseUrl}${path}${search ? `?${search}` : ""}`;
}

/** Page size when the request names none. */
export const DEFAULT_LIMIT = 20;
/** Largest page a request may ask for. */
export const MAX_LIMIT = 100;
