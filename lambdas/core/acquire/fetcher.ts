/**
 * The port through which core reads a URL. The hardened HTTP client (adapters/http-fetcher.ts)
 * implements it; tests may pass any other. Core never opens a socket itself.
 */
export type FetchFailureKind =
  | "timeout"
  | "too-large"
  | "http-status"
  | "bad-xml"
  | "not-a-feed"
  | "blocked-address"
  | "dns"
  | "tls"
  | "too-many-redirects"
  | "network"
  | "bad-url";

/** What one request carries besides the URL: the validators for a conditional GET, and a way to stop early. */
export interface FetchRequest {
  etag?: string;
  lastModified?: string;
  /** Aborts the fetch early (e.g. when the Lambda is about to time out); reported as "timeout". */
  signal?: AbortSignal;
}

export type FetchResult =
  | {
      status: "ok";
      url: string;
      finalUrl: string;
      httpStatus: number;
      body: string;
      contentType?: string;
      charset: string;
      etag?: string;
      lastModified?: string;
      /** Bytes after decompression. */
      bytes: number;
      timings: { totalMs: number };
      /** Set when the declared charset was unknown or contradicted by the bytes. */
      charsetWarning?: string;
    }
  | {
      status: "not-modified";
      url: string;
      etag?: string;
      lastModified?: string;
      timings: { totalMs: number };
    }
  | {
      status: "failed";
      url: string;
      kind: FetchFailureKind;
      message: string;
      httpStatus?: number;
      retryAfterSeconds?: number;
      timings: { totalMs: number };
    };

/** Never rejects: every outcome, including every failure, is a FetchResult. */
export interface Fetcher {
  fetch(url: string, request: FetchRequest): Promise<FetchResult>;
}
