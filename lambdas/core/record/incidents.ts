/**
 * The record as data: one page of stories as incidents (GET /incidents.json, schema in
 * incidents.schema.json) and the same rows as CSV (GET /incidents.csv). Paged like the feed.
 */
import type { Story } from "../model/types.ts";
import { safeJsonStringify } from "../publish/escape.ts";
import { type RenderContext, type SiteConfig, siteUrl, toStoryView } from "../publish/view.ts";
import { recordJson, type RecordJson } from "./record-view.ts";

export const INCIDENTS_VERSION = "heistwatch-incidents/1";

export interface Incident {
  id: string;
  title: string;
  url: string | null;
  item_url: string;
  date_published: string;
  date_modified: string;
  actors: string[];
  amount_usd: number | null;
  attribution: Story["attribution"];
  severity: Story["severity"];
  score: number;
  target: RecordJson["target"];
  assets: string[];
  vector: RecordJson["vector"];
  evidence: RecordJson["evidence"];
  sources: { name: string; url: string | null; date_published: string }[];
}

export interface IncidentsDocument {
  version: string;
  title: string;
  home_page_url: string;
  incidents_url: string;
  csv_url: string;
  next_url?: string;
  incidents: Incident[];
}

/** One story as an incident row. */
export function toIncident(story: Story, site: SiteConfig): Incident {
  const view = toStoryView(story);
  const record = recordJson(story.record);
  return {
    id: view.id,
    title: view.title,
    url: view.url,
    item_url: `${site.baseUrl}/items/${encodeURIComponent(view.id)}`,
    date_published: view.publishedAt,
    date_modified: view.updatedAt,
    actors: view.actors,
    amount_usd:
      view.amountUsd !== null && Number.isFinite(view.amountUsd) && view.amountUsd > 0
        ? view.amountUsd
        : null,
    attribution: view.attribution,
    severity: view.severity,
    score: view.score,
    target: record?.target ?? null,
    assets: record?.assets ?? [],
    vector: record?.vector ?? null,
    evidence: record?.evidence ?? [],
    sources: view.sources.map((s) => ({ name: s.name, url: s.url, date_published: s.publishedAt })),
  };
}

export function buildIncidents(stories: Story[], ctx: RenderContext): IncidentsDocument {
  const { site, query, nextCursor } = ctx;
  const document: IncidentsDocument = {
    version: INCIDENTS_VERSION,
    title: `${site.title}: the record of heists`,
    home_page_url: `${site.baseUrl}/`,
    incidents_url: siteUrl(site, "/incidents.json", query),
    csv_url: siteUrl(site, "/incidents.csv", query),
    incidents: stories.map((story) => toIncident(story, site)),
  };
  if (nextCursor) document.next_url = siteUrl(site, "/incidents.json", query, nextCursor);
  return document;
}

export function renderIncidentsJson(stories: Story[], ctx: RenderContext): string {
  return safeJsonStringify(buildIncidents(stories, ctx));
}

export const CSV_COLUMNS = [
  "id",
  "date_published",
  "title",
  "actors",
  "amount_usd",
  "attribution",
  "severity",
  "score",
  "target",
  "assets",
  "vector",
  "sources",
  "url",
] as const;

/**
 * One CSV cell (RFC 4180 quoting). A cell a spreadsheet would read as a formula (=, +, -, @,
 * tab, carriage return first) is prefixed with an apostrophe: feed text must never run there.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The page as CSV: a header row, then one row per incident; lists are joined with "; ". */
export function renderIncidentsCsv(stories: Story[], ctx: RenderContext): string {
  const rows = buildIncidents(stories, ctx).incidents.map((incident) =>
    [
      incident.id,
      incident.date_published,
      incident.title,
      incident.actors.join("; "),
      incident.amount_usd,
      incident.attribution,
      incident.severity,
      incident.score,
      incident.target,
      incident.assets.join("; "),
      incident.vector,
      incident.sources.map((s) => s.name).join("; "),
      incident.url,
    ]
      .map(csvCell)
      .join(","),
  );
  return [CSV_COLUMNS.join(","), ...rows].join("\r\n") + "\r\n";
}
