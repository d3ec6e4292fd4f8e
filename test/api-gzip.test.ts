/**
 * Compressed answers: gzip for clients that accept it (Vary: Accept-Encoding, a distinct ETag per
 * encoding, 304 on either), identity for the rest; the compressed bytes cached with the rendering;
 * base64 with isBase64Encoded for API Gateway; real gzip bytes on the wire from the local server.
 */
import { request as httpRequest } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer, type ApiServer } from "../cli/local/http-adapter.ts";
import { createApiGatewayHandler, toApiGatewayResult } from "../lambdas/core/api/apigw.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import type { ApiRequest } from "../lambdas/core/api/http.ts";
import { acceptsGzip } from "../lambdas/core/api/respond.ts";
import { makeStory, memoryReader, recordingLog } from "./helpers/api-stories.ts";

const stories = Array.from({ length: 30 }, (_, i) => makeStory({ id: `s${i}`, score: 40 + i }));
const site = { title: "heistwatch", description: "d", baseUrl: "https://feed.example.org" };
const GZIP = { "accept-encoding": "gzip, deflate, br" };

function setup() {
  const reader = memoryReader(stories);
  const app = createApi({ reader, site, log: recordingLog(), cacheTtlMs: 60_000 });
  const call = (path: string, init: Partial<ApiRequest> = {}) => {
    const [pathname = "/", rawQuery = ""] = path.split("?");
    return app({ method: "GET", path: pathname, rawQuery, headers: {}, ...init });
  };
  return { app, call, reader };
}

describe("acceptsGzip", () => {
  it.each([
    ["gzip", true],
    ["deflate, gzip;q=0.5", true],
    ["br;q=1, *;q=0.1", true],
    ["gzip;q=0", false],
    ["GZIP;Q=0.000", false],
    ["identity", false],
    ["*;q=0", false],
    ["gzip;q=0, *", false],
    [undefined, false],
  ])("%s -> %s", (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe("gzip answers from the API core", () => {
  it("sends the feed gzipped to a client that accepts it, with Vary and its own ETag", async () => {
    const { call } = setup();
    const plain = await call("/feed.json");
    const zipped = await call("/feed.json", { headers: GZIP });
    expect(plain.headers["Content-Encoding"]).toBeUndefined();
    expect(plain.headers.Vary).toBe("Accept-Encoding");
    expect(zipped.headers).toMatchObject({ "Content-Encoding": "gzip", Vary: "Accept-Encoding" });
    expect(zipped.body).toBe("");
    const bytes = Buffer.from(zipped.base64Body!, "base64");
    expect(gunzipSync(bytes).toString("utf8")).toBe(plain.body);
    expect(bytes.length).toBeLessThan(plain.body.length / 3);
    expect(zipped.headers.ETag).toBe(plain.headers.ETag!.replace(/"$/, '-gz"'));
  });

  it("answers 304 to each encoding's own ETag, and the full body to the other's", async () => {
    const { call } = setup();
    const zipped = await call("/feed.xml", { headers: GZIP });
    const again = await call("/feed.xml", { headers: { ...GZIP, "if-none-match": zipped.headers.ETag! } });
    expect(again.status).toBe(304);
    expect(again.headers).toMatchObject({ Vary: "Accept-Encoding", ETag: zipped.headers.ETag });
    const identity = await call("/feed.xml", { headers: { "if-none-match": zipped.headers.ETag! } });
    expect(identity.status).toBe(200);
    expect(identity.body.length).toBeGreaterThan(1000);
  });

  it("compresses a cached page once: later requests reuse the same bytes", async () => {
    const { call, reader } = setup();
    const first = await call("/", { headers: GZIP });
    const second = await call("/", { headers: GZIP });
    expect(reader.calls).toHaveLength(1);
    expect(second.base64Body).toBe(first.base64Body);
    expect(second.headers["Content-Type"]).toBe("text/html; charset=utf-8");
  });

  it("keeps HEAD bodiless and small answers uncompressed", async () => {
    const { call } = setup();
    const head = await call("/feed.json", { method: "HEAD", headers: GZIP });
    expect(head.headers["Content-Encoding"]).toBe("gzip");
    expect(head.body).toBe("");
    expect(head.base64Body).toBeUndefined();
    const missing = await call("/items/nope", { headers: GZIP });
    expect(missing.status).toBe(404);
    expect(missing.headers["Content-Encoding"]).toBeUndefined();
  });
});

describe("gzip through API Gateway and the local server", () => {
  it("returns base64 gzip with isBase64Encoded to API Gateway", async () => {
    const { call } = setup();
    const result = toApiGatewayResult(await call("/feed.json", { headers: GZIP }));
    expect(result.isBase64Encoded).toBe(true);
    expect(JSON.parse(gunzipSync(Buffer.from(result.body!, "base64")).toString("utf8")).items).toHaveLength(
      20,
    );
    expect(toApiGatewayResult(await call("/feed.json")).isBase64Encoded).toBe(false);
  });

  let server: ApiServer;
  beforeAll(async () => {
    const { app } = setup();
    server = await startApiServer(createApiGatewayHandler(app), { port: 0 });
  });
  afterAll(() => server?.close());

  const rawGet = (path: string, headers: Record<string, string>) =>
    new Promise<{ headers: Record<string, unknown>; bytes: Buffer }>((resolve, reject) => {
      const req = httpRequest(`${server.url}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ headers: res.headers, bytes: Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end();
    });

  it("puts gzip bytes on the wire for a client that asks, plain JSON for one that does not", async () => {
    const zipped = await rawGet("/feed.json", GZIP);
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toBe("Accept-Encoding");
    expect(Number(zipped.headers["content-length"])).toBe(zipped.bytes.length);
    const plain = await rawGet("/feed.json", {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(gunzipSync(zipped.bytes).toString("utf8")).toBe(plain.bytes.toString("utf8"));
  });
});
