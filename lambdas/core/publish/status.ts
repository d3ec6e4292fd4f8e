/**
 * Signs of life: when the feeds were last polled and how many are failing, for the page
 * (one line under the header) and for monitors (GET /status.json). A monitor that stopped
 * polling, or whose every feed fails, must not look like a quiet healthy one.
 */
import type { FeedState } from "../model/types.ts";
import { escapeHtml } from "./escape.ts";

/** No poll for this long means the scheduler or poller has stopped. */
export const STALE_AFTER_MINUTES = 60;

/** ok; degraded (some feeds failing); down (all failing); stale (no recent poll); unknown (never polled). */
export type HealthState = "ok" | "degraded" | "down" | "stale" | "unknown";

export interface FailingFeed {
  feedId: string;
  /** Failure kind ("timeout", "http-503", ...); the error text stays in the logs. */
  lastStatus: string;
  failingSince: string | null;
  consecutiveFailures: number;
}

export interface FeedHealth {
  state: HealthState;
  /** Most recent poll of any feed (ISO), or null when none was ever polled. */
  lastPolledAt: string | null;
  /** Minutes since lastPolledAt, rounded down. */
  minutesSincePoll: number | null;
  feeds: number;
  failing: number;
  failingFeeds: FailingFeed[];
  checkedAt: string;
}

/** Sums up the stored feed states at `now`. */
export function summariseFeeds(
  states: FeedState[],
  now: Date,
  staleAfterMinutes = STALE_AFTER_MINUTES,
): FeedHealth {
  const polled = states
    .map((state) => state.lastPolledAt)
    .filter((at): at is string => typeof at === "string" && !Number.isNaN(Date.parse(at)))
    .sort();
  const lastPolledAt = polled.at(-1) ?? null;
  const minutesSincePoll =
    lastPolledAt === null
      ? null
      : Math.max(0, Math.floor((now.getTime() - Date.parse(lastPolledAt)) / 60_000));
  const failingFeeds = states
    .filter((state) => state.consecutiveFailures > 0)
    .map((state) => ({
      feedId: state.feedId,
      lastStatus: state.lastStatus,
      failingSince: state.failingSince ?? null,
      consecutiveFailures: state.consecutiveFailures,
    }))
    .sort((a, b) => a.feedId.localeCompare(b.feedId));
  let state: HealthState = "ok";
  if (lastPolledAt === null) state = "unknown";
  else if (minutesSincePoll! > staleAfterMinutes) state = "stale";
  else if (failingFeeds.length === states.length) state = "down";
  else if (failingFeeds.length > 0) state = "degraded";
  return {
    state,
    lastPolledAt,
    minutesSincePoll,
    feeds: states.length,
    failing: failingFeeds.length,
    failingFeeds,
    checkedAt: now.toISOString(),
  };
}

/** HTTP status for monitors: 503 when nothing is being read (stale or all feeds failing). */
export function statusCode(health: FeedHealth): number {
  return health.state === "down" || health.state === "stale" ? 503 : 200;
}

function ago(minutes: number): string {
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return `${Math.floor(minutes / 1440)} days ago`;
}

/** One line for the page: "Feeds last polled 4 min ago; 2 of 22 failing." */
export function renderStatusLine(health: FeedHealth, statusUrl: string): string {
  const polled =
    health.lastPolledAt === null
      ? "Feeds not polled yet"
      : `Feeds last polled <time datetime="${escapeHtml(health.lastPolledAt)}">${ago(health.minutesSincePoll ?? 0)}</time>`;
  const failing =
    health.failing === 0 ? `all ${health.feeds} healthy` : `${health.failing} of ${health.feeds} failing`;
  const warning =
    health.state === "stale"
      ? " Polling has stopped: stories below may be out of date."
      : health.state === "down"
        ? " Every feed is failing: no news is being read."
        : "";
  return (
    `<p class="health ${health.state}" role="status">${polled}; ${health.feeds > 0 ? failing : "no feeds yet"}.` +
    `${warning} <a href="${escapeHtml(statusUrl)}">status.json</a></p>`
  );
}
