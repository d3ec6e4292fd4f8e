/**
 * Schedule Lambda (EventBridge, every few minutes): reads every feed's polling state, picks the
 * feeds that are due (backoff and Retry-After honoured by `dueFeeds`), and starts the poll Lambda
 * asynchronously, one invocation per batch of due feeds. It fetches nothing itself, so one cycle
 * costs milliseconds, and nothing runs (or is billed) between cycles.
 *
 * It also reports feeds failing for longer than the alarm threshold, every cycle, from their stored
 * state: the "feed failing" alarm reads that line, so it stays raised while the feed is retried only
 * every few hours, and clears when the feed recovers.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import type { Context, ScheduledEvent } from "aws-lambda";
import { createDynamoClient, createDynamoStore } from "./adapters/dynamo-store.ts";
import { createLambdaPollDispatcher, type PollDispatcher } from "./adapters/lambda-invoker.ts";
import { bundledFeeds } from "./bundled-feeds.ts";
import type { Clock, FeedStateStore, Log } from "./core/model/ports.ts";
import { dueFeeds } from "./core/polling/next-poll.ts";
import type { FeedConfig } from "./core/model/types.ts";
import { readScheduleEnv } from "./env.ts";
import { feedsFailingLongerThan } from "./feed-health.ts";
import { asLog, logger } from "./logger.ts";
import { FEEDS_FAILING_MESSAGE, OLDEST_FAILURE_FIELD } from "./schedule-signals.ts";

export interface ScheduleDeps {
  store: Pick<FeedStateStore, "listFeedStates">;
  dispatcher: PollDispatcher;
  feeds: FeedConfig[];
  /** Feeds per poll invocation. */
  batchSize: number;
  /** Feeds failing for longer than this are reported every cycle (for the alarm). */
  feedFailureAlarmHours: number;
  clock: Clock;
  log: Log;
}

export interface ScheduleResult {
  configured: number;
  due: number;
  dispatched: number;
  invocations: number;
}

/** Thrown when some due feeds could not be dispatched, so the invocation is retried and, failing that, parked. */
export class DispatchError extends Error {
  constructor(readonly failed: { feedId: string; reason: string }[]) {
    super(
      `Could not start polls for ${failed.length} feed(s): ${failed.map((f) => `${f.feedId} (${f.reason})`).join(", ")}`,
    );
    this.name = "DispatchError";
  }
}

/** Builds the schedule handler around its ports (tests pass dynalite and a mocked Lambda client). */
export function createScheduleHandler(
  deps: ScheduleDeps,
): (event?: ScheduledEvent) => Promise<ScheduleResult> {
  return async () => {
    const now = deps.clock();
    const states = await deps.store.listFeedStates();
    const configured = new Set(deps.feeds.map((feed) => feed.id));
    const failing = feedsFailingLongerThan(
      states.filter((state) => configured.has(state.feedId)),
      deps.feedFailureAlarmHours,
      now,
    );
    if (failing.length > 0) {
      deps.log.warn(FEEDS_FAILING_MESSAGE, { [OLDEST_FAILURE_FIELD]: failing[0]!.hours, failing });
    }
    const due = dueFeeds(deps.feeds, states, now);
    const result = await deps.dispatcher.dispatch(due, deps.batchSize);
    const summary = {
      configured: deps.feeds.length,
      due: due.length,
      dispatched: result.sent,
      invocations: result.invocations,
    };
    if (result.failed.length > 0) {
      deps.log.error("polls not started", { ...summary, failed: result.failed });
      throw new DispatchError(result.failed);
    }
    deps.log.info("cycle dispatched", { ...summary, feedIds: due.map((f) => f.id) });
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
    dispatcher: createLambdaPollDispatcher({
      client: new LambdaClient({}),
      functionName: env.pollFunctionName,
    }),
    feeds: bundledFeeds(),
    batchSize: env.pollBatchSize,
    feedFailureAlarmHours: env.feedFailureAlarmHours,
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
