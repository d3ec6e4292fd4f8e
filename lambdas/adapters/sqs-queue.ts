/**
 * The poll queue: the schedule Lambda puts one message per due feed on it, the poll Lambda
 * consumes them. Messages carry only the feed id; the poller looks the feed up in its own
 * bundled list, so a message can never make it fetch a URL the operator did not configure.
 */
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { FeedConfig } from "../core/model/types.ts";

/** The body of one poll message. */
export interface PollMessage {
  feedId: string;
}

/** SQS accepts at most 10 entries per SendMessageBatch. */
const BATCH_LIMIT = 10;
/** Entries SQS reports as failed (e.g. throttled) are resent this many more times. */
const RESEND_ATTEMPTS = 2;

export interface EnqueueResult {
  sent: number;
  /** Feeds still not queued after the resends, with SQS's reason. */
  failed: { feedId: string; reason: string }[];
}

export interface PollQueue {
  /** Queues one message per feed with SendMessageBatch (10 per call), resending failed entries. */
  enqueue(feeds: FeedConfig[]): Promise<EnqueueResult>;
}

/** A PollQueue on SQS. */
export function createSqsPollQueue(options: { client: SQSClient; queueUrl: string }): PollQueue {
  return {
    async enqueue(feeds) {
      let sent = 0;
      const failed: EnqueueResult["failed"] = [];
      for (let start = 0; start < feeds.length; start += BATCH_LIMIT) {
        let pending = feeds.slice(start, start + BATCH_LIMIT);
        let reasons = new Map<string, string>();
        for (let attempt = 0; attempt <= RESEND_ATTEMPTS && pending.length > 0; attempt++) {
          // Entry ids must be unique within one call and [A-Za-z0-9_-]: the batch index is.
          const response = await options.client.send(
            new SendMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: pending.map((feed, index) => ({
                Id: String(index),
                MessageBody: encodePollMessage({ feedId: feed.id }),
              })),
            }),
          );
          sent += response.Successful?.length ?? 0;
          reasons = new Map();
          const retry: FeedConfig[] = [];
          for (const entry of response.Failed ?? []) {
            const feed = pending[Number(entry.Id)];
            if (!feed) continue;
            reasons.set(feed.id, `${entry.Code ?? "error"}: ${entry.Message ?? "no message"}`);
            // SenderFault entries (a malformed message) would fail the same way again.
            if (!entry.SenderFault) retry.push(feed);
            else failed.push({ feedId: feed.id, reason: reasons.get(feed.id)! });
          }
          pending = retry;
        }
        for (const feed of pending)
          failed.push({ feedId: feed.id, reason: reasons.get(feed.id) ?? "unknown" });
      }
      return { sent, failed };
    },
  };
}

/** Serialises a poll message. */
export function encodePollMessage(message: PollMessage): string {
  return JSON.stringify(message);
}

/** Parses a poll message body; throws a clear error on anything else. */
export function parsePollMessage(body: string): PollMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error(`Poll message is not JSON: ${body.slice(0, 100)}`);
  }
  const feedId = (value as { feedId?: unknown } | null)?.feedId;
  if (typeof feedId !== "string" || feedId === "") {
    throw new Error(`Poll message has no feedId: ${body.slice(0, 100)}`);
  }
  return { feedId };
}
