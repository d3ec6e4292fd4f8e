/**
 * The contract between the stack (infra/) and the runtime (handlers, adapters, local mode): the
 * environment variable names the stack sets and the handlers read, and the table's key and index
 * names. One module, imported by both sides, so a rename cannot leave one side behind.
 */

/** Environment variables the stack sets on the Lambdas (lambdas/env.ts reads them). */
export const ENV = {
  /** The DynamoDB table (every function). */
  tableName: "TABLE_NAME",
  /** The alerts topic (poll). */
  topicArn: "TOPIC_ARN",
  /** The poll function, invoked asynchronously per batch of due feeds (schedule). */
  pollFunctionName: "POLL_FUNCTION_NAME",
  /** Feeds per poll invocation (schedule). */
  pollBatchSize: "POLL_BATCH_SIZE",
  /** Feeds failing longer than this many hours are reported every cycle (schedule). */
  feedFailureAlarmHours: "FEED_FAILURE_ALARM_HOURS",
  /** Feeds polled at once by one invocation (poll). */
  pollConcurrency: "POLL_CONCURRENCY",
  /** Stories scoring below this are listed but not alerted (poll). */
  minAlertScore: "MIN_ALERT_SCORE",
  /** Absolute URL the public API names itself by (api). */
  publicBaseUrl: "PUBLIC_BASE_URL",
  /** Title of the public page and feeds (api). */
  siteTitle: "SITE_TITLE",
} as const;

/** Attribute and index names of the one table (the storage contract). */
export const TABLE_KEYS = {
  partitionKey: "pk",
  gsi1Name: "gsi1",
  gsi1PartitionKey: "gsi1pk",
  gsi1SortKey: "gsi1sk",
  ttlAttribute: "ttl",
} as const;

/** Item key prefixes. */
export const KEY_PREFIX = { article: "A#", story: "S#", feed: "F#", incident: "I#" } as const;

/** Partitions of index gsi1. */
export const GSI1_PARTITION = {
  /** Flagged stories, newest first by `<publishedAt>#<storyId>`. */
  flagged: "FLAGGED",
  /** Feed states by feed id, so listing them never scans articles. */
  feeds: "FEEDS",
} as const;
