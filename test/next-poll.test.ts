import { describe, expect, it } from "vitest";
import {
  BACKOFF_BASE_SECONDS,
  BACKOFF_CAP_SECONDS,
  backoffSeconds,
  dueFeeds,
  nextPollAfterFailure,
  RETRY_AFTER_CAP_SECONDS,
} from "../lambdas/core/polling/next-poll.ts";
import type { FeedState } from "../lambdas/core/model/types.ts";

const now = new Date("2025-01-10T12:00:00.000Z");

describe("backoff", () => {
  it("doubles per failure between half and all of the ceiling, up to the cap", () => {
    expect(backoffSeconds(1, () => 0)).toBe(BACKOFF_BASE_SECONDS / 2);
    expect(backoffSeconds(1, () => 1)).toBe(BACKOFF_BASE_SECONDS);
    expect(backoffSeconds(3, () => 1)).toBe(BACKOFF_BASE_SECONDS * 4);
    expect(backoffSeconds(50, () => 1)).toBe(BACKOFF_CAP_SECONDS);
    expect(backoffSeconds(50, () => 0)).toBe(BACKOFF_CAP_SECONDS / 2);
    const spread = new Set(Array.from({ length: 20 }, () => backoffSeconds(4)));
    expect(spread.size).toBeGreaterThan(1);
  });

  it("honours Retry-After when it is longer than the backoff, within a cap", () => {
    expect(nextPollAfterFailure(now, 1, 3600, () => 1).toISOString()).toBe("2025-01-10T13:00:00.000Z");
    expect(nextPollAfterFailure(now, 1, 10, () => 1).toISOString()).toBe("2025-01-10T12:05:00.000Z");
    const far = nextPollAfterFailure(now, 1, 90 * 86_400, () => 1);
    expect(far.getTime() - now.getTime()).toBe(RETRY_AFTER_CAP_SECONDS * 1000);
  });
});

describe("dueFeeds", () => {
  const feeds = ["new", "ok", "waiting", "ready", "moved"].map((id) => ({
    id,
    name: id,
    url: `https://x/${id}`,
  }));
  const state = (feedId: string, extra: Partial<FeedState> = {}): FeedState => ({
    feedId,
    url: `https://x/${feedId}`,
    lastStatus: "ok",
    consecutiveFailures: 0,
    ...extra,
  });
  it("skips only feeds backing off at their current URL", () => {
    const states = [
      state("ok"),
      state("waiting", {
        lastStatus: "timeout",
        consecutiveFailures: 2,
        nextPollAt: "2025-01-10T12:30:00.000Z",
      }),
      state("ready", {
        lastStatus: "timeout",
        consecutiveFailures: 2,
        nextPollAt: "2025-01-10T11:59:00.000Z",
      }),
      state("moved", { url: "https://old/feed", nextPollAt: "2025-01-11T00:00:00.000Z" }),
    ];
    expect(dueFeeds(feeds, states, now).map((f) => f.id)).toEqual(["new", "ok", "ready", "moved"]);
  });
});
