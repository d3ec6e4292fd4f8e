/**
 * Poll Lambda (invoked asynchronously by the schedule Lambda with `{ feedIds }`): polls each feed
 * through the pipeline, a few at a time, then retries alerts an earlier cycle could not send.
 *
 * A feed that merely fails to fetch is not a failed invocation: the pipeline records it and backs
 * off in the feed state; retrying at once would only hammer the site. Feeds the invocation could not
 * start (too little time left) are reported by throwing at the end, after the others were polled, so
 * Lambda retries the event once (polling is idempotent) and then parks it, with the error naming the
 * feeds, in the poll function's on-failure queue, whose alarm pages the operator.
 *
 * Logging: one summary line per invocation at INFO; per-feed detail at DEBUG; a failing feed at WARN.
 */
import { createHttpFetcher } from "./adapters/http-fetcher.ts";
import type { Logger } from "@aws-lambda-powertools/logger";
import { SNSClient } from "@aws-sdk/client-sns";
import type { Context } from "aws-lambda";
import pLimit from "p-limit";
import { createDynamoClient, createDynamoStore } from "./adapters/dynamo-store.ts";
import { parsePollEvent } from "./adapters/lambda-invoker.ts";
import { createSnsNotifier } from "./adapters/sns-notifier.ts";
import { bundledFeeds } from "./bundled-feeds.ts";
import {
  type PipelineDeps,
  type PollOutcome,
  pollFeed,
  retryPendingAlerts,
} from "./core/polling/pipeline.ts";
import type { FeedConfig } from "./core/model/types.ts";
import { readPollEnv } from "./env.ts";
import { ENV, POLL_FEEDS_AT_ONCE } from "./contract.ts";
import { announceNewStories, type WebSubPublisher } from "./core/publish/websub.ts";
import { websubFromEnv } from "./adapters/websub-ping.ts";
import { feedFailureAgeHours } from "./feed-health.ts";
import { asLog, logger } from "./logger.ts";

export { feedFailureAgeHours } from "./feed-health.ts";

/**
 * A feed is only started with at least this much time left: its fetch deadline (10 s) plus store
 * writes and alerts. With less, it is reported as not started and the event is retried.
 */
export const FEED_TIME_BUDGET_MS = 20_000;

/** Feeds polled at once when POLL_CONCURRENCY is unset (the stack sets it from infra/sizing.ts). */
export const POLL_CONCURRENCY = POLL_FEEDS_AT_ONCE;

export interface PollDeps {
  /** Everything but `log`, which is a per-feed child of `logger`. */
  pipeline: Omit<PipelineDeps, "log">;
  feeds: FeedConfig[];
  logger: Logger;
  /** Feeds polled at once; default POLL_CONCURRENCY. */
  concurrency?: number;
  /** WebSub hub to ping after an invocation stored new flagged articles; absent = no pings. */
  websub?: WebSubPublisher;
}

/** The summary of one invocation (also its INFO log line). */
export interface PollSummary {
  feeds: number;
  ok: number;
  notModified: number;
  skipped: number;
  failed: number;
  /** Ids not in the bundled feed list (removed by a deploy since the event was sent). */
  unknown: string[];
  new: number;
  flagged: number;
  alerts: number;
  pendingAlertsSent: number;
  durationMs: number;
}

/** Thrown after the batch when some feeds could not be started, naming them (see the module comment). */
export class PollIncompleteError extends Error {
  constructor(
    readonly notStarted: string[],
    readonly summary: PollSummary,
  ) {
    super(`Feeds not polled for lack of time: ${notStarted.join(", ")}`);
    this.name = "PollIncompleteError";
  }
}

/** Builds the poll handler around its ports (tests pass dynalite, a mocked SNS client and local feeds). */
export function createPollHandler(
  deps: PollDeps,
): (event: unknown, context?: Context) => Promise<PollSummary> {
  const feedsById = new Map(deps.feeds.map((feed) => [feed.id, feed]));
  const { logger: log } = deps;

  async function pollOne(feed: FeedConfig): Promise<PollOutcome> {
    // Feeds run in parallel, so per-feed keys live on a child logger, not appended to the shared one.
    const feedLog = log.createChild({ persistentKeys: { feedId: feed.id, feedName: feed.name } });
    const pipeline: PipelineDeps = { ...deps.pipeline, log: asLog(feedLog) };
    const outcome = await pollFeed(feed, pipeline);
    if (outcome.status === "failed") {
      const state = await pipeline.store.getFeedState(feed.id);
      const ageHours = feedFailureAgeHours(state, pipeline.clock());
      feedLog.warn("feed failing", {
        kind: outcome.kind,
        error: outcome.message,
        consecutiveFailures: state?.consecutiveFailures,
        lastOkAt: state?.lastOkAt ?? null,
        ...(ageHours === null ? {} : { feedFailureAgeHours: ageHours }),
      });
    } else {
      feedLog.debug("feed polled", { ...outcome });
    }
    return outcome;
  }

  return async (event, context) => {
    const started = performance.now();
    const { feedIds } = parsePollEvent(event);
    const unknown = feedIds.filter((id) => !feedsById.has(id));
    // Sent before a deploy removed the feed: nothing to poll, and retrying would not help.
    if (unknown.length > 0) log.warn("unknown feeds skipped", { feedIds: unknown });
    const feeds = feedIds.flatMap((id) => feedsById.get(id) ?? []);

    const limit = pLimit(deps.concurrency ?? POLL_CONCURRENCY);
    const notStarted: string[] = [];
    const outcomes = (
      await Promise.all(
        feeds.map((feed) =>
          limit(async () => {
            const remaining = context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
            if (remaining < FEED_TIME_BUDGET_MS) {
              notStarted.push(feed.id);
              return null;
            }
            return pollOne(feed);
          }),
        ),
      )
    ).filter((outcome): outcome is PollOutcome => outcome !== null);

    await announceNewStories(
      deps.websub,
      outcomes.reduce((sum, outcome) => sum + outcome.flagged, 0),
      asLog(log),
    );
    let pendingAlertsSent = 0;
    try {
      pendingAlertsSent = await retryPendingAlerts({ ...deps.pipeline, log: asLog(log) });
    } catch (error) {
      // The feeds were polled; pending alerts stay pending and the next cycle tries again.
      log.error("pending alert retry failed", { error: error as Error });
    }

    const count = (status: PollOutcome["status"]) => outcomes.filter((o) => o.status === status).length;
    const sum = (key: "new" | "flagged" | "alerts") => outcomes.reduce((total, o) => total + o[key], 0);
    const summary: PollSummary = {
      feeds: feedIds.length,
      ok: count("ok"),
      notModified: count("not-modified"),
      skipped: count("skipped"),
      failed: count("failed"),
      unknown,
      new: sum("new"),
      flagged: sum("flagged"),
      alerts: sum("alerts"),
      pendingAlertsSent,
      durationMs: Math.round(performance.now() - started),
    };
    if (notStarted.length > 0) {
      log.error("poll incomplete", { ...summary, notStarted });
      throw new PollIncompleteError(notStarted, summary);
    }
    log.info("poll done", { ...summary });
    return summary;
  };
}

let warmHandler: ReturnType<typeof createPollHandler> | undefined;

function buildFromEnvironment(): ReturnType<typeof createPollHandler> {
  const env = readPollEnv();
  return createPollHandler({
    pipeline: {
      store: createDynamoStore({ client: createDynamoClient(), tableName: env.tableName }),
      notifier: createSnsNotifier({
        client: new SNSClient({}),
        topicArn: env.topicArn,
        pageBaseUrl: env.publicBaseUrl,
      }),
      clock: () => new Date(),
      // Default guards: public http(s) only, private and link-local addresses refused on every hop.
      fetcher: createHttpFetcher(),
      ...(env.minAlertScore === undefined ? {} : { minAlertScore: env.minAlertScore }),
      ...(env.storyWindowHours === undefined ? {} : { storyWindowHours: env.storyWindowHours }),
    },
    feeds: bundledFeeds(),
    logger,
    websub: websubFromEnv(process.env, { hub: ENV.websubHubUrl, baseUrl: ENV.publicBaseUrl }),
    ...(env.concurrency === undefined ? {} : { concurrency: Math.floor(env.concurrency) }),
  });
}

/** Lambda entry point (asynchronous invocation by the schedule Lambda). */
export async function handler(event: unknown, context: Context): Promise<PollSummary> {
  logger.addContext(context);
  // Built on the first invocation (not at import, so tests can import without AWS env), then reused.
  warmHandler ??= buildFromEnvironment();
  return warmHandler(event, context);
}
