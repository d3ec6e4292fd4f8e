/**
 * The poll Lambda end to end on loopback: SQS records -> pipeline (real fetch from a local HTTP
 * server, real store on dynalite, SNS mocked) -> partial batch response. Shows which records count
 * as failed, that a failing feed is logged with the field the "failing for a day" alarm reads, and
 * that a redelivered batch does not alert twice.
 */
import { createHttpFetcher } from "../lambdas/adapters/http-fetcher.ts";
import { Logger } from "@aws-lambda-powertools/logger";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createSnsNotifier } from "../lambdas/adapters/sns-notifier.ts";
import { encodePollMessage } from "../lambdas/adapters/sqs-queue.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import type { FeedConfig, FeedState } from "../lambdas/core/model/types.ts";
import { EnvError } from "../lambdas/env.ts";
import { createPollHandler, FEED_TIME_BUDGET_MS, feedFailureAgeHours, handler } from "../lambdas/poll.ts";
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

async function setup() {
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
    logger: new Logger({ serviceName: "heistwatch-poll-test" }),
  });
  return { store, poll };
}

function record(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: String(Date.now()),
      SenderId: "test",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: "x",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:PollQueue",
    awsRegion: "us-east-1",
  };
}

const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const context = (remainingMs = 60_000) =>
  ({ getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;
const feedMessage = (feedId: string) => encodePollMessage({ feedId });

describe("poll handler", () => {
  it("reports only the malformed record as failed; polls the feed, alerts once, skips an unknown feed", async () => {
    const { store, poll } = await setup();

    const response = await poll(
      sqsEvent(
        record("m-heists", feedMessage("heists")),
        record("m-gone", feedMessage("removed-feed")),
        record("m-bad", "{not json"),
      ),
      context(),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-bad" }] });
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(snsMock.commandCalls(PublishCommand)[0]!.args[0].input.TopicArn).toBe(TOPIC_ARN);
    const page = await store.listFlaggedStories({ limit: 10 });
    expect(page.stories.map((s) => s.url)).toEqual(["https://news.example.org/lazarus-exchange-heist"]);
    expect(logLines).toContainEqual(
      expect.objectContaining({ message: "unknown feed skipped", feedId: "removed-feed" }),
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

  it("does not alert again when SQS redelivers the same feed", async () => {
    const { poll } = await setup();
    await poll(sqsEvent(record("m-1", feedMessage("heists"))), context());
    await poll(sqsEvent(record("m-2", feedMessage("heists"))), context());
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
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

    const response = await poll(sqsEvent(record("m-broken", feedMessage("broken"))), context());

    expect(response.batchItemFailures).toEqual([]);
    const failing = logLines.find((l) => l.message === "feed failing");
    expect(failing).toMatchObject({ feedId: "broken", consecutiveFailures: 5, lastOkAt });
    expect(failing!.feedFailureAgeHours).toBeGreaterThanOrEqual(30);
    expect(failing!.feedFailureAgeHours).toBeLessThan(30.2);
    const state = await store.getFeedState("broken");
    expect(state!.consecutiveFailures).toBe(5);
    expect(Date.parse(state!.nextPollAt!)).toBeGreaterThan(Date.now());
  });

  it("fails a record rather than start a feed it has no time left to finish", async () => {
    const { poll } = await setup();
    const response = await poll(
      sqsEvent(record("m-late", feedMessage("heists")), record("m-late-2", feedMessage("broken"))),
      context(FEED_TIME_BUDGET_MS - 1),
    ).catch((error: Error) => error);
    // Every record failed: Powertools throws so the whole batch is retried.
    expect(response).toBeInstanceOf(Error);
    expect(String((response as Error).message)).toMatch(/All records failed/);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it("the Lambda entry point fails fast naming a missing environment variable", async () => {
    const saved = { ...process.env };
    process.env.TABLE_NAME = "t";
    delete process.env.TOPIC_ARN;
    try {
      await expect(handler(sqsEvent(), context())).rejects.toThrow(
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
