/**
 * cli/local/http-adapter.ts: node:http requests become API Gateway payload-2.0 events and
 * handler results become HTTP answers, the way API Gateway does it.
 */
import { request } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../cli/local/http-adapter.ts";

const servers: ApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>, port = 0) {
  const errors: unknown[] = [];
  const server = await startApiServer(handler, { port, host: "127.0.0.1", onError: (e) => errors.push(e) });
  servers.push(server);
  return { server, errors };
}

describe("startApiServer", () => {
  it("hands the handler a payload-2.0 event built from the request", async () => {
    const events: APIGatewayProxyEventV2[] = [];
    const { server } = await serve(async (event) => {
      events.push(event);
      return { statusCode: 200, body: "ok" };
    });
    const res = await fetch(`${server.url}/feed.json?limit=2&actor=A%20B&limit=3`, {
      method: "POST",
      headers: { "X-Custom": "yes", Cookie: "a=1; b=2" },
      body: "payload",
    });
    expect(await res.text()).toBe("ok");
    const [event] = events;
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/feed.json",
      rawQueryString: "limit=2&actor=A%20B&limit=3",
      queryStringParameters: { limit: "2,3", actor: "A B" },
      cookies: ["a=1", "b=2"],
      isBase64Encoded: true,
      requestContext: { stage: "$default", http: { method: "POST", path: "/feed.json" } },
    });
    expect(event?.headers["x-custom"]).toBe("yes");
    expect(event?.headers["x-forwarded-proto"]).toBe("http");
    expect(event?.requestContext.domainName).toBe(new URL(server.url).host);
    expect(Buffer.from(event?.body ?? "", "base64").toString()).toBe("payload");
  });

  it("writes status, headers and body, and drops the body for HEAD, 204 and 304", async () => {
    const { server } = await serve(async (event) => ({
      statusCode: Number(event.rawQueryString || 200),
      headers: { "Content-Type": "text/plain", ETag: '"x"' },
      body: "hello",
    }));
    const ok = await fetch(`${server.url}/`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("etag")).toBe('"x"');
    expect(ok.headers.get("content-length")).toBe("5");
    expect(await ok.text()).toBe("hello");
    const head = await fetch(`${server.url}/`, { method: "HEAD" });
    expect(await head.text()).toBe("");
    for (const status of [204, 304]) {
      const res = await fetch(`${server.url}/?${status}`);
      expect(res.status).toBe(status);
      expect(await res.text()).toBe("");
    }
  });

  it("writes a result object returned again with the same headers and bytes, base64 decoded", async () => {
    const result = {
      statusCode: 200,
      headers: { "Content-Type": "text/plain", "Content-Encoding": "identity" },
      body: Buffer.from("héllo").toString("base64"),
      isBase64Encoded: true,
    };
    const { server } = await serve(async () => result);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/`);
      expect(res.headers.get("content-length")).toBe(String(Buffer.byteLength("héllo")));
      expect(await res.text()).toBe("héllo");
    }
  });

  it("reads a chunked request body (no Content-Length), and hands a GET without one no body", async () => {
    const events: APIGatewayProxyEventV2[] = [];
    const { server } = await serve(async (event) => {
      events.push(event);
      return { statusCode: 200, body: "ok" };
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/`, { method: "POST" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write("part one, ");
      req.end("part two");
    });
    expect(status).toBe(200);
    expect(events[0]?.headers["transfer-encoding"]).toBe("chunked");
    expect(Buffer.from(events[0]?.body ?? "", "base64").toString()).toBe("part one, part two");
    await (await fetch(`${server.url}/feed.json`)).text();
    expect(events[1]?.body).toBeUndefined();
    expect(events[1]?.isBase64Encoded).toBe(false);
  });

  it("answers a generic 500 when the handler throws, reporting the error locally only", async () => {
    const { server, errors } = await serve(async () => {
      throw new Error("secret detail");
    });
    const res = await fetch(`${server.url}/feed.json`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("secret");
    expect(errors).toHaveLength(1);
  });

  it("refuses request bodies over 1 MB with 413 without calling the handler", async () => {
    let calls = 0;
    const { server } = await serve(async () => {
      calls++;
      return { statusCode: 200, body: "" };
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/`, { method: "POST" }, (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      req.end(Buffer.alloc(2 * 1024 * 1024));
    });
    expect(status).toBe(413);
    expect(calls).toBe(0);
  });

  it("names the port when it is already in use", async () => {
    const { server } = await serve(async () => ({ statusCode: 200 }));
    const port = Number(new URL(server.url).port);
    await expect(
      startApiServer(async () => ({ statusCode: 200 }), { port, host: "127.0.0.1" }),
    ).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
  });
});
