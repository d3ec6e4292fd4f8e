/**
 * The contract between the stack (infra/) and the runtime (handlers, adapters, local mode): the
 * environment variable names the stack sets and the handlers read, and the table's key and index
 * names. One module, imported by both sides, so a rename cannot leave one side behind.
 */

/**
 * Feeds one poll invocation takes, all fetched at once: the default of POLL_BATCH_SIZE (schedule)
 * and of POLL_CONCURRENCY (poll). Peak memory does not grow with it (docs/deploy.md#poll-memory),
 * and one invocation covers the bundled feed list, so a cycle is one billed poll.
 */
export const POLL_FEEDS_AT_ONCE = 30;

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
  /** Follow-up reports join a story first reported at most this many hours before them (poll). */
  storyWindowHours: "STORY_WINDOW_HOURS",
  /** Absolute URL the public API names itself by (api). */
  publicBaseUrl: "PUBLIC_BASE_URL",
  /** Title of the public page and feeds (api). */
  siteTitle: "SITE_TITLE",
  /** WebSub hub the feeds name and the poller pings after new stories (api, poll; optional). */
  websubHubUrl: "WEBSUB_HUB_URL",
  /** The alerts topic public sign-up subscribes to; sign-up is on when set (api). */
  alertsTopicArn: "ALERTS_TOPIC_ARN",
  /** Dead-letter queue of subscriptions made by sign-up (api). */
  subscriptionDlqArn: "SUBSCRIPTION_DLQ_ARN",
  /** "true" lets the public sign up phone numbers, proven by an SMS code (api). */
  smsSignupEnabled: "SMS_SIGNUP_ENABLED",
  /** Prefix of the sign-up limits, e.g. SIGNUP_PER_CLIENT_PER_HOUR (api; core/subscriptions/limits.ts). */
  signupLimitsPrefix: "SIGNUP_",
  /** UTC hour and weekday (0 = Sunday) of the digests (digest). */
  digestHourUtc: "DIGEST_HOUR_UTC",
  digestWeekday: "DIGEST_WEEKDAY",
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
export const KEY_PREFIX = {
  article: "A#",
  story: "S#",
  feed: "F#",
  incident: "I#",
  /** Sign-up rate-limit counters (the only items the api may write). */
  rateLimit: "RL#",
  /** Digest slots claimed (the only items the digest function may write). */
  digestSlot: "DIGEST#",
  /** Local mode's subscribers, their address pointers and link tokens. */
  subscriber: "SUB#",
  subscriberAddress: "SUBADDR#",
  subscriberToken: "SUBTOK#",
  /** Pending phone sign-ups awaiting their SMS code (api). */
  smsCode: "SMSCODE#",
} as const;

/** Partitions of index gsi1. */
export const GSI1_PARTITION = {
  /** Flagged stories, newest first by `<publishedAt>#<storyId>`. */
  flagged: "FLAGGED",
  /** Feed states by feed id, so listing them never scans articles. */
  feeds: "FEEDS",
  /** Local mode's confirmed subscribers. */
  subscribers: "SUBSCRIBERS",
} as const;
