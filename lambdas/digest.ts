/**
 * Lambda handler for digests, invoked by two EventBridge schedules with `{"period":"daily"}` or
 * `{"period":"weekly"}`: reads the period's flagged stories, builds one digest per severity tier
 * and publishes each to the alerts topic, where digest subscribers' filter policies pick theirs.
 * Each period slot is claimed once in the table first, so a duplicate invocation sends nothing
 * (at most once: a failed publish is logged and that digest is not retried).
 *
 * Environment: TABLE_NAME, TOPIC_ARN (required); DIGEST_HOUR_UTC (0..23, default 7),
 * DIGEST_WEEKDAY (0..6, 0 = Sunday, default 1).
 */
import { SNSClient } from "@aws-sdk/client-sns";
import { createDigestSlotClaimer } from "./adapters/dynamo-subscriptions.ts";
import { publishDigest } from "./adapters/sns-digest-publisher.ts";
import { createDynamoClient, createDynamoStore } from "./adapters/dynamo-store.ts";
import type { Clock, Log, StoryReader } from "./core/model/ports.ts";
import {
  buildDigests,
  DEFAULT_DIGEST_SCHEDULE,
  type Digest,
  type DigestSchedule,
  digestWindow,
  scheduledSlot,
  storiesBetween,
} from "./core/subscriptions/digest.ts";
import type { DigestPeriod } from "./core/subscriptions/types.ts";
import { readDigestEnv } from "./env.ts";
import { asLog, logger } from "./logger.ts";

export interface DigestDeps {
  reader: StoryReader;
  claim(slotKey: string): Promise<boolean>;
  publish(digest: Digest): Promise<void>;
  schedule: DigestSchedule;
  clock: Clock;
  log: Log;
}

export interface DigestResult {
  period: DigestPeriod;
  slot: string;
  /** Digests published (one per severity tier with stories); 0 when the slot was already taken. */
  published: number;
  skipped: boolean;
}

/** Runs one digest invocation (exported with its dependencies for tests). */
export async function runDigest(deps: DigestDeps, event: unknown): Promise<DigestResult> {
  const period = (event as { period?: unknown } | null)?.period;
  if (period !== "daily" && period !== "weekly") {
    throw new Error(
      `digest event must be {"period":"daily"} or {"period":"weekly"}, got ${JSON.stringify(event)?.slice(0, 100)}`,
    );
  }
  const slot = scheduledSlot(period, deps.clock(), deps.schedule);
  if (!(await deps.claim(slot.key))) {
    deps.log.info("digest slot already sent", { slot: slot.key });
    return { period, slot: slot.key, published: 0, skipped: true };
  }
  const window = digestWindow(period, slot.at);
  const digests = buildDigests(period, await storiesBetween(deps.reader, window.from, window.to), slot.at);
  for (const digest of digests) await deps.publish(digest);
  deps.log.info("digests published", {
    slot: slot.key,
    tiers: digests.map((d) => `${d.tier}:${d.stories.length}`),
  });
  return { period, slot: slot.key, published: digests.length, skipped: false };
}

let deps: DigestDeps | undefined;

function productionDeps(): DigestDeps {
  const { tableName, topicArn, digestHourUtc, digestWeekday } = readDigestEnv();
  const client = createDynamoClient();
  const sns = new SNSClient({});
  return {
    reader: createDynamoStore({ client, tableName }),
    claim: createDigestSlotClaimer({ client, tableName }),
    publish: (digest) => publishDigest(sns, topicArn, digest),
    schedule: {
      hourUtc: digestHourUtc ?? DEFAULT_DIGEST_SCHEDULE.hourUtc,
      weekday: digestWeekday ?? DEFAULT_DIGEST_SCHEDULE.weekday,
    },
    clock: () => new Date(),
    log: asLog(logger),
  };
}

export const handler = async (event: unknown): Promise<DigestResult> => {
  deps ??= productionDeps();
  return runDigest(deps, event);
};
