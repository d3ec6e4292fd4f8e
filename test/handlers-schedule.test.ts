/**
 * The schedule Lambda against real feed state in dynalite and a mocked Lambda client: one async
 * Invoke per batch of due feeds, backing-off feeds left out, a refused invocation failing the run
 * with the feed ids, and feeds failing too long reported every cycle for the alarm.
 */
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Context, ScheduledEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createLambdaPollDispatcher, parsePollEvent } from "../lambdas/adapters/lambda-invoker.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import type { Log } from "../lambdas/core/model/ports.ts";
import type { FeedConfig } from "../lambdas/core/model/types.ts";
import { EnvError, readScheduleEnv } from "../lambdas/env.ts";
import { createScheduleHandler, DispatchError, handler } from "../lambdas/schedule.ts";
import { FEEDS_FAILING_MESSAGE, OLDEST_FAILURE_FIELD } from "../lambdas/schedule-signals.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";

const NOW = new Date("2026-03-01T12:00:00Z");
const POLL_FUNCTION = "Heistwatch-PollFunction-abc";
const feeds: FeedConfig[] = Array.from({ length: 23 }, (_, i) => ({
  id: `feed-${String(i).padStart(2, "0")}`,
  name: `Feed ${i}`,
  url: `https://news${i}.example.org/rss`,
}));

const lambdaMock = mockClient(LambdaClient);
let db: LocalDynamo;
let tableCounter = 0;
const event = {} as ScheduledEvent;

beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.close();
});
afterEach(() => {
  lambdaMock.reset();
});

async function freshStore() {
  const tableName = `schedule-test-${++tableCounter}`;
  await createTable(db.client, tableName);
  return createDynamoStore({ client: db.client, tableName, clock: () => NOW });
}

/** A Log that keeps every line. */
function recordingLog() {
  const lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    lines.push({ level, message, extra });
  const log: Log = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
  return { log, lines };
}

/** The feed ids of each Invoke, in order. */
function invokedBatches(): string[][] {
  return lambdaMock.commandCalls(InvokeCommand).map((call) => {
    const input = call.args[0].input;
    expect(input).toMatchObject({ FunctionName: POLL_FUNCTION, InvocationType: "Event" });
    return parsePollEvent(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).feedIds;
  });
}

function handlerWith(
  store: Awaited<ReturnType<typeof freshStore>>,
  batchSize = 10,
  log = recordingLog().log,
) {
  return createScheduleHandler({
    store,
    dispatcher: createLambdaPollDispatcher({
      client: new LambdaClient({ region: "us-east-1", maxAttempts: 1 }),
      functionName: POLL_FUNCTION,
    }),
    feeds,
    batchSize,
    feedFailureAlarmHours: 24,
    clock: () => NOW,
    log,
  });
}

describe("schedule handler", () => {
  it("invokes the poller asynchronously once per batch of due feeds and skips feeds backing off", async () => {
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
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });

    const result = await handlerWith(store)(event);

    const batches = invokedBatches();
    expect(batches.map((b) => b.length)).toEqual([10, 10, 2]);
    const sent = batches.flat();
    expect(sent).not.toContain("feed-03");
    expect(sent).toContain("feed-04");
    expect(new Set(sent).size).toBe(22);
    expect(result).toEqual({ configured: 23, due: 22, dispatched: 22, invocations: 3 });
  });

  it("starts one invocation for all due feeds when they fit one batch (the default: 20 per poll)", async () => {
    const store = await freshStore();
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    const result = await handlerWith(store, 30)(event);
    expect(invokedBatches()).toEqual([feeds.map((f) => f.id)]);
    expect(result.invocations).toBe(1);
  });

  it("fails the run naming the feeds whose invocation Lambda refused, after starting the others", async () => {
    const store = await freshStore();
    let call = 0;
    lambdaMock.on(InvokeCommand).callsFake(() => {
      call++;
      if (call === 2) throw Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" });
      return { StatusCode: 202 };
    });
    const { log, lines } = recordingLog();
    const run = handlerWith(store, 10, log)(event);
    await expect(run).rejects.toBeInstanceOf(DispatchError);
    await expect(run).rejects.toThrow(/feed-10 \(TooManyRequestsException: Rate exceeded\)/);
    expect(invokedBatches()).toHaveLength(3);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: "error",
        message: "polls not started",
        extra: expect.objectContaining({ dispatched: 13, invocations: 2 }),
      }),
    );
  });

  it("treats an answer other than 202 Accepted as refused", async () => {
    const store = await freshStore();
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 500 });
    await expect(handlerWith(store, 30)(event)).rejects.toThrow(/feed-00 \(Error: Lambda answered 500\)/);
  });

  it("invokes nothing when no feed is due", async () => {
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
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    expect(await handlerWith(store)(event)).toEqual({
      configured: 23,
      due: 0,
      dispatched: 0,
      invocations: 0,
    });
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it("reports feeds failing longer than the alarm threshold every cycle, even while they back off", async () => {
    const store = await freshStore();
    const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
    const inSixHours = new Date(NOW.getTime() + 6 * 3_600_000).toISOString();
    // Failing 30 h and backing off (not polled this cycle), failing 2 h, and one removed from the config.
    await store.putFeedState({
      feedId: "feed-05",
      url: feeds[5]!.url,
      lastStatus: "http-5xx",
      consecutiveFailures: 9,
      failingSince: hoursAgo(30),
      nextPollAt: inSixHours,
    });
    await store.putFeedState({
      feedId: "feed-06",
      url: feeds[6]!.url,
      lastStatus: "timeout",
      consecutiveFailures: 2,
      failingSince: hoursAgo(2),
      nextPollAt: inSixHours,
    });
    await store.putFeedState({
      feedId: "removed",
      url: "https://gone.example.org/",
      lastStatus: "http-4xx",
      consecutiveFailures: 50,
      failingSince: hoursAgo(300),
    });
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 202 });
    const { log, lines } = recordingLog();

    await handlerWith(store, 30, log)(event);

    const failing = lines.filter((l) => l.message === FEEDS_FAILING_MESSAGE);
    expect(failing).toEqual([
      {
        level: "warn",
        message: FEEDS_FAILING_MESSAGE,
        extra: { [OLDEST_FAILURE_FIELD]: 30, failing: [{ feedId: "feed-05", hours: 30 }] },
      },
    ]);
    expect(invokedBatches().flat()).not.toContain("feed-05");
    // Nothing failing too long: no line, so the alarm's metric gets no data and returns to OK.
    const quiet = recordingLog();
    const healthy = await freshStore();
    await handlerWith(healthy, 30, quiet.log)(event);
    expect(quiet.lines.map((l) => l.message)).toEqual(["cycle dispatched"]);
  });

  it("reads its settings from the environment, with defaults for the optional ones", () => {
    expect(readScheduleEnv({ TABLE_NAME: "t", POLL_FUNCTION_NAME: "p" })).toEqual({
      tableName: "t",
      pollFunctionName: "p",
      pollBatchSize: 30,
      feedFailureAlarmHours: 24,
    });
    expect(() =>
      readScheduleEnv({ TABLE_NAME: "t", POLL_FUNCTION_NAME: "p", POLL_BATCH_SIZE: "lots" }),
    ).toThrow(/POLL_BATCH_SIZE/);
  });

  it("the Lambda entry point fails fast naming a missing environment variable", async () => {
    const saved = { ...process.env };
    delete process.env.TABLE_NAME;
    process.env.POLL_FUNCTION_NAME = POLL_FUNCTION;
    try {
      await expect(handler(event, {} as Context)).rejects.toThrow(
        new EnvError("Missing environment variable TABLE_NAME"),
      );
    } finally {
      process.env = saved;
    }
  });
});
