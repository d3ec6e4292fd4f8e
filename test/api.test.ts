/**
 * The API core over an in-memory StoryReader: routing, query validation, errors, ETag/304,
 * HEAD, CORS and caching headers. The same behaviour over DynamoDB is in api-dynalite.test.ts.
 */

import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createApiGatewayHandler, fromApiGatewayEvent } from "../lambdas/core/api/apigw.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import { readApiConfig } from "../lambdas/core/api/config.ts";
import type { ApiRequest } from "../lambdas/core/api/http.ts";
import type { StoryReader } from "../lambdas/core/model/ports.ts";
import { makeStory, memoryReader, recordingLog } from "./helpers/api-stories.ts";

const stories = Array.from({ length: 7 }, (_, i) =>
  makeStory({ id: `s${i}`, score: 40 + i * 10, severity: i < 3 ? "low" : i < 5 ? "medium" : "high" }),
);
const site = { title: "heistwatch", description: "d", baseUrl: "https://feed.example.org" };

function setup(reader: StoryReader = memoryReader(stories)) {
  const log = recordingLog();
  const app = createApi({ reader, site, log });
  const call = (path: string, init: Partial<ApiRequest> = {}) => {
    const [pathname = "/", rawQuery = ""] = path.split("?");
    return app({ method: "GET", path: pathname, rawQuery, headers: {}, ...init });
  };
  return { app, call, log };
}

describe("routes", () => {
  it("serves the JSON Feed as application/feed+json with nosniff, CORS and caching", async () => {
    const { call } = setup();
    const res = await call("/feed.json");
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      "Content-Type": "application/feed+json; charset=utf-8",
      "X-Content-Type-Options": "nosniff",
      "Access-Control-Allow-Origin": "*",
      "Cache-Control": "public, max-age=60",
    });
    expect(res.headers).not.toHaveProperty("Access-Control-Allow-Credentials");
    expect(res.headers.ETag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(JSON.parse(res.body).items).toHaveLength(7);
  });

  it("serves RSS and the HTML page with a strict CSP", async () => {
    const { call } = setup();
    const rss = await call("/feed.xml");
    expect(rss.headers["Content-Type"]).toBe("application/rss+xml; charset=utf-8");
    expect(rss.body).toContain('<guid isPermaLink="false">s6</guid>');
    const html = await call("/");
    expect(html.headers["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(html.headers["Content-Security-Policy"]).toMatch(/default-src 'none'; style-src 'sha256-[^']+'/);
    expect(html.headers["Content-Security-Policy"]).not.toContain("unsafe-inline");
    expect(html.body).toContain("<!doctype html>");
  });

  it("answers /items/{id} with the story as a JSON Feed item, and 404 JSON for unknown ids", async () => {
    const { call } = setup();
    const found = await call("/items/s3");
    expect(found.status).toBe(200);
    expect(found.headers["Content-Type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(found.body)).toMatchObject({ id: "s3", _heistwatch: { score: 70 } });

    for (const path of [
      "/items/nope",
      "/items/",
      "/items/%E0%A4%A",
      `/items/${"x".repeat(500)}`,
      "/items/a%2Fb",
    ]) {
      const missing = await call(path);
      expect(missing.status, path).toBe(404);
      expect(JSON.parse(missing.body).error.code).toBe("not_found");
    }
  });

  it("answers unknown paths with 404 JSON", async () => {
    const { call } = setup();
    for (const path of ["/nope", "/feed.json/", "/FEED.JSON", "/../etc/passwd"]) {
      const res = await call(path);
      expect(res.status, path).toBe(404);
      expect(res.headers["Content-Type"]).toBe("application/json; charset=utf-8");
      expect(JSON.parse(res.body)).toMatchObject({ error: { status: 404, code: "not_found" } });
    }
  });
});

describe("query parameters", () => {
  it("passes validated filters to the reader", async () => {
    const reader = memoryReader(stories);
    const { call } = setup(reader);
    await call("/feed.json?limit=2&min_score=60.5&actor=%20Lazarus%20Group%20&severity=HIGH&utm_source=x");
    expect(reader.calls.at(-1)).toEqual({
      limit: 2,
      minScore: 60.5,
      actor: "Lazarus Group",
      severity: "high",
    });
    await call("/?severity=&min_score=&actor=");
    expect(reader.calls.at(-1)).toEqual({ limit: 20 });
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=-1", "limit"],
    ["limit=1.5", "limit"],
    ["limit=1e2", "limit"],
    ["limit=abc", "limit"],
    ["limit=1&limit=2", "limit"],
    ["min_score=101", "min_score"],
    ["min_score=-5", "min_score"],
    ["min_score=NaN", "min_score"],
    ["min_score=Infinity", "min_score"],
    ["severity=critical", "severity"],
    ["severity=%3Cscript%3E", "severity"],
    [`actor=${"a".repeat(101)}`, "actor"],
    ["actor=%00Lazarus", "actor"],
    ["actor=%20%20", "actor"],
    ["cursor=has%20space", "cursor"],
    [`cursor=${"c".repeat(3000)}`, "cursor"],
  ])("rejects %s with a 400 naming %s", async (rawQuery, parameter) => {
    const { call, app } = setup();
    for (const path of ["/feed.json", "/feed.xml", "/"]) {
      const res = await app({ method: "GET", path, rawQuery, headers: {} });
      expect(res.status).toBe(400);
      expect(res.headers["Content-Type"]).toBe("application/json; charset=utf-8");
      const { error } = JSON.parse(res.body);
      expect(error).toMatchObject({ status: 400, code: "invalid_parameter", parameter });
      expect(error.message).toMatch(new RegExp(`^${parameter}: `));
    }
    await call("/feed.json");
  });

  it("turns a cursor the store cannot decode into a 400, not a 500", async () => {
    const reader: StoryReader = {
      async listFlaggedStories() {
        throw Object.assign(new Error("invalid cursor"), { name: "InvalidCursorError" });
      },
      async getStory() {
        return null;
      },
    };
    const { call, log } = setup(reader);
    const res = await call("/feed.json?cursor=forged");
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.parameter).toBe("cursor");
    expect(log.entries).toEqual([]);
  });
});

describe("methods", () => {
  it("answers HEAD with the GET's headers and no body", async () => {
    const { call } = setup();
    const get = await call("/feed.json");
    const head = await call("/feed.json", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers).toEqual(get.headers);
  });

  it("answers a CORS preflight and refuses other methods with 405 and Allow", async () => {
    const { call } = setup();
    const preflight = await call("/feed.json", { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["Access-Control-Allow-Methods"]).toBe("GET, HEAD");
    expect(preflight.headers["Access-Control-Allow-Origin"]).toBe("*");
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const res = await call("/feed.json", { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.Allow).toBe("GET, HEAD, OPTIONS");
      expect(JSON.parse(res.body).error.code).toBe("method_not_allowed");
    }
  });
});

describe("conditional requests", () => {
  it("answers 304 with no body for a matching If-None-Match, in any of its forms", async () => {
    const { call } = setup();
    const first = await call("/feed.json");
    const etag = first.headers.ETag!;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      for (const method of ["GET", "HEAD"]) {
        const res = await call("/feed.json", { method, headers: { "if-none-match": header } });
        expect(res.status, `${method} ${header}`).toBe(304);
        expect(res.body).toBe("");
        expect(res.headers.ETag).toBe(etag);
        expect(res.headers["Cache-Control"]).toBe("public, max-age=60");
      }
    }
    const stale = await call("/feed.json", { headers: { "if-none-match": '"stale"' } });
    expect(stale.status).toBe(200);
    expect(stale.body).toBe(first.body);
  });

  it("changes the ETag when the content changes", async () => {
    const list = [...stories];
    const { call } = setup(memoryReader(list));
    const before = await call("/feed.json");
    list.push(makeStory({ id: "fresh", publishedAt: "2030-01-01T00:00:00.000Z" }));
    const after = await call("/feed.json", { headers: { "if-none-match": before.headers.ETag } });
    expect(after.status).toBe(200);
    expect(after.headers.ETag).not.toBe(before.headers.ETag);
    // Each representation has its own tag.
    expect((await call("/feed.xml")).headers.ETag).not.toBe(after.headers.ETag);
  });
});

describe("with the page cache on", () => {
  it("serves repeats from memory until the TTL ends, keeping formats and origins apart", async () => {
    let now = 0;
    const list = [...stories];
    const reader = memoryReader(list);
    const app = createApi({
      reader,
      site: { title: "t", description: "d" },
      log: recordingLog(),
      cacheTtlMs: 5_000,
      clock: () => new Date(now),
    });
    const call = (path: string, origin: string) =>
      app({ method: "GET", path, rawQuery: "", headers: {}, origin });
    const json = await call("/feed.json", "https://a.example");
    const xml = await call("/feed.xml", "https://a.example");
    const otherOrigin = await call("/feed.json", "https://b.example");
    expect(reader.calls).toHaveLength(1);
    expect(xml.headers["Content-Type"]).toContain("rss");
    expect(JSON.parse(json.body).feed_url).toBe("https://a.example/feed.json");
    expect(JSON.parse(otherOrigin.body).feed_url).toBe("https://b.example/feed.json");
    expect((await call("/feed.json", "https://a.example")).headers.ETag).toBe(json.headers.ETag);

    list.push(makeStory({ id: "newest", publishedAt: "2030-01-01T00:00:00.000Z" }));
    now = 5_000;
    const fresh = await call("/feed.json", "https://a.example");
    expect(reader.calls).toHaveLength(2);
    expect(JSON.parse(fresh.body).items[0].id).toBe("newest");
    expect(fresh.headers.ETag).not.toBe(json.headers.ETag);
  });
});

describe("failures", () => {
  it("logs a store failure and answers a generic 500 without the error's text", async () => {
    const reader: StoryReader = {
      async listFlaggedStories() {
        throw new Error(
          "ResourceNotFoundException: table secret-table-name arn:aws:dynamodb:eu-west-1:123456789012",
        );
      },
      async getStory() {
        throw new TypeError("boom at /var/task/index.js:1");
      },
    };
    const { call, log } = setup(reader);
    for (const path of ["/feed.json", "/items/x"]) {
      const res = await call(path, { requestId: "req-1" });
      expect(res.status).toBe(500);
      expect(res.headers["Cache-Control"]).toBe("no-store");
      expect(JSON.parse(res.body)).toEqual({
        error: { status: 500, code: "internal_error", message: "something went wrong; try again later" },
      });
      expect(res.body).not.toMatch(/secret|arn:|boom|task/);
    }
    expect(log.entries.map((e) => [e.level, e.message, e.extra?.requestId])).toEqual([
      ["error", "api request failed", "req-1"],
      ["error", "api request failed", "req-1"],
    ]);
  });
});

describe("API Gateway payload 2.0 mapping", () => {
  const event = (over: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 =>
    ({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/feed.json",
      rawQueryString: "limit=1",
      headers: { host: "abc.execute-api.eu-west-1.amazonaws.com", "x-forwarded-proto": "https" },
      requestContext: {
        domainName: "abc.execute-api.eu-west-1.amazonaws.com",
        stage: "$default",
        requestId: "r1",
        http: {
          method: "GET",
          path: "/feed.json",
          protocol: "HTTP/1.1",
          sourceIp: "1.2.3.4",
          userAgent: "t",
        },
      },
      isBase64Encoded: false,
      ...over,
    }) as APIGatewayProxyEventV2;

  it("builds links from the request's domain when no public base URL is configured", async () => {
    const handler = createApiGatewayHandler(
      createApi({
        reader: memoryReader(stories),
        site: { title: "t", description: "d" },
        log: recordingLog(),
      }),
    );
    const result = await handler(event());
    expect(result.statusCode).toBe(200);
    const feed = JSON.parse(result.body ?? "");
    expect(feed.feed_url).toBe("https://abc.execute-api.eu-west-1.amazonaws.com/feed.json?limit=1");
    expect(feed.items).toHaveLength(1);
  });

  it("moves a named stage from the path to the origin and ignores a malformed Host", () => {
    const staged = fromApiGatewayEvent(
      event({ rawPath: "/prod/feed.xml", requestContext: { ...event().requestContext, stage: "prod" } }),
    );
    expect(staged.path).toBe("/feed.xml");
    expect(staged.origin).toBe("https://abc.execute-api.eu-west-1.amazonaws.com/prod");
    const evil = fromApiGatewayEvent(
      event({ requestContext: { ...event().requestContext, domainName: `evil.example/"><script>` } }),
    );
    expect(evil.origin).toBeUndefined();
  });
});

describe("configuration", () => {
  it("requires TABLE_NAME and checks PUBLIC_BASE_URL, naming the variable", () => {
    expect(() => readApiConfig({})).toThrow(/TABLE_NAME/);
    expect(() => readApiConfig({ TABLE_NAME: "t", PUBLIC_BASE_URL: "feed.example.org" })).toThrow(
      /PUBLIC_BASE_URL/,
    );
    expect(() => readApiConfig({ TABLE_NAME: "t", PUBLIC_BASE_URL: "javascript:alert(1)" })).toThrow(
      /PUBLIC_BASE_URL/,
    );
    expect(
      readApiConfig({
        TABLE_NAME: "t",
        PUBLIC_BASE_URL: "https://feed.example.org/",
        SITE_TITLE: " My feed ",
      }),
    ).toEqual({ tableName: "t", publicBaseUrl: "https://feed.example.org", siteTitle: "My feed" });
  });
});
