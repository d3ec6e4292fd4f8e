/**
 * The schedule Lambda against real feed state in dynalite and a mocked SQS client: one message
 * per due feed, sent in batches of 10, backing-off feeds left out, failed entries resent, and a
 * feed that cannot be queued fails the invocation with its id.
 */
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from "@aws-sdk/client-sqs";
import type { Context, ScheduledEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createSqsPollQueue, parsePollMessage } from "../lambdas/adapters/sqs-queue.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import type { Log } from "../lambdas/core/model/ports.ts";
import type { FeedConfig } from "../lambdas/core/model/types.ts";
import { EnvError } from "../lambdas/env.ts";
import { createScheduleHandler, EnqueueError, handler } from "../lambdas/schedule.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";

const NOW = new Date("2026-03-01T12:00:00Z");
const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/PollQueue";
const feeds: FeedConfig[] = Array.from({ length: 23 }, (_, i) => ({
  id: `feed-${String(i).padStart(2, "0")}`,
  name: `Feed ${i}`,
  url: `https://news${i}.example.org/rss`,
}));

const sqsMock = mockClient(SQSClient);
let db: LocalDynamo;
let tableCounter = 0;
const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };
const event = {} as ScheduledEvent;

beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.close();
});
afterEach(() => {
  sqsMock.reset();
});

async function freshStore() {
  const tableName = `schedule-test-${++tableCounter}`;
  await createTable(db.client, tableName);
  return createDynamoStore({ client: db.client, tableName, clock: () => NOW });
}

/** SQS accepts every entry. */
function acceptAll() {
  sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: input.Entries!.map((e) => ({ Id: e.Id!, MessageId: `m-${e.Id}`, MD5OfMessageBody: "x" })),
    Failed: [],
  }));
}

function sentFeedIds(): string[] {
  return sqsMock
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries!.map((e) => parsePollMessage(e.MessageBody!).feedId));
}

function handlerWith(store: Awaited<ReturnType<typeof freshStore>>) {
  return createScheduleHandler({
    store,
    queue: createSqsPollQueue({ client: new SQSClient({ region: "us-east-1" }), queueUrl: QUEUE_URL }),
    feeds,
    clock: () => NOW,
    log: silent,
  });
}

describe("schedule handler", () => {
  it("queues one message per due feed, 10 per SendMessageBatch, and skips feeds backing off", async () => {
    const store = await freshStore();
    await store.putFeedState({
      feedId: "feed-03",
      url: feeds[3]!.url,
      lastStatus: "http-5xx",
      consecutiveFailures: 2,
      nextPollAt: new Date(NOW.getTime() + 30 * 60_000).toISOString(),
    });
    await store.putFeedState({
      feedId: "feed-04",
      url: feeds[4]!.url,
      lastStatus: "ok",
      consecutiveFailures: 0,
      lastOkAt: new Date(NOW.getTime() - 10 * 60_000).toISOString(),
      nextPollAt: new Date(NOW.getTime() - 60_000).toISOString(),
    });
    acceptAll();

    const result = await handlerWith(store)(event);

    const calls = sqsMock.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries!.length)).toEqual([10, 10, 2]);
    for (const call of calls) expect(call.args[0].input.QueueUrl).toBe(QUEUE_URL);
    const sent = sentFeedIds();
    expect(sent).not.toContain("feed-03");
    expect(sent).toContain("feed-04");
    expect(new Set(sent).size).toBe(22);
    expect(result).toEqual({ configured: 23, due: 22, queued: 22 });
  });

  it("resends entries SQS reports as failed, and succeeds when they go through", async () => {
    const store = await freshStore();
    let first = true;
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      const entries = input.Entries!;
      if (first) {
        first = false;
        return {
          Successful: entries.slice(1).map((e) => ({ Id: e.Id!, MessageId: "m", MD5OfMessageBody: "x" })),
          Failed: [{ Id: entries[0]!.Id!, Code: "InternalError", SenderFault: false, Message: "try again" }],
        };
      }
      return {
        Successful: entries.map((e) => ({ Id: e.Id!, MessageId: "m", MD5OfMessageBody: "x" })),
        Failed: [],
      };
    });

    const result = await handlerWith(store)(event);

    expect(result.queued).toBe(23);
    expect(sentFeedIds().filter((id) => id === "feed-00")).toHaveLength(2);
  });

  it("fails the invocation naming each feed it could not queue (so it is retried and alarmed)", async () => {
    const store = await freshStore();
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      const entries = input.Entries!;
      const stuck = entries.filter((e) => parsePollMessage(e.MessageBody!).feedId === "feed-07");
      return {
        Successful: entries
          .filter((e) => !stuck.includes(e))
          .map((e) => ({ Id: e.Id!, MessageId: "m", MD5OfMessageBody: "x" })),
        Failed: stuck.map((e) => ({
          Id: e.Id!,
          Code: "ServiceUnavailable",
          SenderFault: false,
          Message: "busy",
        })),
      };
    });

    const run = handlerWith(store)(event);
    await expect(run).rejects.toBeInstanceOf(EnqueueError);
    await expect(run).rejects.toThrow(/feed-07 \(ServiceUnavailable: busy\)/);
    // Tried once plus two resends, and never resent the feeds that went through.
    expect(sentFeedIds().filter((id) => id === "feed-07")).toHaveLength(3);
    expect(sentFeedIds().filter((id) => id === "feed-08")).toHaveLength(1);
  });

  it("does not resend an entry SQS rejected as the sender's fault", async () => {
    const store = await freshStore();
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: input.Entries!.slice(1).map((e) => ({ Id: e.Id!, MessageId: "m", MD5OfMessageBody: "x" })),
      Failed: [
        { Id: input.Entries![0]!.Id!, Code: "InvalidMessageContents", SenderFault: true, Message: "bad" },
      ],
    }));
    await expect(handlerWith(store)(event)).rejects.toThrow(/feed-00 \(InvalidMessageContents: bad\)/);
    expect(sentFeedIds().filter((id) => id === "feed-00")).toHaveLength(1);
  });

  it("sends nothing when no feed is due", async () => {
    const store = await freshStore();
    const later = new Date(NOW.getTime() + 60 * 60_000).toISOString();
    for (const feed of feeds) {
      await store.putFeedState({
        feedId: feed.id,
        url: feed.url,
        lastStatus: "ok",
        consecutiveFailures: 0,
        nextPollAt: later,
      });
    }
    acceptAll();
    expect(await handlerWith(store)(event)).toEqual({ configured: 23, due: 0, queued: 0 });
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it("the Lambda entry point fails fast naming a missing environment variable", async () => {
    const saved = { ...process.env };
    delete process.env.TABLE_NAME;
    process.env.QUEUE_URL = QUEUE_URL;
    try {
      await expect(handler(event, {} as Context)).rejects.toThrow(
        new EnvError("Missing environment variable TABLE_NAME"),
      );
    } finally {
      process.env = saved;
    }
  });
});
