/**
 * The public API end to end over real HTTP: the local node:http adapter, the API Gateway
 * mapping, the API core and the DynamoDB store on dynalite, with stories written through the
 * store adapter the pipeline uses.
 */
import Parser from "rss-parser";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ApiServer, startApiServer } from "../cli/local/http-adapter.ts";
import { createDynamoStore, type DynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import { createApiGatewayHandler } from "../lambdas/core/api/apigw.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import type { Story } from "../lambdas/core/model/types.ts";
import { makeStory, matchesQuery, recordingLog } from "./helpers/api-stories.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { jsonFeedProblems } from "./helpers/json-feed-spec.ts";

const TABLE = "heistwatch-api-test";
const ACTORS = [["Lazarus Group", "DPRK"], ["APT38"], ["TraderTraitor", "Lazarus Group"], ["BlueNoroff"]];
const SEVERITIES = ["low", "medium", "high"] as const;

let db: LocalDynamo;
let store: DynamoStore;
let server: ApiServer;
const stored: Story[] = [];

async function save(story: Story): Promise<void> {
  const created = await store.createStory({
    story,
    version: 1,
    features: [],
    alert: { dueSeq: 1, sentSeq: 1, kind: "new", reasons: [] },
  });
  expect(created).toBe(true);
  stored.push(story);
}

/** Stored ids newest first, as the feed must list them. */
function expectedIds(filter: Parameters<typeof matchesQuery>[1] = {}, among = stored): string[] {
  return among
    .filter((s) => matchesQuery(s, filter))
    .sort((a, b) => (`${a.publishedAt}#${a.id}` < `${b.publishedAt}#${b.id}` ? 1 : -1))
    .map((s) => s.id);
}

/** The parts of a JSON Feed (or JSON error) body these tests read. */
interface Body {
  title: string;
  feed_url: string;
  home_page_url: string;
  next_url?: string;
  items: { id: string; _heistwatch: Record<string, unknown> }[];
  error: { code: string; parameter?: string };
}

const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);
const getJson = async (path: string) => {
  const res = await get(path);
  return { res, body: (await res.json()) as Body };
};

beforeAll(async () => {
  db = await startDynalite();
  await createTable(db.client, TABLE);
  store = createDynamoStore({ client: db.client, tableName: TABLE });
  for (let i = 0; i < 40; i++) {
    await save(
      makeStory({
        id: `st-${String(i).padStart(3, "0")}`,
        publishedAt: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
        score: 30 + ((i * 7) % 70),
        severity: SEVERITIES[i % 3],
        actors: ACTORS[i % ACTORS.length],
      }),
    );
  }
  const app = createApi({
    reader: store,
    site: { title: "heistwatch", description: "test feed" },
    log: recordingLog(),
  });
  server = await startApiServer(createApiGatewayHandler(app), { port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

describe("GET /feed.json over dynalite", () => {
  it("is a valid JSON Feed 1.1 of every stored story, newest first, with no next_url on the last page", async () => {
    // 40 stories: one page of 50 (the default page is 20).
    const { res, body } = await getJson("/feed.json?limit=50");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/feed+json; charset=utf-8");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(jsonFeedProblems(body)).toEqual([]);
    expect(body.items.map((i) => i.id)).toEqual(expectedIds().slice(0, 50));
    expect(body.feed_url).toBe(`${server.url}/feed.json?limit=50`);
    expect(body.home_page_url).toBe(`${server.url}/`);
    expect(body.next_url).toBeUndefined();
    const first = body.items[0];
    const story = stored.find((s) => s.id === first?.id)!;
    expect(first?._heistwatch).toMatchObject({
      score: story.score,
      severity: story.severity,
      actors: story.actors,
    });
  });

  it("walks every story once, with no gap, while new stories arrive between pages", async () => {
    const before = expectedIds();
    const seen: string[] = [];
    let next: string | undefined = `${server.url}/feed.json?limit=7`;
    let pages = 0;
    while (next) {
      const res = await fetch(next);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Body;
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((i) => i.id));
      next = page.next_url;
      pages++;
      // A newer story lands at the top of the index while the reader is paging.
      await save(
        makeStory({ id: `late-${pages}`, publishedAt: new Date(Date.UTC(2026, 0, pages)).toISOString() }),
      );
      expect(pages).toBeLessThan(20);
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(before);
    // The arrivals are there for the next reader, newest first.
    const { body } = await getJson("/feed.json?limit=3");
    expect(body.items.map((i) => i.id)).toEqual(["late-6", "late-5", "late-4"]);
  });

  it.each([
    ["severity=high", { severity: "high" as const }],
    ["min_score=70", { minScore: 70 }],
    ["actor=lazarus%20group", { actor: "lazarus group" }],
    ["actor=APT38&severity=medium", { actor: "APT38", severity: "medium" as const }],
    [
      "min_score=50&severity=low&actor=BlueNoroff",
      { minScore: 50, severity: "low" as const, actor: "BlueNoroff" },
    ],
  ])("filters with %s, across pages", async (query, filter) => {
    const ids: string[] = [];
    let next: string | undefined = `${server.url}/feed.json?limit=4&${query}`;
    while (next) {
      const page = (await (await fetch(next)).json()) as Body;
      ids.push(...page.items.map((i) => i.id));
      next = page.next_url;
    }
    const expected = expectedIds(filter);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(stored.length);
    expect(ids).toEqual(expected);
  });
});

describe("GET /feed.xml and / over dynalite", () => {
  it("gives rss-parser the same ids as the JSON Feed", async () => {
    const json = (await getJson("/feed.json?limit=25&severity=high")).body;
    const res = await get("/feed.xml?limit=25&severity=high");
    expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    const rss = await new Parser().parseString(await res.text());
    expect(rss.items.map((i) => i.guid)).toEqual(json.items.map((i) => i.id));
    expect(rss.items.length).toBeGreaterThan(0);
  });

  it("renders the HTML page with the stories' scores", async () => {
    const res = await get("/?limit=5");
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    const newest = stored.find((s) => s.id === expectedIds()[0])!;
    expect(html).toContain(`id="story-${newest.id}"`);
    expect(html).toContain(`<b>${newest.score}</b>`);
  });
});

describe("GET /items/{id} over dynalite", () => {
  it("returns one story, and 404 JSON for an unknown id", async () => {
    const { res, body } = await getJson("/items/st-007");
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ id: "st-007", _heistwatch: { score: stored[7]?.score } });
    const missing = await getJson("/items/st-999");
    expect(missing.res.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
  });
});

describe("errors, caching and methods over HTTP", () => {
  it.each([
    ["limit=0", "limit"],
    ["limit=500", "limit"],
    ["min_score=abc", "min_score"],
    ["severity=severe", "severity"],
    ["actor=", null],
    ["cursor=not-a-real-cursor", "cursor"],
    [`cursor=${Buffer.from('{"p":"A#x","s":"y"}').toString("base64url")}`, "cursor"],
  ])("%s", async (query, parameter) => {
    const { res, body } = await getJson(`/feed.json?${query}`);
    if (parameter === null) {
      expect(res.status).toBe(200);
      return;
    }
    expect(res.status).toBe(400);
    expect(body.error.parameter).toBe(parameter);
  });

  it("answers 304 to a matching If-None-Match and HEAD without a body", async () => {
    const first = await get("/feed.json?limit=3");
    const etag = first.headers.get("etag")!;
    const again = await get("/feed.json?limit=3", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("cache-control")).toBe("public, max-age=60");
    const head = await get("/feed.json?limit=3", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toBe(etag);
    expect(head.headers.get("content-length")).toBe("0");
  });

  it("refuses POST with 405 and Allow, and unknown paths with 404 JSON", async () => {
    const post = await get("/feed.json", { method: "POST", body: "x" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    const missing = await get("/wp-admin");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Body).error.code).toBe("not_found");
  });
});

describe("lambdas/api.ts", () => {
  it("builds its store from TABLE_NAME at load and serves the feed", async () => {
    vi.stubEnv("TABLE_NAME", TABLE);
    vi.stubEnv("PUBLIC_BASE_URL", "https://feed.example.org/");
    vi.stubEnv("SITE_TITLE", "Heists");
    vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", db.endpoint);
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
    vi.stubEnv("POWERTOOLS_DEV", "false");
    try {
      vi.resetModules();
      const { handler } = await import("../lambdas/api.ts");
      const result = await handler({
        version: "2.0",
        routeKey: "$default",
        rawPath: "/feed.json",
        rawQueryString: "limit=2",
        headers: { host: "abc.execute-api.us-east-1.amazonaws.com" },
        requestContext: {
          domainName: "abc.execute-api.us-east-1.amazonaws.com",
          stage: "$default",
          requestId: "r",
          http: {
            method: "GET",
            path: "/feed.json",
            protocol: "HTTP/1.1",
            sourceIp: "1.1.1.1",
            userAgent: "t",
          },
        },
        isBase64Encoded: false,
      } as never);
      expect(result.statusCode).toBe(200);
      const feed = JSON.parse(result.body ?? "");
      expect(feed.title).toBe("Heists");
      expect(feed.feed_url).toBe("https://feed.example.org/feed.json?limit=2");
      expect(feed.items).toHaveLength(2);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
