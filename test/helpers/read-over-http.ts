/** readFeed through the real hardened HTTP fetcher, set up from one options bag as tests write it. */
import { createHttpFetcher, type FetchOptions } from "../../lambdas/adapters/http-fetcher.ts";
import { type FeedReadResult, readFeed } from "../../lambdas/core/acquire/read-feed.ts";
import type { FeedConfig } from "../../lambdas/core/model/types.ts";

export function readFeedOverHttp(
  feed: FeedConfig,
  options: FetchOptions & { now?: Date } = {},
): Promise<FeedReadResult> {
  const { etag, lastModified, signal, now, ...fetcherOptions } = options;
  return readFeed(feed, { fetcher: createHttpFetcher(fetcherOptions), etag, lastModified, signal, now });
}
