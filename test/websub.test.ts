/**
 * WebSub end to end on loopback: a hub implemented in the test (helpers/websub-hub.ts) and a
 * subscriber callback. The feeds name the hub; after a poll cycle stores a new story, the hub
 * receives the publish ping for /feed.xml and /feed.json, fetches the feed and the subscriber's
 * callback receives the content. Local mode and the poll Lambda use the same ping; no hub
 * configured means no link and no ping.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { LocalConfig } from "../cli/local/config.ts";
import { type LocalStack, openLocalStack } from "../cli/local/runtime.ts";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createHttpFetcher } from "../lambdas/adapters/http-fetcher.ts";
import { createSnsNotifier } from "../lambdas/adapters/sns-notifier.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import { createWebSubPinger, websubFromEnv } from "../lambdas/adapters/websub-ping.ts";
import { announceNewStories, publishPingBody, websubTopics } from "../lambdas/core/publish/websub.ts";
import { createPollHandler } from "../lambdas/poll.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";
import { testLocalConfig } from "./helpers/local-config.ts";
import { startTestHub, type TestHub } from "./helpers/websub-hub.ts";

const HEIST = `<?xml version="1.0"?><rss version="2.0"><channel><title>Alpha</title><link>https://alpha.example/</link>
<description>d</description>
<item><title>Lazarus Group hackers stole $120 million from Zephyra exchange hot wallet</title>
<link>https://alpha.example/zephyra</link><pubDate>${new Date(Date.now() - 3_600_000).toUTCString()}</pubDate>
<description>North Korea's Lazarus Group drained $120 million from the Zephyra exchange, investigators said.</description></item>
</channel></rss>`;

interface Received {
  body: string;
  contentType: string | undefined;
  link: string | undefined;
}

let feedServer: TestServer;
let subscriber: TestServer;
const received: Received[] = [];
const quietLog = { info: () => {}, warn: () => {} };

beforeAll(async () => {
  feedServer = await startServer({
    "/alpha.xml": (_req, res) => {
      res.setHeader("content-type", "application/rss+xml");
      res.end(HEIST);
    },
  });
  subscriber = await startServer({
    "/callback": async (req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      if (req.method === "GET") {
        // Verification of intent: echo the challenge.
        res.end(url.searchParams.get("hub.challenge") ?? "");
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received.push({
        body: Buffer.concat(chunks).toString("utf8"),
        contentType: req.headers["content-type"],
        link: req.headers.link as string | undefined,
      });
      res.statusCode = 204;
      res.end();
    },
  });
});
afterAll(async () => {
  await feedServer.close();
  await subscriber.close();
});

async function subscribe(hub: TestHub, topic: string): Promise<void> {
  const res = await fetch(hub.url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      "hub.mode": "subscribe",
      "hub.topic": topic,
      "hub.callback": subscriber.url("/callback"),
    }).toString(),
  });
  expect(res.status).toBe(202);
  await hub.settled();
  expect(hub.subscriptions.get(topic)?.has(subscriber.url("/callback"))).toBe(true);
}

function localConfig(websubHub?: string): LocalConfig {
  return testLocalConfig({ concurrency: 2, ...(websubHub ? { websubHub } : {}) });
}

describe("WebSub in local mode", () => {
  let stack: LocalStack | undefined;
  let hub: TestHub | undefined;
  afterEach(async () => {
    await stack?.close();
    await hub?.close();
    stack = undefined;
    hub = undefined;
    received.length = 0;
  });

  it("names the hub in both feeds, pings it after a new story, and the subscriber receives the feed", async () => {
    hub = await startTestHub();
    stack = await openLocalStack({
      config: localConfig(hub.url),
      feeds: [{ id: "alpha", name: "Alpha", url: feedServer.url("/alpha.xml") }],
      dataDir: null,
      output: { out: () => {}, err: () => {} },
    });
    const api = await stack.serveApi(0);
    const [xmlTopic, jsonTopic] = websubTopics(api.url);

    const feedJson = JSON.parse(await (await fetch(jsonTopic!)).text());
    expect(feedJson.hubs).toEqual([{ type: "WebSub", url: hub.url }]);
    expect(feedJson.feed_url).toBe(jsonTopic);
    const feedXml = await (await fetch(xmlTopic!)).text();
    expect(feedXml).toContain(`<atom:link rel="hub" href="${hub.url}"/>`);
    expect(feedXml).toContain(`<atom:link rel="self" type="application/rss+xml" href="${xmlTopic}"/>`);

    await subscribe(hub, jsonTopic!);
    const cycle = await stack.runCycle();
    expect(cycle.outcomes[0]).toMatchObject({ status: "ok", flagged: 1 });
    await hub.settled();

    expect(hub.pings.sort()).toEqual([jsonTopic, xmlTopic].sort());
    expect(hub.deliveries).toEqual([
      { topic: jsonTopic, callback: subscriber.url("/callback"), status: 204 },
    ]);
    expect(received).toHaveLength(1);
    expect(received[0]!.contentType).toMatch(/^application\/feed\+json/);
    expect(received[0]!.link).toContain(`<${jsonTopic}>; rel="self"`);
    const pushed = JSON.parse(received[0]!.body);
    expect(pushed.items).toHaveLength(1);
    expect(pushed.items[0].title).toContain("Zephyra");
    expect(pushed.items[0]._heistwatch.record).toMatchObject({ target: "exchange" });

    // Nothing new: no ping, nothing pushed.
    await stack.runCycle();
    await hub.settled();
    expect(hub.pings).toHaveLength(2);
    expect(received).toHaveLength(1);
  });

  it("without a hub: no hub link in either feed", async () => {
    stack = await openLocalStack({
      config: localConfig(),
      feeds: [],
      dataDir: null,
      output: { out: () => {}, err: () => {} },
    });
    const api = await stack.serveApi(0);
    const json = JSON.parse(await (await fetch(`${api.url}/feed.json`)).text());
    expect(json.hubs).toBeUndefined();
    expect(await (await fetch(`${api.url}/feed.xml`)).text()).not.toContain('rel="hub"');
  });
});

describe("WebSub from the poll Lambda", () => {
  let db: LocalDynamo;
  const sns = mockClient(SNSClient);
  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => {
    await db.close();
    sns.restore();
  });

  it("pings the configured hub once per batch that stored flagged articles", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const hub = await startTestHub();
    try {
      await createTable(db.client, "websub-poll");
      const poll = createPollHandler({
        pipeline: {
          store: createDynamoStore({ client: db.client, tableName: "websub-poll" }),
          notifier: createSnsNotifier({
            client: new SNSClient({ region: "us-east-1" }),
            topicArn: "arn:aws:sns:us-east-1:123456789012:Alerts",
          }),
          clock: () => new Date(),
          fetcher: createHttpFetcher({ allowAddresses: ["127.0.0.1"] }),
        },
        feeds: [{ id: "alpha", name: "Alpha", url: feedServer.url("/alpha.xml") }],
        logger: new Logger({ serviceName: "websub-test" }),
        websub: {
          pinger: createWebSubPinger({ hubUrl: hub.url, allowAddresses: ["127.0.0.1"] }),
          baseUrl: "https://feed.example.org",
        },
      });
      const context = { getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
      await poll({ feedIds: ["alpha"] }, context);
      expect(hub.pings.sort()).toEqual([
        "https://feed.example.org/feed.json",
        "https://feed.example.org/feed.xml",
      ]);
      // Polled again: nothing new stored, no second ping.
      await poll({ feedIds: ["alpha"] }, context);
      expect(hub.pings).toHaveLength(2);
    } finally {
      vi.restoreAllMocks();
      await hub.close();
    }
  });
});

describe("the ping itself", () => {
  it("is a form-encoded hub.mode=publish with the topic", () => {
    expect(publishPingBody("https://feed.example.org/feed.xml")).toBe(
      "hub.mode=publish&hub.url=https%3A%2F%2Ffeed.example.org%2Ffeed.xml",
    );
  });

  it("does nothing without a publisher or without news", async () => {
    let pinged = 0;
    const pinger = { ping: async () => (pinged++, []) };
    expect(await announceNewStories(undefined, 3, quietLog)).toEqual([]);
    expect(await announceNewStories({ pinger, baseUrl: "https://x.example" }, 0, quietLog)).toEqual([]);
    expect(pinged).toBe(0);
  });

  it("refuses a hub on a private address unless allowed, and reports a hub's error status", async () => {
    const refusing = createWebSubPinger({ hubUrl: "http://127.0.0.1:9/" });
    const [blocked] = await refusing.ping(["https://feed.example.org/feed.xml"]);
    expect(blocked).toMatchObject({ ok: false, error: expect.stringMatching(/not a public address/) });

    const angry = await startServer({
      "/": (_req, res) => {
        res.statusCode = 500;
        res.end("no");
      },
    });
    try {
      const pinger = createWebSubPinger({ hubUrl: angry.url("/"), allowAddresses: ["127.0.0.1"] });
      const [result] = await pinger.ping(["https://feed.example.org/feed.xml"]);
      expect(result).toEqual({
        topic: "https://feed.example.org/feed.xml",
        ok: false,
        error: "hub answered HTTP 500",
      });
      expect(angry.requests).toEqual(["POST /"]);
    } finally {
      await angry.close();
    }
  });

  it("is configured from the environment: no hub, nothing; a hub without the public URL, an error naming it", () => {
    const names = { hub: "WEBSUB_HUB_URL", baseUrl: "PUBLIC_BASE_URL" };
    expect(websubFromEnv({}, names)).toBeUndefined();
    expect(() => websubFromEnv({ WEBSUB_HUB_URL: "https://hub.example" }, names)).toThrow(/PUBLIC_BASE_URL/);
    expect(
      websubFromEnv(
        { WEBSUB_HUB_URL: "https://hub.example", PUBLIC_BASE_URL: "https://feed.example.org/" },
        names,
      )?.baseUrl,
    ).toBe("https://feed.example.org");
    expect(() =>
      websubFromEnv({ WEBSUB_HUB_URL: "ftp://hub", PUBLIC_BASE_URL: "https://x.example" }, names),
    ).toThrow(/http/);
  });
});
