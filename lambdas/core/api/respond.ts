/**
 * The headers every answer gets (ETag, caching, CORS, nosniff, CSP), conditional requests
 * (304 for a matching If-None-Match) and HEAD (same headers, no body).
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { safeJsonStringify } from "../publish/escape.ts";
import type { ApiRequest, ApiResponse, EncodedBodies, HttpError } from "./http.ts";

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

// Below this, gzip's framing and the client's inflating cost more than the bytes saved.
const COMPRESS_MIN_BYTES = 1024;

/** True when an Accept-Encoding header value accepts gzip (named, or `*`, with a q above 0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let gzip: number | undefined;
  let any: number | undefined;
  for (const part of header.toLowerCase().split(",")) {
    const [coding = "", ...params] = part.split(";").map((p) => p.trim());
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const weight = Number.isFinite(q) ? q : 0;
    if (coding === "gzip" || coding === "x-gzip") gzip = weight;
    else if (coding === "*") any = weight;
  }
  return (gzip ?? any ?? 0) > 0;
}

/** The gzip form of `body` as base64, computed once per `memo`. */
function gzipBase64(body: string, memo: EncodedBodies): string {
  memo.gzipBase64 ??= gzipSync(body, { level: 6 }).toString("base64");
  return memo.gzipBase64;
}

/** The ETag of the gzip representation: a strong validator must differ per encoding. */
function gzipEtag(etag: string): string {
  return etag.endsWith('"') ? `${etag.slice(0, -1)}-gz"` : `${etag}-gz`;
}

function addVary(headers: Record<string, string>, name: string): void {
  const present = headers.Vary?.split(",").map((v) => v.trim().toLowerCase()) ?? [];
  if (!present.includes(name.toLowerCase())) headers.Vary = headers.Vary ? `${headers.Vary}, ${name}` : name;
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

  const conditional = response.status === 200 && (request.method === "GET" || request.method === "HEAD");
  // Documents big enough to compress are sent gzipped to clients that accept it; which one a
  // client gets depends on its Accept-Encoding, so shared caches must key on it (Vary).
  const compressible = conditional && response.body.length >= COMPRESS_MIN_BYTES;
  const gzip = compressible && acceptsGzip(request.headers["accept-encoding"]);
  if (compressible) addVary(headers, "Accept-Encoding");
  const identityEtag = response.etag ?? etagOf(response.body);
  const etag = gzip ? gzipEtag(identityEtag) : identityEtag;
  headers.ETag = etag;
  if (conditional && matchesIfNoneMatch(request.headers["if-none-match"], etag)) {
    // A 304 carries the validators and caching headers but no body or Content-Type.
    delete headers["Content-Type"];
    return { status: 304, headers, body: "" };
  }
  if (gzip) {
    headers["Content-Encoding"] = "gzip";
    if (request.method === "HEAD") return { status: response.status, headers, body: "" };
    const base64Body = gzipBase64(response.body, (response.encoded ??= {}));
    return { status: response.status, headers, body: "", base64Body };
  }
  return { status: response.status, headers, body: request.method === "HEAD" ? "" : response.body };
}
