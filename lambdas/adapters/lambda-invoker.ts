/**
 * The fan-out from the schedule Lambda to the poll Lambda: one asynchronous invocation
 * (InvocationType "Event") per batch of due feeds. No queue sits in between, so nothing is billed
 * while idle; Lambda's own async queue retries a failed invocation and then hands the event to the
 * poll function's on-failure destination. Events carry only feed ids: the poller looks each one up in
 * its own bundled list, so an event can never make it fetch a URL the operator did not configure.
 */
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { FeedConfig } from "../core/model/types.ts";

/** The event the poll Lambda receives. */
export interface PollEvent {
  feedIds: string[];
}

export interface DispatchResult {
  /** Feeds handed to an accepted invocation. */
  sent: number;
  /** Invocations accepted by Lambda. */
  invocations: number;
  /** Feeds whose invocation Lambda refused, with its reason. */
  failed: { feedId: string; reason: string }[];
}

export interface PollDispatcher {
  /** Starts one asynchronous poll per `batchSize` feeds; a refused invocation is reported, not thrown. */
  dispatch(feeds: FeedConfig[], batchSize: number): Promise<DispatchResult>;
}

/** A PollDispatcher on Lambda's Invoke API. */
export function createLambdaPollDispatcher(options: {
  client: LambdaClient;
  functionName: string;
}): PollDispatcher {
  return {
    async dispatch(feeds, batchSize) {
      const result: DispatchResult = { sent: 0, invocations: 0, failed: [] };
      const size = Math.max(1, Math.floor(batchSize));
      for (let start = 0; start < feeds.length; start += size) {
        const batch = feeds.slice(start, start + size);
        try {
          // The SDK retries throttling and 5xx itself; what still fails is reported per feed.
          const response = await options.client.send(
            new InvokeCommand({
              FunctionName: options.functionName,
              InvocationType: "Event",
              Payload: encodePollEvent({ feedIds: batch.map((feed) => feed.id) }),
            }),
          );
          if (response.StatusCode !== 202) throw new Error(`Lambda answered ${response.StatusCode}`);
          result.sent += batch.length;
          result.invocations++;
        } catch (error) {
          const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          for (const feed of batch) result.failed.push({ feedId: feed.id, reason });
        }
      }
      return result;
    },
  };
}

/** Serialises a poll event as the Invoke payload. */
export function encodePollEvent(event: PollEvent): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(event));
}

/** Checks an event the poll Lambda received; throws a clear error on anything else. */
export function parsePollEvent(event: unknown): PollEvent {
  const feedIds = (event as { feedIds?: unknown } | null)?.feedIds;
  if (
    !Array.isArray(feedIds) ||
    feedIds.length === 0 ||
    !feedIds.every((id) => typeof id === "string" && id !== "")
  ) {
    throw new Error(`Poll event has no feedIds list: ${JSON.stringify(event)?.slice(0, 100)}`);
  }
  return { feedIds: [...new Set(feedIds as string[])] };
}
