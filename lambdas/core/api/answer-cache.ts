/**
 * Finished answers to repeated feed requests. While the page cache hands out the same page, a
 * GET or HEAD of /feed.json or /feed.xml with the same path, query and origin gets one of the
 * answers already built for that page: one per variant (method, gzip or not, 200 or 304), each
 * with its headers (ETag, Content-Type, Cache-Control, Vary, encoding) and body made once, by
 * finalize, when first asked for. So a repeat is a lookup and a write of stored bytes, with no
 * routing, query parsing, rendering lookup or header building.
 *
 * The lookup allocates nothing: the page is found by its path, query and origin strings in
 * nested maps (no key is built), Accept-Encoding is compared with the last value seen before it
 * is parsed again, and If-None-Match with the variant's ETag before the list is parsed (only a
 * value other than the ETag itself, such as a stale one, is parsed). Answers
 * are repeated exactly while the page cache would hand out the page they show (see
 * pageStillServed): while it is fresh, and after expiry while its replacement is being read, when
 * the page cache hands the expired page to everyone but the reader; so a refresh sends no more
 * requests down the whole way than it sends to the store. Only answers built from a cached page
 * are kept (see ApiResponse.cachedPage); errors never are.
 */
import type { StoryPage } from "../model/ports.ts";
import { pageFreshUntil, pageStillServed } from "./cached-reader.ts";
import type { ApiRequest, ApiResponse } from "./http.ts";
import { acceptsGzip, matchesIfNoneMatch } from "./respond.ts";

/** Paths whose answers are a pure function of the request's identifying parts and the cached page. */
const REPEATABLE_PATHS = new Set(["/feed.json", "/feed.xml"]);
/**
 * Pages (path, query, origin) added before the cache starts again empty. Counted as added (a
 * refreshed page counts again), so a stream of distinct queries cannot grow the maps past this.
 */
const MAX_PAGES = 100;
/** Pages with a longer query or origin (odd clients) are answered without this cache. */
const MAX_KEY_LENGTH = 2048;

/**
 * The kept answer for a request given by the parts an answer depends on, if one is still fresh.
 * `method` is upper-case; `acceptEncoding` and `ifNoneMatch` are the header values.
 */
export type RepeatLookup = (
  method: string,
  path: string,
  rawQuery: string,
  origin: string | undefined,
  acceptEncoding: string | undefined,
  ifNoneMatch: string | undefined,
) => ApiResponse | undefined;

export interface AnswerCache {
  /** The kept answer for this request, if one is still fresh. */
  get(request: ApiRequest): ApiResponse | undefined;
  /** The same lookup, from the request's parts (the Lambda adapter's path, with no ApiRequest built). */
  lookup: RepeatLookup;
  /** Keeps `answer`, built from the page cache's `page`, for repeats of `request` while that page is served. */
  set(request: ApiRequest, answer: ApiResponse, page: StoryPage): void;
}

/**
 * One page's answers. Slots: +4 for HEAD, +2 for gzip, +1 for 304; so a 200 and its 304 sit
 * side by side and share the ETag the 304 is decided on.
 */
interface PageAnswers {
  page: StoryPage;
  /** The page's expiry: until then no need to ask the page cache whether it still serves the page. */
  freshUntil: number;
  slots: (ApiResponse | undefined)[];
}

function slotBase(method: string, gzip: boolean): number {
  return (method === "HEAD" ? 4 : 0) + (gzip ? 2 : 0);
}

/** An answer cache on the clock `now` (epoch ms), the same clock as the page cache's. */
export function createAnswerCache(now: () => number): AnswerCache {
  // path -> raw query -> origin ("" for none) -> answers
  let pages = new Map<string, Map<string, Map<string, PageAnswers>>>();
  let added = 0;
  // Clients send the same few Accept-Encoding values over and over: parse a new one only.
  let lastAcceptEncoding: string | undefined;
  let lastGzip = false;
  const gzipFor = (header: string | undefined): boolean => {
    if (!header) return false;
    if (header !== lastAcceptEncoding) {
      lastGzip = acceptsGzip(header);
      lastAcceptEncoding = header;
    }
    return lastGzip;
  };

  const find = (path: string, rawQuery: string, origin: string | undefined) =>
    pages
      .get(path)
      ?.get(rawQuery)
      ?.get(origin ?? "");

  const lookup: RepeatLookup = (method, path, rawQuery, origin, acceptEncoding, ifNoneMatch) => {
    if (method !== "GET" && method !== "HEAD") return undefined;
    const page = find(path, rawQuery, origin);
    if (!page) return undefined;
    if (page.freshUntil <= now()) {
      // Expired: repeated only while the page cache still hands this page out (a refresh in flight).
      if (!pageStillServed(page.page, now())) return undefined;
    }
    const base = slotBase(method, gzipFor(acceptEncoding));
    const full = page.slots[base];
    if (!ifNoneMatch) return full;
    const etag = (full ?? page.slots[base + 1])?.headers.ETag;
    if (etag === undefined) return undefined;
    return ifNoneMatch === etag || matchesIfNoneMatch(ifNoneMatch, etag) ? page.slots[base + 1] : full;
  };

  return {
    lookup,
    get: (request) =>
      lookup(
        request.method,
        request.path,
        request.rawQuery,
        request.origin,
        request.headers["accept-encoding"],
        request.headers["if-none-match"],
      ),
    set(request, answer, shown) {
      const { method, path, rawQuery } = request;
      if (method !== "GET" && method !== "HEAD") return;
      if (!REPEATABLE_PATHS.has(path) || (answer.status !== 200 && answer.status !== 304)) return;
      const origin = request.origin ?? "";
      const freshUntil = pageFreshUntil(shown);
      if (rawQuery.length + origin.length > MAX_KEY_LENGTH || freshUntil === undefined) return;
      if (!pageStillServed(shown, now())) return;
      let page = find(path, rawQuery, origin);
      // A late answer from an older page never replaces a newer page's answers.
      if (page && page.page !== shown && page.freshUntil > freshUntil) return;
      if (!page || page.page !== shown) {
        if (++added > MAX_PAGES) {
          pages = new Map();
          added = 1;
        }
        page = { page: shown, freshUntil, slots: [] };
        let byQuery = pages.get(path);
        if (!byQuery) pages.set(path, (byQuery = new Map()));
        let byOrigin = byQuery.get(rawQuery);
        if (!byOrigin) byQuery.set(rawQuery, (byOrigin = new Map()));
        byOrigin.set(origin, page);
      }
      const base = slotBase(method, gzipFor(request.headers["accept-encoding"]));
      page.slots[base + (answer.status === 304 ? 1 : 0)] = answer;
    },
  };
}
