/**
 * Poll Lambda (SQS, one message per due feed): polls each feed through the pipeline, reporting
 * only the records that threw as failed (partial batch response), so one bad record never makes
 * SQS redeliver the whole batch. A feed that merely fails to fetch is NOT a failed record: the
 * pipeline records it and backs off in the feed state; redelivering would only hammer the site.
 * After the batch it retries alerts an earlier cycle could not send.
 */
import { createHttpFetcher } from "./adapters/http-fetcher.ts";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import { SNSClient } from "@aws-sdk/client-sns";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { createDynamoClient, createDynamoStore } from "./adapters/dynamo-store.ts";
import { createSnsNotifier } from "./adapters/sns-notifier.ts";
import { parsePollMessage } from "./adapters/sqs-queue.ts";
import { bundledFeeds } from "./bundled-feeds.ts";
import {
  type PipelineDeps,
  type PollOutcome,
  pollFeed,
  retryPendingAlerts,
} from "./core/polling/pipeline.ts";
import type { FeedConfig, FeedState } from "./core/model/types.ts";
import { readPollEnv } from "./env.ts";
import { asLog, logger } from "./logger.ts";

/**
 * A feed is only started with at least this much time left: its fetch deadline (10 s) plus store
 * writes and alerts. With less, the record is failed so SQS redelivers it instead of cutting it off.
 */
export const FEED_TIME_BUDGET_MS = 20_000;

export interface PollDeps {
  /** Everything but `log`, which is a per-feed child of `logger`. */
  pipeline: Omit<PipelineDeps, "log">;
  feeds: FeedConfig[];
  logger: Logger;
}

/**
 * Hours the feed has been failing: since its first failure in this run (failingSince), else since it
 * last succeeded (states written before failingSince existed). Null when it is not failing.
 */
export function feedFailureAgeHours(state: FeedState | null, now: Date): number | null {
  const since = state?.failingSince ?? state?.lastOkAt;
  if (!state || state.consecutiveFailures === 0 || !since) return null;
  const hours = (now.getTime() - Date.parse(since)) / 3_600_000;
  return Number.isFinite(hours) ? Math.max(0, Math.round(hours * 10) / 10) : null;
}

/** Builds the poll handler around its ports (tests pass dynalite, a mocked SNS client and local feeds). */
export function createPollHandler(
  deps: PollDeps,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const feedsById = new Map(deps.feeds.map((feed) => [feed.id, feed]));
  const processor = new BatchProcessor(EventType.SQS);
  const { logger: log } = deps;

  async function pollRecord(record: SQSRecord, context?: Context): Promise<PollOutcome | null> {
    const { feedId } = parsePollMessage(record.body);
    const feed = feedsById.get(feedId);
    if (!feed) {
      // Queued before a deploy removed the feed: nothing to poll, and retrying would not help.
      log.warn("unknown feed skipped", { feedId, messageId: record.messageId });
      return null;
    }
    const remaining = context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
    if (remaining < FEED_TIME_BUDGET_MS) {
      throw new Error(
        `Feed '${feed.id}' not started: ${remaining} ms left, below the ${FEED_TIME_BUDGET_MS} ms budget`,
      );
    }
    // Records run in parallel, so per-feed keys live on a child logger, not appended to the shared one.
    const feedLog = log.createChild({ persistentKeys: { feedId: feed.id, feedName: feed.name } });
    const pipeline: PipelineDeps = { ...deps.pipeline, log: asLog(feedLog) };
    const outcome = await pollFeed(feed, pipeline);
    if (outcome.status === "failed") {
      const state = await pipeline.store.getFeedState(feed.id);
      const ageHours = feedFailureAgeHours(state, pipeline.clock());
      // `feedFailureAgeHours` feeds the stack's metric filter and its "failing for a day" alarm.
      feedLog.warn("feed failing", {
        kind: outcome.kind,
        error: outcome.message,
        consecutiveFailures: state?.consecutiveFailures,
        lastOkAt: state?.lastOkAt ?? null,
        ...(ageHours === null ? {} : { feedFailureAgeHours: ageHours }),
      });
    } else {
      feedLog.info("feed polled", { ...outcome });
    }
    return outcome;
  }

  return async (event, context) => {
    const response = await processPartialResponse(event, pollRecord, processor, { context });
    try {
      const resent = await retryPendingAlerts({ ...deps.pipeline, log: asLog(log) });
      if (resent > 0) log.info("pending alerts sent", { resent });
    } catch (error) {
      // The batch itself succeeded; pending alerts stay pending and the next cycle tries again.
      log.error("pending alert retry failed", { error: error as Error });
    }
    if (response.batchItemFailures.length > 0) {
      log.warn("records failed", { failed: response.batchItemFailures.map((f) => f.itemIdentifier) });
    }
    return response;
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
    },
    feeds: bundledFeeds(),
    logger,
  });
}

/** Lambda entry point (SQS event source with ReportBatchItemFailures). */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  // Built on the first invocation (not at import, so tests can import without AWS env), then reused.
  warmHandler ??= buildFromEnvironment();
  return warmHandler(event, context);
}
