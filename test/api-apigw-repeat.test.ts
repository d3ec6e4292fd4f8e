/**
 * The Lambda adapter's path for repeated feed requests (core/api/apigw.ts): a repeat is answered
 * from the event's fields with the very result the first request got, and that result is the
 * one the whole way (ApiRequest, routing, finalize) would give.
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createApiGatewayHandler } from "../lambdas/core/api/apigw.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import type { Log, StoryReader } from "../lambdas/core/model/ports.ts";
import { makeStory } from "./helpers/api-stories.ts";

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };
const stories = [makeStory({ id: "one" }), makeStory({ id: "two" })];
const reader: StoryReader = {
  listFlaggedStories: async (query) => ({ stories: stories.slice(0, query.limit), nextCursor: null }),
  getStory: async (id) => stories.find((s) => s.id === id) ?? null,
};

const event = (
  headers: Record<string, string> = {},
  over: { method?: string; rawPath?: string; stage?: string; domainName?: string; body?: string } = {},
): APIGatewayProxyEventV2 =>
  ({
    version: "2.0",
    routeKey: "$default",
    rawPath: over.rawPath ?? "/feed.json",
    rawQueryString: "limit=2",
    headers: { "x-forwarded-proto": "https", ...headers },
    requestContext: {
      domainName: over.domainName ?? "abc.execute-api.eu-west-1.amazonaws.com",
      stage: over.stage ?? "$default",
      requestId: "r1",
      http: { method: over.method ?? "GET", path: "/feed.json", protocol: "HTTP/1.1", sourceIp: "1.2.3.4" },
    },
    isBase64Encoded: false,
    ...(over.body !== undefined ? { body: over.body } : {}),
  }) as unknown as APIGatewayProxyEventV2;

const cached = () =>
  createApiGatewayHandler(
    createApi({ reader, site: { title: "t", description: "d" }, log: silent, cacheTtlMs: 5_000 }),
  );
const uncached = () =>
  createApiGatewayHandler(createApi({ reader, site: { title: "t", description: "d" }, log: silent }));

describe("repeated feed requests through the Lambda adapter", () => {
  it("gets the same result object, equal to what the whole way answers, per variant", async () => {
    const handler = cached();
    const whole = uncached();
    const gzip = { "accept-encoding": "gzip, deflate, br" };
    for (const [headers, method] of [
      [{}, "GET"],
      [gzip, "GET"],
      [{}, "HEAD"],
      [gzip, "HEAD"],
    ] as const) {
      const first = await handler(event(headers, { method }));
      expect(await handler(event(headers, { method }))).toBe(first);
      expect(first).toEqual(await whole(event(headers, { method })));
    }
    const plain = await handler(event());
    const etag = String(plain.headers!.ETag);
    const notModified = await handler(event({ "if-none-match": etag }));
    expect(notModified.statusCode).toBe(304);
    expect(await handler(event({ "if-none-match": etag }))).toBe(notModified);
    expect(notModified).toEqual(await whole(event({ "if-none-match": etag })));
  });

  it("keeps a named stage in the links and apart from the default stage's answers", async () => {
    const handler = cached();
    const plain = await handler(event());
    const staged = await handler(event({}, { rawPath: "/prod/feed.json", stage: "prod" }));
    expect(staged).not.toBe(plain);
    expect(JSON.parse(staged.body!).feed_url).toBe(
      "https://abc.execute-api.eu-west-1.amazonaws.com/prod/feed.json?limit=2",
    );
    expect(await handler(event({}, { rawPath: "/prod/feed.json", stage: "prod" }))).toBe(staged);
    expect(await handler(event())).toBe(plain);
  });

  it("keeps domains and schemes apart, and ignores a malformed domain as the whole way does", async () => {
    const handler = cached();
    const https = await handler(event());
    const http = await handler(event({ "x-forwarded-proto": "http" }));
    expect(JSON.parse(http.body!).feed_url).toMatch(/^http:\/\/abc\./);
    expect(await handler(event())).toBe(https);
    const evil = event({}, { domainName: `evil.example/"><script>` });
    const answer = await handler(evil);
    expect(answer.body).not.toContain("evil.example");
    expect(answer).toEqual(await uncached()(evil));
  });

  it("sends other methods and requests with a body the whole way", async () => {
    const handler = cached();
    await handler(event());
    const post = await handler(event({}, { method: "POST" }));
    expect(post.statusCode).toBe(405);
    const withBody = await handler(event({}, { body: "x" }));
    expect(withBody.statusCode).toBe(200);
  });
});
