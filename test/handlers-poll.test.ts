/**
 * The poll Lambda end to end on loopback: an async `{ feedIds }` event -> pipeline (real fetch from a
 * local HTTP server, real store on dynalite, SNS mocked) -> summary. Shows what fails the invocation
 * (a malformed event, feeds it had no time to start: both retried, then parked by Lambda) and what
 * does not (a feed that fails to fetch), that a failing feed is logged with its failure age, that a
 * retried event does not alert twice, and that INFO holds one summary line per invocation.
 */
import { createHttpFetcher } from "../lambdas/adapters/http-fetcher.ts";
import { Logger } from "@aws-lambda-powertools/logger";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createSnsNotifier } from "../lambdas/adapters/sns-notifier.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import type { FeedConfig, FeedState } from "../lambdas/core/model/types.ts";
import { EnvError, readPollEnv } from "../lambdas/env.ts";
import {
  createPollHandler,
  FEED_TIME_BUDGET_MS,
  feedFailureAgeHours,
  handler,
  PollIncompleteError,
} from "../lambdas/poll.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";

const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:Alerts";
const now = () => new Date();

function rss(items: { title: string; link: string; description: string }[]): string {
  const pubDate = new Date(Date.now() - 60 * 60_000).toUTCString();
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test news</title><link>https://news.example.org/</link><description>t</description>
${items
  .map(
    (i) =>
      `<item><title>${i.title}</title><link>${i.link}</link><guid>${i.link}</guid><pubDate>${pubDate}</pubDate><description>${i.description}</description></item>`,
  )
  .join("\n")}
</channel></rss>`;
}

const HEIST_FEED = rss([
  {
    title: "North Korea's Lazarus Group stole $290 million from crypto exchange in hack, FBI says",
    link: "https://news.example.org/lazarus-exchange-heist",
    description:
      "The FBI attributed the theft of $290 million in cryptocurrency from the exchange's hot wallet to North Korean hackers of the Lazarus Group, who laundered the stolen funds through mixers.",
  },
  {
    title: "Browser vendor ships monthly security update",
    link: "https://news.example.org/browser-update",
    description: "The update fixes twelve bugs in the rendering engine.",
  },
]);

let server: TestServer;
let db: LocalDynamo;
let tableCounter = 0;
const snsMock = mockClient(SNSClient);
let logLines: Record<string, unknown>[];

const feeds: FeedConfig[] = [];

beforeAll(async () => {
  server = await startServer({
    "/heists.xml": (_req, res) => {
      res.setHeader("content-type", "application/rss+xml");
      res.end(HEIST_FEED);
    },
    "/broken.xml": (_req, res) => {
      res.statusCode = 500;
      res.end("upstream exploded");
    },
  });
  feeds.push(
    { id: "heists", name: "Heist News", url: server.url("/heists.xml") },
    { id: "broken", name: "Broken Feed", url: server.url("/broken.xml") },
  );
  db = await startDynalite();
});
afterAll(async () => {
  await server.close();
  await db.close();
});
beforeEach(() => {
  snsMock.on(PublishCommand).resolves({ MessageId: "msg-1" });
  logLines = [];
  // Powertools Logger writes JSON lines to stdout (debug/info) and stderr (warn/error); capture both.
  const capture = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split("\n")) {
      if (line.trim().startsWith("{")) logLines.push(JSON.parse(line));
    }
    return true;
  };
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
});
afterEach(() => {
  vi.restoreAllMocks();
  snsMock.reset();
});

async function setup(logLevel: "DEBUG" | "INFO" = "DEBUG") {
  const tableName = `poll-test-${++tableCounter}`;
  await createTable(db.client, tableName);
  const store = createDynamoStore({ client: db.client, tableName });
  const poll = createPollHandler({
    pipeline: {
      store,
      notifier: createSnsNotifier({ client: new SNSClient({ region: "us-east-1" }), topicArn: TOPIC_ARN }),
      clock: now,
      fetcher: createHttpFetcher({ allowAddresses: ["127.0.0.1"] }),
    },
    feeds,
    logger: new Logger({ serviceName: "heistwatch-poll-test", logLevel }),
  });
  return { store, poll };
}

const pollEvent = (...feedIds: string[]) => ({ feedIds });
const context = (remainingMs = 60_000) =>
  ({ getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;

describe("poll handler", () => {
  it("polls the feed, alerts once, skips an unknown feed; a malformed event fails with a clear error", async () => {
    const { store, poll } = await setup();

    const summary = await poll(pollEvent("heists", "removed-feed"), context());

    expect(summary).toMatchObject({ feeds: 2, ok: 1, failed: 0, unknown: ["removed-feed"], alerts: 1 });
    await expect(poll({ Records: [{ body: "{not json" }] }, context())).rejects.toThrow(
      /Poll event has no feedIds list/,
    );
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(snsMock.commandCalls(PublishCommand)[0]!.args[0].input.TopicArn).toBe(TOPIC_ARN);
    const page = await store.listFlaggedStories({ limit: 10 });
    expect(page.stories.map((s) => s.url)).toEqual(["https://news.example.org/lazarus-exchange-heist"]);
    expect(logLines).toContainEqual(
      expect.objectContaining({ message: "unknown feeds skipped", feedIds: ["removed-feed"] }),
    );
    expect(logLines).toContainEqual(
      expect.objectContaining({
        message: "feed polled",
        feedId: "heists",
        feedName: "Heist News",
        status: "ok",
      }),
    );
  });

  it("does not alert again when Lambda retries the same event", async () => {
    const { poll } = await setup();
    await poll(pollEvent("heists"), context());
    await poll(pollEvent("heists"), context());
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
  });

  it("logs one summary line per invocation at INFO; per-feed lines only at DEBUG", async () => {
    const { poll } = await setup("INFO");
    await poll(pollEvent("heists"), context());
    const info = logLines.filter((l) => l.level === "INFO");
    expect(info.filter((l) => l.message === "poll done")).toEqual([
      expect.objectContaining({ feeds: 1, ok: 1, new: 2, flagged: 1, alerts: 1, unknown: [] }),
    ]);
    expect(logLines.map((l) => l.message)).not.toContain("feed polled");
    // The pipeline's own events (a story founded, an alert sent) stay at INFO: they are news, not noise.
    expect(info.every((l) => ["poll done", "alert sent", "story merged"].includes(l.message as string))).toBe(
      true,
    );
  });

  it("treats a feed that fails to fetch as handled (backoff, not redelivery) and logs its failure age", async () => {
    const { store, poll } = await setup();
    const lastOkAt = new Date(Date.now() - 30 * 3_600_000).toISOString();
    await store.putFeedState({
      feedId: "broken",
      url: feeds[1]!.url,
      lastStatus: "http-5xx",
      consecutiveFailures: 4,
      lastOkAt,
    });

    const summary = await poll(pollEvent("broken"), context());

    expect(summary).toMatchObject({ feeds: 1, failed: 1 });
    const failing = logLines.find((l) => l.message === "feed failing");
    expect(failing).toMatchObject({ feedId: "broken", consecutiveFailures: 5, lastOkAt });
    expect(failing!.feedFailureAgeHours).toBeGreaterThanOrEqual(30);
    expect(failing!.feedFailureAgeHours).toBeLessThan(30.2);
    const state = await store.getFeedState("broken");
    expect(state!.consecutiveFailures).toBe(5);
    expect(Date.parse(state!.nextPollAt!)).toBeGreaterThan(Date.now());
  });

  it("does not start a feed it has no time left to finish, and fails the invocation naming it", async () => {
    const { poll } = await setup();
    const response = await poll(pollEvent("heists", "broken"), context(FEED_TIME_BUDGET_MS - 1)).catch(
      (error: Error) => error,
    );
    // Lambda retries the event once, then parks it (with this message) in the failure queue.
    expect(response).toBeInstanceOf(PollIncompleteError);
    expect((response as PollIncompleteError).notStarted.sort()).toEqual(["broken", "heists"]);
    expect(String((response as Error).message)).toMatch(/Feeds not polled for lack of time: /);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
    expect(logLines).toContainEqual(expect.objectContaining({ level: "ERROR", message: "poll incomplete" }));
  });

  it("the Lambda entry point fails fast naming a missing environment variable", async () => {
    const saved = { ...process.env };
    process.env.TABLE_NAME = "t";
    delete process.env.TOPIC_ARN;
    try {
      await expect(handler(pollEvent("heists"), context())).rejects.toThrow(
        new EnvError("Missing environment variable TOPIC_ARN"),
      );
    } finally {
      process.env = saved;
    }
  });
});

describe("feedFailureAgeHours", () => {
  const base: FeedState = {
    feedId: "f",
    url: "https://x.example/",
    lastStatus: "http-5xx",
    consecutiveFailures: 3,
  };
  const at = new Date("2026-03-02T12:00:00Z");

  it("is the hours since the last success of a failing feed", () => {
    expect(feedFailureAgeHours({ ...base, lastOkAt: "2026-03-01T06:00:00Z" }, at)).toBe(30);
  });

  it("counts from the first failure, so a feed that never worked still raises the alarm", () => {
    expect(feedFailureAgeHours({ ...base, failingSince: "2026-03-01T00:00:00Z" }, at)).toBe(36);
    expect(
      feedFailureAgeHours(
        { ...base, failingSince: "2026-03-02T06:00:00Z", lastOkAt: "2026-02-01T00:00:00Z" },
        at,
      ),
    ).toBe(6);
  });

  it("is null for a healthy feed, a feed never seen, or one with no time to count from", () => {
    expect(
      feedFailureAgeHours({ ...base, consecutiveFailures: 0, lastOkAt: "2026-03-01T06:00:00Z" }, at),
    ).toBeNull();
    expect(feedFailureAgeHours(null, at)).toBeNull();
    expect(feedFailureAgeHours(base, at)).toBeNull();
  });
});

describe("readPollEnv", () => {
  it("reads the story window the stack sets, naming the variable when it is out of range", () => {
    const base = { TABLE_NAME: "t", TOPIC_ARN: "arn:aws:sns:eu-west-1:123456789012:alerts" };
    expect(readPollEnv(base).storyWindowHours).toBeUndefined();
    expect(readPollEnv({ ...base, STORY_WINDOW_HOURS: "336" }).storyWindowHours).toBe(336);
    expect(() => readPollEnv({ ...base, STORY_WINDOW_HOURS: "0" })).toThrow(
      "Environment variable STORY_WINDOW_HOURS must be a number from 1 to 8760, got '0'",
    );
  });
});
