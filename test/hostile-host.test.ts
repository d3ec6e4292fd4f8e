/**
 * Issue 14: the local server built `feed_url` and `next_url` from the client's Host header and
 * answered `Cache-Control: public` with no `Vary`, so one request could poison a shared cache
 * for everyone. Links now come from configuration (or the server's own address), never from
 * Host; where a deployment does derive them from the request, the answer says `Vary`.
 */
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../cli/local/http-adapter.ts";
import { openLocalStack } from "../cli/local/runtime.ts";
import { createApiGatewayHandler } from "../lambdas/core/api/apigw.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import { makeStory, memoryReader, recordingLog } from "./helpers/api-stories.ts";
import { testLocalConfig } from "./helpers/local-config.ts";

const servers: ApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const stories = [0, 1, 2].map((i) =>
  makeStory({ id: `h${i}`, publishedAt: new Date(Date.UTC(2025, 0, 1, i)).toISOString() }),
);

/** GET with a forged Host header (fetch does not allow setting Host). */
function getWithHost(url: string, host: string): Promise<{ headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Host: host, "X-Forwarded-Proto": "https" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The request headers an answer says it varies on, lower-cased. */
const varies = (headers: Record<string, unknown>) =>
  String(headers.vary ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);

async function serve(baseUrl?: string, publicUrl?: string) {
  const handler = createApiGatewayHandler(
    createApi({
      reader: memoryReader(stories),
      log: recordingLog(),
      site: { title: "t", description: "d", ...(baseUrl ? { baseUrl } : {}) },
    }),
  );
  const server = await startApiServer(handler, {
    port: 0,
    host: "127.0.0.1",
    ...(publicUrl ? { publicUrl } : {}),
  });
  servers.push(server);
  return server;
}

describe("a forged Host header", () => {
  it("does not change the links of the local server (its own address by default)", async () => {
    const server = await serve();
    const { body } = await getWithHost(`${server.url}/feed.json?limit=2`, "evil.example");
    const feed = JSON.parse(body);
    expect(feed.feed_url).toBe(`${server.url}/feed.json?limit=2`);
    expect(feed.next_url.startsWith(`${server.url}/feed.json?limit=2&cursor=`)).toBe(true);
    expect(body).not.toContain("evil.example");
  });

  it("does not change links when a public URL is configured, and then nothing varies on Host", async () => {
    const server = await serve("https://feed.example.org", "https://feed.example.org");
    for (const path of ["/feed.json?limit=2", "/feed.xml?limit=2", "/?limit=2"]) {
      const { headers, body } = await getWithHost(`${server.url}${path}`, "evil.example");
      expect(body).not.toContain("evil.example");
      expect(body).toContain("https://feed.example.org/");
      // Only the encoding varies (gzip for clients that accept it), never the links.
      expect(headers.vary).toBe("Accept-Encoding");
    }
  });

  it("says Vary when links are derived from the request (a Lambda with no PUBLIC_BASE_URL)", async () => {
    const server = await serve();
    const { headers } = await getWithHost(`${server.url}/feed.json`, "evil.example");
    expect(headers.vary).toBe("Host, X-Forwarded-Proto, Accept-Encoding");
    expect(headers["cache-control"]).toBe("public, max-age=60");
  });

  it("is ignored by the API Gateway mapping, which trusts only the domain API Gateway reports", async () => {
    const handler = createApiGatewayHandler(
      createApi({
        reader: memoryReader(stories),
        log: recordingLog(),
        site: { title: "t", description: "d" },
      }),
    );
    const result = await handler({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/feed.json",
      rawQueryString: "",
      headers: { host: "evil.example" },
      requestContext: { domainName: "abc.execute-api.eu-west-1.amazonaws.com", stage: "$default" },
      isBase64Encoded: false,
    } as never);
    expect(JSON.parse(result.body ?? "").feed_url).toBe(
      "https://abc.execute-api.eu-west-1.amazonaws.com/feed.json",
    );
  });

  it("does not change the links `npm start` serves; a configured publicUrl does, and nothing varies on Host", async () => {
    for (const publicUrl of [undefined, "https://heists.example.org/watch"]) {
      const stack = await openLocalStack({
        config: testLocalConfig({ allowPrivateAddresses: [], ...(publicUrl ? { publicUrl } : {}) }),
        feeds: [],
        dataDir: null,
        output: { out: () => {}, err: () => {} },
      });
      try {
        const api = await stack.serveApi(0);
        const { headers, body } = await getWithHost(`${api.url}/feed.json`, "evil.example");
        expect(JSON.parse(body).feed_url).toBe(`${publicUrl ?? api.url}/feed.json`);
        expect(varies(headers)).not.toContain("host");
      } finally {
        await stack.close();
      }
    }
  });
});
