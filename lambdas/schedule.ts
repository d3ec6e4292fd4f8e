/**
 * Schedule Lambda (EventBridge, every few minutes): reads every feed's polling state, picks the
 * feeds that are due (backoff and Retry-After honoured by `dueFeeds`), and queues one SQS message
 * per due feed for the poll Lambda. It fetches nothing itself, so one cycle costs milliseconds.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, ScheduledEvent } from "aws-lambda";
import { createDynamoClient, createDynamoStore } from "./adapters/dynamo-store.ts";
import { createSqsPollQueue, type PollQueue } from "./adapters/sqs-queue.ts";
import { bundledFeeds } from "./bundled-feeds.ts";
import type { Clock, FeedStateStore, Log } from "./core/model/ports.ts";
import { dueFeeds } from "./core/polling/next-poll.ts";
import type { FeedConfig } from "./core/model/types.ts";
import { readScheduleEnv } from "./env.ts";
import { asLog, logger } from "./logger.ts";

export interface ScheduleDeps {
  store: Pick<FeedStateStore, "listFeedStates">;
  queue: PollQueue;
  feeds: FeedConfig[];
  clock: Clock;
  log: Log;
}

export interface ScheduleResult {
  configured: number;
  due: number;
  queued: number;
}

/** Thrown when some due feeds could not be queued, so the invocation is retried and alarmed. */
export class EnqueueError extends Error {
  constructor(readonly failed: { feedId: string; reason: string }[]) {
    super(
      `Could not queue ${failed.length} feed(s): ${failed.map((f) => `${f.feedId} (${f.reason})`).join(", ")}`,
    );
    this.name = "EnqueueError";
  }
}

/** Builds the schedule handler around its ports (tests pass dynalite and a mocked SQS client). */
export function createScheduleHandler(
  deps: ScheduleDeps,
): (event?: ScheduledEvent) => Promise<ScheduleResult> {
  return async () => {
    const states = await deps.store.listFeedStates();
    const due = dueFeeds(deps.feeds, states, deps.clock());
    const result = await deps.queue.enqueue(due);
    const summary = { configured: deps.feeds.length, due: due.length, queued: result.sent };
    if (result.failed.length > 0) {
      deps.log.error("feeds not queued", { ...summary, failed: result.failed });
      throw new EnqueueError(result.failed);
    }
    deps.log.info("cycle queued", { ...summary, feedIds: due.map((f) => f.id) });
    return summary;
  };
}

// Built on the first invocation and kept for the container's life: clients, env and the bundled
// feed list are read once. (Not at import time, so tests can import this module without AWS env.)
let warmHandler: ReturnType<typeof createScheduleHandler> | undefined;

function buildFromEnvironment(): ReturnType<typeof createScheduleHandler> {
  const env = readScheduleEnv();
  return createScheduleHandler({
    store: createDynamoStore({ client: createDynamoClient(), tableName: env.tableName }),
    queue: createSqsPollQueue({ client: new SQSClient({}), queueUrl: env.queueUrl }),
    feeds: bundledFeeds(),
    clock: () => new Date(),
    log: asLog(logger),
  });
}

/** Lambda entry point (EventBridge scheduled event). */
export async function handler(event: ScheduledEvent, context: Context): Promise<ScheduleResult> {
  logger.addContext(context);
  warmHandler ??= buildFromEnvironment();
  return warmHandler(event);
}
