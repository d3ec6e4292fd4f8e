/** Signs of life: last polled and failing feeds on the page and in GET /status.json; HTML 400s for browsers. */
import { describe, expect, it } from "vitest";
import { createApi } from "../lambdas/core/api/app.ts";
import type { ApiRequest } from "../lambdas/core/api/http.ts";
import type { FeedState } from "../lambdas/core/model/types.ts";
import { ERROR_PAGE_CSP, prefersHtml } from "../lambdas/core/publish/error-page.ts";
import { summariseFeeds } from "../lambdas/core/publish/status.ts";
import { makeStory, memoryReader, recordingLog } from "./helpers/api-stories.ts";

const NOW = new Date("2025-06-10T12:00:00.000Z");
const site = { title: "heistwatch", description: "d", baseUrl: "https://feed.example.org" };
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

const state = (feedId: string, overrides: Partial<FeedState> = {}): FeedState => ({
  feedId,
  url: `https://${feedId}.example/feed`,
  lastStatus: "ok",
  lastPolledAt: "2025-06-10T11:56:00.000Z",
  lastOkAt: "2025-06-10T11:56:00.000Z",
  consecutiveFailures: 0,
  ...overrides,
});
const failing = (feedId: string, polledAt = "2025-06-10T11:57:00.000Z") =>
  state(feedId, {
    lastStatus: "timeout",
    lastError: "internal detail 10.0.0.1",
    lastPolledAt: polledAt,
    consecutiveFailures: 4,
    failingSince: "2025-06-09T08:00:00.000Z",
  });

function api(states: FeedState[] | null) {
  const app = createApi({
    reader: memoryReader([makeStory({ id: "s1" })]),
    site,
    log: recordingLog(),
    clock: () => NOW,
    ...(states ? { feedStates: { listFeedStates: async () => states } } : {}),
  });
  return (path: string, init: Partial<ApiRequest> = {}) => {
    const [pathname = "/", rawQuery = ""] = path.split("?");
    return app({ method: "GET", path: pathname, rawQuery, headers: {}, ...init });
  };
}

describe("feed health", () => {
  it("tells ok, degraded, down, stale and never polled apart", () => {
    expect(summariseFeeds([state("a"), state("b")], NOW)).toMatchObject({
      state: "ok",
      failing: 0,
      feeds: 2,
      minutesSincePoll: 4,
    });
    expect(summariseFeeds([state("a"), failing("b")], NOW)).toMatchObject({
      state: "degraded",
      failing: 1,
      lastPolledAt: "2025-06-10T11:57:00.000Z",
    });
    expect(summariseFeeds([failing("a"), failing("b")], NOW).state).toBe("down");
    expect(summariseFeeds([state("a", { lastPolledAt: "2025-06-10T09:00:00.000Z" })], NOW)).toMatchObject({
      state: "stale",
      minutesSincePoll: 180,
    });
    expect(summariseFeeds([], NOW)).toMatchObject({ state: "unknown", lastPolledAt: null });
  });
});

describe("GET /status.json", () => {
  it("reports last poll and failing feeds, without their error texts, always revalidated", async () => {
    const res = await api([state("a"), failing("b")])("/status.json");
    expect(res.status).toBe(200);
    expect(res.headers["Cache-Control"]).toBe("no-cache");
    const body = JSON.parse(res.body);
    expect(body).toEqual({
      state: "degraded",
      lastPolledAt: "2025-06-10T11:57:00.000Z",
      minutesSincePoll: 3,
      feeds: 2,
      failing: 1,
      failingFeeds: [
        {
          feedId: "b",
          lastStatus: "timeout",
          failingSince: "2025-06-09T08:00:00.000Z",
          consecutiveFailures: 4,
        },
      ],
      checkedAt: NOW.toISOString(),
    });
    expect(res.body).not.toContain("10.0.0.1");
  });

  it("is a 503 when every feed fails or polling stopped, so a monitor notices", async () => {
    expect((await api([failing("a")])("/status.json")).status).toBe(503);
    expect(
      (await api([state("a", { lastPolledAt: "2025-06-09T12:00:00.000Z" })])("/status.json")).status,
    ).toBe(503);
  });

  it("is a 404 where the API was given no feed states", async () => {
    expect((await api(null)("/status.json")).status).toBe(404);
  });
});

describe("the page's signs of life", () => {
  it("says when feeds were last polled and how many fail", async () => {
    const res = await api([state("a"), failing("b"), state("c")])("/");
    expect(res.body).toMatch(
      /<p class="health degraded" role="status">Feeds last polled <time datetime="2025-06-10T11:57:00.000Z">3 min ago<\/time>; 1 of 3 failing\./,
    );
    expect(res.body).toContain('href="https://feed.example.org/status.json"');
  });

  it("warns when every feed fails, instead of looking like a quiet day", async () => {
    const res = await api([failing("a"), failing("b")])("/");
    expect(res.body).toContain('class="health down"');
    expect(res.body).toContain("2 of 2 failing. Every feed is failing: no news is being read.");
  });
});

describe("errors for browsers", () => {
  it("gives a browser an HTML 400 page naming the parameter, and JSON clients JSON", async () => {
    const call = api([state("a")]);
    const page = await call("/?severity=extreme", { headers: { accept: BROWSER } });
    expect(page.status).toBe(400);
    expect(page.headers["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["Content-Security-Policy"]).toBe(ERROR_PAGE_CSP);
    expect(page.body).toContain("<code>severity</code>");
    expect(page.body).toContain('href="https://feed.example.org/"');
    expect(page.body).not.toContain('extreme"><');
    for (const accept of [undefined, "*/*", "application/json", "application/json, text/html"]) {
      const res = await call("/?severity=extreme", { headers: { accept } });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error).toMatchObject({ code: "invalid_parameter", parameter: "severity" });
    }
  });

  it("decides by the Accept header's order", () => {
    expect(prefersHtml(BROWSER)).toBe(true);
    expect(prefersHtml("application/feed+json, text/html")).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
  });
});
