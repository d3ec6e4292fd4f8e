/**
 * Finished answers to repeated feed requests. While the page cache hands out the same page, a
 * request for /feed.json or /feed.xml identical in everything the answer depends on (method,
 * path, query, origin, Accept-Encoding, If-None-Match) gets the same answer: so such a request
 * is a lookup and a write of stored bytes, with no routing, query parsing, rendering lookup or
 * header building. An answer is kept only until the page it shows stops being fresh (never
 * longer than the page cache would have served that page), and only answers built from a fresh
 * cached page are kept (see ApiResponse.freshUntil); errors never are.
 */
import type { ApiRequest, ApiResponse } from "./http.ts";

/** Paths whose answers are a pure function of the request and the cached page. */
const REPEATABLE_PATHS = new Set(["/feed.json", "/feed.xml"]);
/** Distinct requests kept; the oldest goes first. */
const MAX_ANSWERS = 100;
/** Requests with longer identifying headers (odd clients) are answered without this cache. */
const MAX_KEY_LENGTH = 2048;

export interface AnswerCache {
  /** The kept answer for this request, if one is still fresh. */
  get(request: ApiRequest): ApiResponse | undefined;
  /** Keeps `answer` for repeats of `request` until `freshUntil` (epoch ms). */
  set(request: ApiRequest, answer: ApiResponse, freshUntil: number): void;
}

function keyOf(request: ApiRequest): string | undefined {
  if (request.method !== "GET" && request.method !== "HEAD") return undefined;
  if (!REPEATABLE_PATHS.has(request.path)) return undefined;
  const { headers } = request;
  const key = `${request.method} ${request.path}?${request.rawQuery}\n${request.origin ?? ""}\n${headers["accept-encoding"] ?? ""}\n${headers["if-none-match"] ?? ""}`;
  return key.length <= MAX_KEY_LENGTH ? key : undefined;
}

/** An answer cache on the clock `now` (epoch ms), the same clock as the page cache's. */
export function createAnswerCache(now: () => number): AnswerCache {
  const answers = new Map<string, { answer: ApiResponse; freshUntil: number }>();
  return {
    get(request) {
      const key = keyOf(request);
      if (key === undefined) return undefined;
      const kept = answers.get(key);
      if (!kept) return undefined;
      if (kept.freshUntil > now()) return kept.answer;
      answers.delete(key);
      return undefined;
    },
    set(request, answer, freshUntil) {
      const key = keyOf(request);
      if (key === undefined || (answer.status !== 200 && answer.status !== 304)) return;
      if (freshUntil <= now()) return;
      answers.delete(key);
      answers.set(key, { answer, freshUntil });
      if (answers.size > MAX_ANSWERS) answers.delete(answers.keys().next().value!);
    },
  };
}
