/**
 * The small request/response shape the API core works on. The Lambda handler and the local
 * node:http server both translate to and from it (see apigw.ts), so routing, validation
 * and caching are tested without either.
 */
import type { StoryPage } from "../model/ports.ts";

export interface ApiRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Path without the query string, percent-encoding intact (e.g. "/items/abc"). */
  path: string;
  /** The raw query string without "?" (e.g. "limit=10&severity=high"). */
  rawQuery: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  /** Absolute origin the client used ("https://abc.execute-api.eu-west-1.amazonaws.com"), for links when no public base URL is configured. */
  origin?: string;
  /** Correlation id for logs. */
  requestId?: string;
  /** The request body as text (POST routes only). */
  body?: string;
  /** The client's IP as the front door saw it (API Gateway's sourceIp), for per-client limits. */
  clientIp?: string;
}

export interface ApiResponse {
  status: number;
  /** Header names in canonical case. */
  headers: Record<string, string>;
  body: string;
  /** The body's ETag when already known (computed from the body otherwise). */
  etag?: string;
  /**
   * Compressed forms of `body`, filled the first time a client asks for one and kept by whoever
   * keeps this object (the rendering cache), so a cached page is compressed once.
   */
  encoded?: EncodedBodies;
  /** Set by finalize when the answer is sent compressed: the bytes, base64 (with Content-Encoding). */
  base64Body?: string;
  /**
   * The page cache's page this feed answer shows: the answer may be repeated, as it is, to the
   * same request while the page cache serves that page (see answer-cache.ts).
   */
  cachedPage?: StoryPage;
}

/** A body's gzip form, as base64 (what API Gateway's isBase64Encoded answers carry). */
export interface EncodedBodies {
  gzipBase64?: string;
}

/** An error meant for the client: its status, a stable code, and a message safe to show. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The query parameter at fault, for 400s. */
    readonly parameter?: string,
    /** Extra response headers (Allow on a 405). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}
