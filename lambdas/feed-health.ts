/**
 * How long a feed has been failing, read from its stored state. The schedule Lambda computes it for
 * every feed every cycle, so the "feed failing" alarm sees a steady signal even while the feed itself
 * is only retried every few hours (backoff).
 */
import type { FeedState } from "./core/model/types.ts";

/**
 * Hours the feed has been failing: since its first failure in this run (failingSince), else since it
 * last succeeded (states written before failingSince existed). Null when it is not failing.
 */
export function feedFailureAgeHours(state: FeedState | null, now: Date): number | null {
  const since = state?.failingSince ?? state?.lastOkAt;
  if (!state || state.consecutiveFailures === 0 || !since) return null;
  const hours = (now.getTime() - Date.parse(since)) / 3_600_000;
  return Number.isFinite(hours) ? Math.max(0, Math.round(hours * 10) / 10) : null;
}

/** The feeds failing for longer than `hours`, oldest failure first. */
export function feedsFailingLongerThan(
  states: FeedState[],
  hours: number,
  now: Date,
): { feedId: string; hours: number }[] {
  return states
    .map((state) => ({ feedId: state.feedId, hours: feedFailureAgeHours(state, now) }))
    .filter(
      (entry): entry is { feedId: string; hours: number } => entry.hours !== null && entry.hours > hours,
    )
    .sort((a, b) => b.hours - a.hours);
}
