/**
 * When to poll a feed: every cycle while it is healthy; after failures, exponential backoff
 * with jitter and a cap, and never sooner than the server's Retry-After. Pure.
 */
import type { FeedConfig, FeedState } from "../model/types.ts";

/** Backoff after the first failure, doubling per consecutive failure. */
export const BACKOFF_BASE_SECONDS = 5 * 60;
/** A failing feed is still retried at least this often. */
export const BACKOFF_CAP_SECONDS = 6 * 60 * 60;
/** A Retry-After beyond this is treated as this: a typo'd header must not silence a feed for weeks. */
export const RETRY_AFTER_CAP_SECONDS = 24 * 60 * 60;

/**
 * Seconds to wait after `consecutiveFailures` (>= 1) failures: base * 2^(n-1), capped, with
 * "equal jitter" (half fixed, half random) so that feeds failing together do not retry together.
 */
export function backoffSeconds(consecutiveFailures: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(consecutiveFailures - 1, 30));
  const ceiling = Math.min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The next poll time after a failure: the backoff, or the server's Retry-After when that is later. */
export function nextPollAfterFailure(
  now: Date,
  consecutiveFailures: number,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): Date {
  const backoff = backoffSeconds(consecutiveFailures, random);
  const retryAfter = Math.min(Math.max(0, retryAfterSeconds ?? 0), RETRY_AFTER_CAP_SECONDS);
  return new Date(now.getTime() + Math.max(backoff, retryAfter) * 1000);
}

/**
 * Feeds to poll now: those never polled, those whose URL changed since their state was written
 * (a new URL owes nothing to the old one's failures), and those whose nextPollAt has passed.
 */
export function dueFeeds(feeds: FeedConfig[], states: FeedState[], now: Date): FeedConfig[] {
  const byId = new Map(states.map((state) => [state.feedId, state]));
  return feeds.filter((feed) => {
    const state = byId.get(feed.id);
    if (!state || state.url !== feed.url || !state.nextPollAt) return true;
    const next = Date.parse(state.nextPollAt);
    return Number.isNaN(next) || next <= now.getTime();
  });
}
