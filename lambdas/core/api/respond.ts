/**
 * The headers every answer gets (ETag, caching, CORS, nosniff, CSP), conditional requests
 * (304 for a matching If-None-Match) and HEAD (same headers, no body).
 */
import { createHash } from "node:crypto";
import { safeJsonStringify } from "../publish/escape.ts";
import type { ApiRequest, ApiResponse, HttpError } from "./http.ts";

/** Methods the API answers; anything else gets 405 with this list in Allow. */
export const ALLOWED_METHODS = "GET, HEAD, OPTIONS";
/** Shared caches and browsers may keep an answer for a minute; the feed changes every few. */
export const CACHE_CONTROL = "public, max-age=60";
// Nothing in a JSON or XML answer should ever run or load if a browser opens it.
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Strong ETag of a body: a quoted, truncated SHA-256 in base64url. */
export function etagOf(body: string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

/** True when an If-None-Match header value (a list, weak tags, or `*`) matches the ETag. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => {
    const tag = candidate.trim();
    return tag === "*" || tag.replace(/^W\//, "") === bare;
  });
}

/** Headers that go on every answer, errors included. */
export function commonHeaders(): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  };
}

/** A 200 answer with a rendered document; `csp` defaults to "load and run nothing". */
export function document(contentType: string, body: string, csp = DATA_CSP): ApiResponse {
  return { status: 200, headers: { "Content-Type": contentType, "Content-Security-Policy": csp }, body };
}

/** A JSON answer (markup characters escaped as \u003c etc.). */
export function json(status: number, value: unknown): ApiResponse {
  return {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Content-Security-Policy": DATA_CSP },
    body: safeJsonStringify(value),
  };
}

/** The JSON body for a client error: `{ "error": { status, code, message, parameter? } }`. */
export function errorResponse(error: HttpError): ApiResponse {
  const body: Record<string, unknown> = { status: error.status, code: error.code, message: error.message };
  if (error.parameter) body.parameter = error.parameter;
  const response = json(error.status, { error: body });
  Object.assign(response.headers, error.headers);
  return response;
}

/** Marks a successful answer cacheable; errors other than 5xx are cacheable too (they change only with a deploy). */
function cacheControl(status: number): string {
  return status >= 500 ? "no-store" : CACHE_CONTROL;
}

/**
 * Adds the shared headers and the ETag, answers 304 when the client already holds this
 * body, and drops the body for HEAD (keeping the GET's ETag and Content-Type).
 */
export function finalize(request: ApiRequest, response: ApiResponse): ApiResponse {
  const headers: Record<string, string> = { ...commonHeaders(), ...response.headers };
  headers["Cache-Control"] ??= cacheControl(response.status);
  if (response.status === 204) return { status: 204, headers, body: "" };

  const etag = response.etag ?? etagOf(response.body);
  headers.ETag = etag;
  const conditional = response.status === 200 && (request.method === "GET" || request.method === "HEAD");
  if (conditional && matchesIfNoneMatch(request.headers["if-none-match"], etag)) {
    // A 304 carries the validators and caching headers but no body or Content-Type.
    delete headers["Content-Type"];
    return { status: 304, headers, body: "" };
  }
  return { status: response.status, headers, body: request.method === "HEAD" ? "" : response.body };
}
