/**
 * The answer cache (core/api/answer-cache.ts): a repeated feed request is answered with the
 * finished answer, per encoding, validator, origin and method, and never after the page it shows
 * has stopped being fresh in the page cache.
 */
import { describe, expect, it } from "vitest";
import { createApi } from "../lambdas/core/api/app.ts";
import type { ApiRequest } from "../lambdas/core/api/http.ts";
import type { Log, StoryReader } from "../lambdas/core/model/ports.ts";
import { makeStory } from "./helpers/api-stories.ts";

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };

function setup() {
  let now = 0;
  let reads = 0;
  const reader: StoryReader = {
    async listFlaggedStories() {
      reads++;
      return {
        stories: [makeStory({ id: `story-${reads}`, title: `Story read ${reads}` })],
        nextCursor: null,
      };
    },
    getStory: async (id) => makeStory({ id }),
  };
  const api = createApi({
    reader,
    site: { title: "t", description: "d" },
    log: silent,
    cacheTtlMs: 5_000,
    clock: () => new Date(now),
  });
  const get = (path: string, headers: Record<string, string> = {}, method = "GET"): ReturnType<typeof api> =>
    api({ method, path, rawQuery: "", headers, origin: "https://feeds.example" } as ApiRequest);
  return { get, reads: () => reads, setNow: (ms: number) => (now = ms) };
}

describe("answer cache", () => {
  it("answers a repeated request with the same finished answer, without reading or rendering again", async () => {
    const { get, reads } = setup();
    const first = await get("/feed.json", { "accept-encoding": "gzip" });
    const again = await get("/feed.json", { "accept-encoding": "gzip" });
    expect(again).toBe(first);
    expect(first.headers["Content-Encoding"]).toBe("gzip");
    expect(reads()).toBe(1);
  });

  it("keeps answers apart by encoding, validator and method", async () => {
    const { get } = setup();
    const gzip = await get("/feed.json", { "accept-encoding": "gzip" });
    const plain = await get("/feed.json");
    expect(plain.headers["Content-Encoding"]).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(0);
    const revalidated = await get("/feed.json", { "if-none-match": plain.headers.ETag! });
    expect(revalidated.status).toBe(304);
    expect((await get("/feed.json")).status).toBe(200);
    const head = await get("/feed.json", {}, "HEAD");
    expect(head.body).toBe("");
    expect((await get("/feed.json")).body).toBe(plain.body);
    expect(gzip.headers.ETag).not.toBe(plain.headers.ETag);
  });

  it("stops repeating an answer when its page stops being fresh", async () => {
    const { get, reads, setNow } = setup();
    const first = await get("/feed.xml");
    expect(first.body).toContain("Story read 1");
    setNow(4_999);
    expect(await get("/feed.xml")).toBe(first);
    setNow(5_000);
    const next = await get("/feed.xml");
    expect(reads()).toBe(2);
    expect(next.body).toContain("Story read 2");
  });

  it("does not keep errors or other paths", async () => {
    const { get } = setup();
    const bad = { method: "GET", path: "/feed.json", rawQuery: "limit=abc", headers: {} };
    const api = createApi({
      reader: {
        listFlaggedStories: async () => ({ stories: [], nextCursor: null }),
        getStory: async () => null,
      },
      site: { title: "t", description: "d" },
      log: silent,
      cacheTtlMs: 5_000,
    });
    const one = await api(bad);
    const two = await api(bad);
    expect(one.status).toBe(400);
    expect(two).not.toBe(one);
    const page = await get("/");
    expect(await get("/")).not.toBe(page);
  });
});

describe("answer cache variants", () => {
  it("answers If-None-Match by the variant's ETag: a match (also in a list or weak) is the 304, any other value the 200", async () => {
    const { get } = setup();
    const plain = await get("/feed.json");
    const etag = plain.headers.ETag!;
    const notModified = await get("/feed.json", { "if-none-match": etag });
    expect(notModified.status).toBe(304);
    expect(await get("/feed.json", { "if-none-match": `"other", W/${etag}` })).toBe(notModified);
    expect(await get("/feed.json", { "if-none-match": '"stale"' })).toBe(plain);
    const zipped = await get("/feed.json", { "accept-encoding": "gzip" });
    // The identity ETag does not validate the gzip variant (a strong validator differs per encoding).
    expect(await get("/feed.json", { "accept-encoding": "gzip", "if-none-match": etag })).toBe(zipped);
    const zipped304 = await get("/feed.json", {
      "accept-encoding": "gzip",
      "if-none-match": zipped.headers.ETag!,
    });
    expect(zipped304.status).toBe(304);
    expect(zipped304.headers.ETag).toBe(zipped.headers.ETag);
  });

  it("chooses the encoding as finalize does, whatever the Accept-Encoding spelling", async () => {
    const { get } = setup();
    const zipped = await get("/feed.json", { "accept-encoding": "gzip" });
    expect(await get("/feed.json", { "accept-encoding": "br, gzip;q=0.5" })).toBe(zipped);
    const refused = await get("/feed.json", { "accept-encoding": "br, gzip;q=0" });
    expect(refused.headers["Content-Encoding"]).toBeUndefined();
    expect(await get("/feed.json", { "accept-encoding": "identity" })).toBe(refused);
    expect(await get("/feed.json", { "accept-encoding": "*" })).toBe(zipped);
  });

  it("keeps pages apart by query and origin", async () => {
    const { api } = setupApi();
    const request = (rawQuery: string, origin: string) =>
      api({ method: "GET", path: "/feed.json", rawQuery, headers: {}, origin });
    const a = await request("limit=1", "https://a.example");
    expect(await request("limit=1", "https://a.example")).toBe(a);
    const b = await request("limit=1", "https://b.example");
    expect(b).not.toBe(a);
    expect(b.body).toContain("https://b.example/feed.json");
    expect(await request("limit=2", "https://a.example")).not.toBe(a);
  });
});

function setupApi() {
  const api = createApi({
    reader: {
      listFlaggedStories: async (query) => ({
        stories: Array.from({ length: query.limit }, (_, i) => makeStory({ id: `s${i}` })),
        nextCursor: null,
      }),
      getStory: async () => null,
    },
    site: { title: "t", description: "d" },
    log: silent,
    cacheTtlMs: 5_000,
  });
  return { api };
}

describe("answer cache during a page refresh", () => {
  it("repeats the expired page's answers while its replacement is read, as the page cache serves that page, then the new page's", async () => {
    let now = 0;
    let reads = 0;
    let release = () => {};
    const reader: StoryReader = {
      async listFlaggedStories() {
        reads++;
        const read = reads;
        if (read === 2) await new Promise<void>((resolve) => (release = resolve));
        return { stories: [makeStory({ id: `s${read}`, title: `Story read ${read}` })], nextCursor: null };
      },
      getStory: async () => null,
    };
    const api = createApi({
      reader,
      site: { title: "t", description: "d" },
      log: silent,
      cacheTtlMs: 5_000,
      clock: () => new Date(now),
    });
    const get = () =>
      api({ method: "GET", path: "/feed.xml", rawQuery: "", headers: {}, origin: "https://f.example" });
    const first = await get();
    now = 6_000;
    const refreshing = get(); // reaches the store: read 2, held
    await Promise.resolve();
    expect(reads).toBe(2);
    expect(await get()).toBe(first);
    expect(await get()).toBe(first);
    release();
    const fresh = await refreshing;
    expect(fresh.body).toContain("Story read 2");
    expect(await get()).toBe(fresh);
    expect(reads).toBe(2);
  });
});
