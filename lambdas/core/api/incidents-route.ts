/**
 * Routes of the record of heists: GET /incidents.json and /incidents.csv (one page of stories as
 * incidents, paged and filtered like the feed), /incidents.schema.json (their JSON Schema) and
 * /record (the monthly chart by actor with its table). Returns null for any other path.
 */
import type { Clock, StoryReader } from "../model/ports.ts";
import type { Story } from "../model/types.ts";
import { renderIncidentsCsv, renderIncidentsJson } from "../record/incidents.ts";
import schema from "../record/incidents.schema.json" with { type: "json" };
import { monthlyByActor } from "../record/monthly-chart.ts";
import { RECORD_PAGE_CSP, renderRecordPage } from "../record/record-page.ts";
import { safeJsonStringify } from "../publish/escape.ts";
import { type SiteConfig, siteUrl } from "../publish/view.ts";
import type { ApiRequest, ApiResponse } from "./http.ts";
import { parseStoryQuery } from "./query.ts";
import { readStoryPage } from "./read-page.ts";
import { document } from "./respond.ts";

export interface IncidentsRouteDeps {
  reader: StoryReader;
  site: SiteConfig;
  clock?: Clock;
}

/** The chart reads at most this many pages of 100 stories (the last two years of a busy feed fit). */
const CHART_MAX_PAGES = 20;
const CHART_MONTHS = 24;

export const INCIDENT_PATHS = ["/incidents.json", "/incidents.csv", "/incidents.schema.json", "/record"];

/** The flagged stories of the chart's window, newest first, read page by page. */
async function storiesSince(reader: StoryReader, since: number): Promise<Story[]> {
  const stories: Story[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < CHART_MAX_PAGES; page++) {
    const result = await reader.listFlaggedStories({ limit: 100, cursor });
    stories.push(...result.stories);
    const oldest = result.stories[result.stories.length - 1];
    if (!result.nextCursor || !oldest || Date.parse(oldest.publishedAt) < since) break;
    cursor = result.nextCursor;
  }
  return stories;
}

export async function routeIncidents(
  deps: IncidentsRouteDeps,
  request: ApiRequest,
): Promise<ApiResponse | null> {
  const { path } = request;
  if (path === "/incidents.schema.json") {
    return document("application/schema+json; charset=utf-8", safeJsonStringify(schema));
  }
  if (path === "/record") {
    const now = (deps.clock ?? (() => new Date()))();
    const since = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (CHART_MONTHS - 1), 1);
    const series = monthlyByActor(await storiesSince(deps.reader, since), now, CHART_MONTHS);
    return document("text/html; charset=utf-8", renderRecordPage(series, deps.site), RECORD_PAGE_CSP);
  }
  if (path !== "/incidents.json" && path !== "/incidents.csv") return null;
  const query = parseStoryQuery(request.rawQuery);
  const page = await readStoryPage(deps.reader, query);
  const ctx = { site: deps.site, query, nextCursor: page.nextCursor };
  if (path === "/incidents.json") {
    return document("application/json; charset=utf-8", renderIncidentsJson(page.stories, ctx));
  }
  const response = document("text/csv; charset=utf-8; header=present", renderIncidentsCsv(page.stories, ctx));
  if (page.nextCursor) {
    response.headers.Link = `<${siteUrl(deps.site, "/incidents.csv", query, page.nextCursor)}>; rel="next"`;
  }
  return response;
}
