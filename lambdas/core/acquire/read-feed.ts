/**
 * One feed poll: safe fetch, then parse, folded into one value. Never throws, so one broken feed
 * can never take the others down with it; the caller records the outcome in the feed's state.
 */
import type { Fetcher, FetchFailureKind, FetchRequest } from "./fetcher.ts";
import { FeedParseError, parseFeed } from "../parse/parse-feed.ts";
import type { Article, FeedConfig } from "../model/types.ts";

export interface ReadFeedOptions extends FetchRequest {
  /** Reads the URL (the hardened HTTP client in Lambda and local mode). */
  fetcher: Fetcher;
  /** Fetch time stamped on articles and used to clamp future dates. Default: now. */
  now?: Date;
}

export type FeedReadResult =
  | {
      status: "ok";
      feed: FeedConfig;
      articles: Article[];
      etag?: string;
      lastModified?: string;
      timings: { fetchMs: number; parseMs: number; totalMs: number };
      warnings: string[];
    }
  | {
      status: "not-modified";
      feed: FeedConfig;
      etag?: string;
      lastModified?: string;
      timings: { totalMs: number };
    }
  | {
      status: "failed";
      feed: FeedConfig;
      kind: FetchFailureKind;
      message: string;
      httpStatus?: number;
      retryAfterSeconds?: number;
      timings: { totalMs: number };
    };

/**
 * Polls one feed: conditional GET with the given validators, then parse. Resolves to ok (articles,
 * new validators, timings, warnings), not-modified, or failed with a kind and a message that names
 * the feed. Never rejects.
 */
export async function readFeed(feed: FeedConfig, options: ReadFeedOptions): Promise<FeedReadResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const label = `${feed.name} (${feed.url})`;
  try {
    const { etag, lastModified, signal } = options;
    const fetched = await options.fetcher.fetch(feed.url, { etag, lastModified, signal });
    if (fetched.status === "not-modified") {
      return {
        status: "not-modified",
        feed,
        ...pick(fetched, "etag", "lastModified"),
        timings: { totalMs: elapsed() },
      };
    }
    if (fetched.status === "failed") {
      return {
        status: "failed",
        feed,
        kind: fetched.kind,
        message: `${label}: ${fetched.message}`,
        ...pick(fetched, "httpStatus", "retryAfterSeconds"),
        timings: { totalMs: elapsed() },
      };
    }

    const fetchMs = fetched.timings.totalMs;
    const parseStarted = performance.now();
    const parsed = await parseFeed(fetched.body, {
      feed,
      fetchedAt: options.now ?? new Date(),
      baseUrl: fetched.finalUrl,
    });
    const articles = parsed.articles;
    const parseMs = Math.round(performance.now() - parseStarted);
    const warnings = [
      ...(fetched.charsetWarning ? [fetched.charsetWarning] : []),
      ...(parsed.warnings ?? []),
    ];
    if (fetched.finalUrl !== fetched.url) warnings.push(`redirected to ${fetched.finalUrl}`);
    return {
      status: "ok",
      feed,
      articles,
      ...pick(fetched, "etag", "lastModified"),
      timings: { fetchMs, parseMs, totalMs: elapsed() },
      warnings,
    };
  } catch (error) {
    if (error instanceof FeedParseError) {
      return {
        status: "failed",
        feed,
        kind: error.kind,
        message: `${label}: ${error.message}`,
        timings: { totalMs: elapsed() },
      };
    }
    // Nothing else should throw; if something does, it is still this feed's failure, not the poll's.
    return {
      status: "failed",
      feed,
      kind: "bad-xml",
      message: `${label}: unexpected error while reading the feed: ${(error as Error)?.message ?? String(error)}`,
      timings: { totalMs: elapsed() },
    };
  }
}

function pick<T extends object, K extends keyof T>(source: T, ...keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
