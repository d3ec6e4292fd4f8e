/**
 * The public API: routes a request to the JSON Feed, RSS, HTML page or one story, and
 * shapes every answer (errors as JSON, never a raw error; ETag, caching, CORS). Pure: it
 * reads stories through the StoryReader port it is given.
 */
import type { Clock, FeedStateReader, Log, StoryPage, StoryReader } from "../model/ports.ts";
import { ERROR_PAGE_CSP, prefersHtml, renderErrorPage } from "../publish/error-page.ts";
import { type FeedHealth, statusCode, summariseFeeds } from "../publish/status.ts";
import { renderStoryPage, STORY_PAGE_CSP } from "../publish/story-page.ts";
import { HTML_CSP, renderHtml } from "../publish/html.ts";
import { renderJsonFeed, toJsonFeedItem } from "../publish/jsonfeed.ts";
import { renderRss } from "../publish/rss.ts";
import type { RenderContext, SiteConfig } from "../publish/view.ts";
import type { Story } from "../model/types.ts";
import { createAnswerCache, type RepeatLookup } from "./answer-cache.ts";
import { readStoryPage } from "./read-page.ts";
import { cachedStoryReader, pageFreshUntil } from "./cached-reader.ts";
import { routeIncidents } from "./incidents-route.ts";
import { type ApiRequest, type ApiResponse, type EncodedBodies, HttpError } from "./http.ts";
import { parseStoryQuery } from "./query.ts";
import { isSubscriptionPath, routeSubscriptions, type SubscriptionRoutes } from "./subscription-routes.ts";
import { ALLOWED_METHODS, document, errorResponse, etagOf, finalize, json } from "./respond.ts";

/** Site identity; `baseUrl` may be left out to use the origin each request arrived on. */
export interface ApiSite {
  title: string;
  description: string;
  baseUrl?: string;
  /** WebSub hub named in /feed.xml and /feed.json; absent = none. */
  hubUrl?: string;
}

export interface ApiDeps {
  reader: StoryReader;
  site: ApiSite;
  log: Log;
  /**
   * Keep each feed page in memory this long (ms) and share concurrent identical reads; 0 or
   * absent reads the store on every request. See cached-reader.ts.
   */
  cacheTtlMs?: number;
  /** Time source for the cache and the signs of life; tests control it. */
  clock?: Clock;
  /** Feed states, for "last polled / failing" on the page and GET /status.json; absent: neither. */
  feedStates?: FeedStateReader;
  /** Threshold shown on pages of stories stored without one (the API bundle carries no rules). */
  threshold?: number;
  /** Public sign-up (POST /subscriptions and, locally, the confirm/unsubscribe links); absent = no sign-up. */
  subscriptions?: SubscriptionRoutes;
}

export interface ApiApp {
  (request: ApiRequest): Promise<ApiResponse>;
  /**
   * With the page cache on: the finished answer to a repeat of a feed request, found from the
   * request's parts without building an ApiRequest (see answer-cache.ts); undefined = call the app.
   */
  repeat?: RepeatLookup;
}

/** Title and description used when the operator sets none. */
export const DEFAULT_SITE: ApiSite = {
  title: "heistwatch",
  description: "News of state-sponsored theft of money (Lazarus Group and kin), scored and explained.",
};

const STORY_ID = /^[A-Za-z0-9_.:~-]{1,200}$/;

function siteFor(site: ApiSite, request: ApiRequest): SiteConfig {
  const baseUrl = (site.baseUrl ?? request.origin ?? "http://localhost").replace(/\/+$/, "");
  return {
    title: site.title,
    description: site.description,
    baseUrl,
    ...(site.hubUrl ? { hubUrl: site.hubUrl } : {}),
  };
}

type Renderer = (stories: Story[], ctx: RenderContext) => string;

interface Rendered {
  body: string;
  etag: string;
  /** The body's compressed forms, made on first demand and cached with the rendering. */
  encoded: EncodedBodies;
  /** The page it shows, when that came from the page cache (absent without the cache). */
  cachedPage?: StoryPage;
}

/**
 * Rendered bodies by page object. The cached reader hands out the same StoryPage object for
 * as long as it caches it, so repeated requests skip rendering and hashing (about 1 ms for a
 * 50-item page); the entries vanish with the page. Without the cache every page is new and
 * this never hits.
 */
const renderedByPage = new WeakMap<StoryPage, Map<string, Rendered>>();

/** Reads the requested page and renders it with `render`, reusing an earlier rendering of the same page. */
async function renderPage(
  deps: ApiDeps,
  request: ApiRequest,
  format: string,
  render: Renderer,
): Promise<Rendered> {
  const query = parseStoryQuery(request.rawQuery);
  const page = await readStoryPage(deps.reader, query);
  const site = siteFor(deps.site, request);
  // The page shows "last polled N min ago": a rendering is reused only within the same minute.
  const minute = format === "html" ? Math.floor(now(deps).getTime() / 60_000) : 0;
  const key = JSON.stringify([format, site.baseUrl, query, minute]);
  let renderings = renderedByPage.get(page);
  const done = renderings?.get(key);
  const cachedPage = pageFreshUntil(page) === undefined ? undefined : page;
  if (done) return { ...done, cachedPage };
  const health = format === "html" ? await readHealth(deps) : undefined;
  const body = render(page.stories, { site, query, nextCursor: page.nextCursor, health });
  const rendered: Rendered = { body, etag: etagOf(body), encoded: {} };
  if (!renderings) {
    renderings = new Map();
    renderedByPage.set(page, renderings);
  }
  // Bounded: one page object sees few distinct origins and formats, but Host headers vary.
  if (renderings.size < 16) renderings.set(key, rendered);
  return { ...rendered, cachedPage };
}

const now = (deps: ApiDeps) => (deps.clock ?? (() => new Date()))();

/** Feed health now, or undefined when the API was given no feed states. */
async function readHealth(deps: ApiDeps): Promise<FeedHealth | undefined> {
  if (!deps.feedStates) return undefined;
  return summariseFeeds(await deps.feedStates.listFeedStates(), now(deps));
}

/** The story id in /items/{id} or /stories/{id}; "" when it cannot be decoded. */
function idAfter(path: string, prefix: string): string {
  try {
    return decodeURIComponent(path.slice(prefix.length));
  } catch {
    return "";
  }
}

/**
 * Request headers an answer's body was derived from, for `Vary`: the links' origin comes from
 * the request's domain and scheme only when no base URL is configured.
 */
function varyFor(deps: ApiDeps): string | undefined {
  return deps.site.baseUrl ? undefined : "Host, X-Forwarded-Proto";
}

async function route(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const response = await routeToDocument(deps, request);
  const vary = varyFor(deps);
  if (vary && response.status === 200) response.headers.Vary = vary;
  return response;
}

async function routeToDocument(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  const { path } = request;
  if (path === "/feed.json") {
    const { body, etag, encoded, cachedPage } = await renderPage(deps, request, "json", renderJsonFeed);
    return { ...document("application/feed+json; charset=utf-8", body), etag, encoded, cachedPage };
  }
  if (path === "/feed.xml") {
    const { body, etag, encoded, cachedPage } = await renderPage(deps, request, "rss", renderRss);
    return { ...document("application/rss+xml; charset=utf-8", body), etag, encoded, cachedPage };
  }
  if (path === "/" || path === "/index.html") {
    const { body, etag, encoded } = await renderPage(deps, request, "html", renderHtml);
    return { ...document("text/html; charset=utf-8", body, HTML_CSP), etag, encoded };
  }
  if (path.startsWith("/items/") || path.startsWith("/stories/")) {
    const page = path.startsWith("/stories/");
    const id = idAfter(path, page ? "/stories/" : "/items/");
    // An id that cannot exist is not worth a database read.
    const story = STORY_ID.test(id) ? await deps.reader.getStory(id) : null;
    if (!story) throw new HttpError(404, "not_found", "no story with this id");
    const site = siteFor(deps.site, request);
    if (!page) return json(200, toJsonFeedItem(story, site));
    const body = renderStoryPage(story, { site, threshold: story.threshold ?? deps.threshold });
    return document("text/html; charset=utf-8", body, STORY_PAGE_CSP);
  }
  if (path === "/status.json") {
    if (!deps.feedStates)
      throw new HttpError(404, "not_found", "this deployment does not report feed status");
    const health = (await readHealth(deps))!;
    // Monitors poll this to notice a stopped poller: always revalidate.
    const response = json(statusCode(health), health);
    response.headers["Cache-Control"] = "no-cache";
    return response;
  }
  const incidents = await routeIncidents(
    { reader: deps.reader, site: siteFor(deps.site, request), clock: deps.clock },
    request,
  );
  if (incidents) return incidents;
  throw new HttpError(
    404,
    "not_found",
    "no such path; try /, /feed.json, /feed.xml, /items/{id}, /stories/{id}, /status.json or /record",
  );
}

/** The error as a page for browsers, with the same status and extra headers (Allow on a 405). */
function htmlError(error: HttpError, baseUrl: string): ApiResponse {
  const body = renderErrorPage({
    status: error.status,
    code: error.code,
    message: error.message,
    parameter: error.parameter,
    homeUrl: `${baseUrl}/`,
  });
  const page = document("text/html; charset=utf-8", body, ERROR_PAGE_CSP);
  return { ...page, status: error.status, headers: { ...page.headers, ...error.headers } };
}

/**
 * Builds the API. The returned function never throws: client errors become JSON 4xx
 * answers, anything else is logged and answered with a generic 500.
 */
export function createApi(options: ApiDeps): ApiApp {
  const deps: ApiDeps = options.cacheTtlMs
    ? {
        ...options,
        reader: cachedStoryReader(options.reader, { ttlMs: options.cacheTtlMs, clock: options.clock }),
      }
    : options;
  const clock = options.clock;
  const answers = options.cacheTtlMs
    ? createAnswerCache(clock ? () => clock().getTime() : Date.now)
    : undefined;
  const app: ApiApp = async (request) => {
    const repeated = answers?.get(request);
    if (repeated) return repeated;
    let response: ApiResponse;
    try {
      if (request.method === "OPTIONS") {
        response = {
          status: 204,
          headers: {
            "Access-Control-Allow-Methods": "GET, HEAD",
            "Access-Control-Allow-Headers": "If-None-Match, Accept",
            "Access-Control-Max-Age": "86400",
            Allow: ALLOWED_METHODS,
          },
          body: "",
        };
      } else if (deps.subscriptions && isSubscriptionPath(request.path)) {
        response = await routeSubscriptions(deps.subscriptions, request, siteFor(deps.site, request).baseUrl);
      } else if (request.method !== "GET" && request.method !== "HEAD") {
        throw new HttpError(
          405,
          "method_not_allowed",
          `method ${request.method.slice(0, 20)} is not allowed`,
          undefined,
          {
            Allow: ALLOWED_METHODS,
          },
        );
      } else {
        response = await route(deps, request);
      }
    } catch (error) {
      if (error instanceof HttpError) {
        response = prefersHtml(request.headers.accept)
          ? htmlError(error, siteFor(deps.site, request).baseUrl)
          : errorResponse(error);
      } else {
        deps.log.error("api request failed", {
          requestId: request.requestId,
          method: request.method,
          path: request.path.slice(0, 300),
          error:
            error instanceof Error
              ? { name: error.name, message: error.message, stack: error.stack }
              : String(error),
        });
        response = json(500, {
          error: { status: 500, code: "internal_error", message: "something went wrong; try again later" },
        });
      }
    }
    const answer = finalize(request, response);
    if (response.cachedPage) answers?.set(request, answer, response.cachedPage);
    return answer;
  };
  if (answers) app.repeat = answers.lookup;
  return app;
}
