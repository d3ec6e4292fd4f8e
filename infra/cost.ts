/**
 * The monthly cost model behind `heistwatch cost`: the stack's billed parts at the given
 * configuration, line by line, from prices and usage assumptions kept as data (config/prices.json).
 * It reads the same sizes (infra/sizing.ts) and alarm rules as the stack, and test/infra/cost.test.ts
 * checks the synthesized template against its counts.
 */
import type { HeistwatchConfig } from "./config.ts";
import { cyclesPerDay, FUNCTION_SIZES } from "./sizing.ts";

export interface PriceBook {
  region: string;
  currency: string;
  date: string;
  source: string;
  prices: Record<PriceKey, number>;
  usage: Record<UsageKey, number>;
  notes?: Record<string, string>;
}

export type PriceKey =
  | "lambdaRequestsPerMillion"
  | "lambdaArmGbSecond"
  | "dynamoReadUnitsPerMillion"
  | "dynamoWriteUnitsPerMillion"
  | "dynamoStorageGbMonth"
  | "dynamoPitrGbMonth"
  | "cloudwatchAlarmMetricMonth"
  | "cloudwatchCustomMetricMonth"
  | "logsIngestGb"
  | "logsStorageGbMonth"
  | "xrayTracesPerMillion"
  | "kmsKeyMonth"
  | "kmsRequestsPer10k"
  | "httpApiRequestsPerMillion"
  | "snsPublishesPerMillion"
  | "snsEmailsPer100k"
  | "sqsRequestsPerMillion"
  | "eventBridgeScheduledEvents"
  | "budgetMonth";

export type UsageKey =
  | "pollOverheadSeconds"
  | "pollSecondsPerWave"
  | "scheduleSeconds"
  | "itemsPerFeed"
  | "itemSetChangesPerFeedPerDay"
  | "newArticlesPerFeedPerDay"
  | "articleKb"
  | "articleDays"
  | "feedStateKb"
  | "logKbPerInvocation"
  | "apiRequestsPerMonth"
  | "apiSeconds"
  | "alertsPerMonth"
  | "hoursWithAFeedFailingTooLong";

/** What the cost model needs of the configuration (the feed list only counts). */
export type CostInputs = Pick<
  HeistwatchConfig,
  | "schedule"
  | "pollBatchSize"
  | "smsEnabled"
  | "xray"
  | "topicEncryption"
  | "budgetUsd"
  | "logRetentionDays"
  | "alertEmails"
> & { feedCount: number };

export interface CostLine {
  item: string;
  /** The arithmetic, in words and numbers, so a reader can redo it. */
  arithmetic: string;
  usd: number;
}

export interface CostEstimate {
  lines: CostLine[];
  totalUsd: number;
  /** Counts the synthesized template must agree with. */
  resources: { alarms: number; kmsKeys: number; tracing: boolean; budgets: number; customMetrics: number };
}

const DAYS = 30;
const HOURS_PER_MONTH = 730;
const GB = 1024 * 1024; // KB per GB

/** The alarms the stack creates for this configuration (infra/stack.ts, "Alarms"). */
export function alarmNames(inputs: Pick<CostInputs, "smsEnabled">): string[] {
  return [
    "FailuresAlarm",
    "ApiErrorsAlarm",
    "FeedFailingAlarm",
    ...(inputs.smsEnabled ? ["SmsSpendAlarm"] : []),
  ];
}

/** The monthly estimate for `inputs` at `book`'s prices. */
export function estimateMonthlyCost(inputs: CostInputs, book: PriceBook): CostEstimate {
  const p = book.prices;
  const u = book.usage;
  const lines: CostLine[] = [];
  const add = (item: string, arithmetic: string, usd: number) => lines.push({ item, arithmetic, usd });
  const n = (value: number) => Math.round(value).toLocaleString("en-US");
  const gbs = (mb: number) => mb / 1024;

  const cycles = cyclesPerDay(inputs.schedule) * DAYS;
  const feeds = inputs.feedCount;
  const pollsPerCycle = Math.ceil(feeds / inputs.pollBatchSize);
  const polls = cycles * pollsPerCycle;
  const feedsPerPoll = Math.min(feeds, inputs.pollBatchSize);
  const waves = Math.ceil(feedsPerPoll / FUNCTION_SIZES.poll.concurrency);
  const pollSeconds = u.pollOverheadSeconds + waves * u.pollSecondsPerWave;
  const invocations = cycles + polls + u.apiRequestsPerMonth;

  add(
    "Lambda requests",
    `${n(cycles)} cycles (${inputs.schedule}) x (1 schedule + ${pollsPerCycle} poll) + ${n(u.apiRequestsPerMonth)} API = ${n(invocations)} x $${p.lambdaRequestsPerMillion}/M`,
    (invocations / 1e6) * p.lambdaRequestsPerMillion,
  );
  const scheduleGbs = cycles * gbs(FUNCTION_SIZES.schedule.memoryMb) * u.scheduleSeconds;
  add(
    "Lambda compute, schedule",
    `${n(cycles)} x ${FUNCTION_SIZES.schedule.memoryMb} MB x ${u.scheduleSeconds} s = ${n(scheduleGbs)} GB-s x $${p.lambdaArmGbSecond}`,
    scheduleGbs * p.lambdaArmGbSecond,
  );
  const pollGbs = polls * gbs(FUNCTION_SIZES.poll.memoryMb) * pollSeconds;
  add(
    "Lambda compute, poll",
    `${n(polls)} x ${FUNCTION_SIZES.poll.memoryMb} MB x ${pollSeconds.toFixed(1)} s (${feedsPerPoll} feeds, ${waves} wave(s) of ${FUNCTION_SIZES.poll.concurrency}) = ${n(pollGbs)} GB-s`,
    pollGbs * p.lambdaArmGbSecond,
  );
  const apiGbs = u.apiRequestsPerMonth * gbs(FUNCTION_SIZES.api.memoryMb) * u.apiSeconds;
  add(
    "Lambda compute, api",
    `${n(u.apiRequestsPerMonth)} x ${FUNCTION_SIZES.api.memoryMb} MB x ${u.apiSeconds} s = ${n(apiGbs)} GB-s`,
    apiGbs * p.lambdaArmGbSecond,
  );

  // Reads: eventually consistent, 0.5 unit per 4 KB item.
  const stateQueryUnits = cycles * Math.ceil((feeds * u.feedStateKb) / 4) * 0.5;
  const stateGetUnits = cycles * feeds * 0.5;
  const changedPolls = feeds * u.itemSetChangesPerFeedPerDay * DAYS;
  const knownIdUnits = changedPolls * u.itemsPerFeed * 0.5;
  const readUnits = stateQueryUnits + stateGetUnits + knownIdUnits;
  add(
    "DynamoDB reads",
    `feed states ${n(stateQueryUnits + stateGetUnits)} + known ids only when a feed's item set changed (${n(changedPolls)} polls x ${u.itemsPerFeed} items x 0.5) ${n(knownIdUnits)} = ${n(readUnits)} RRU x $${p.dynamoReadUnitsPerMillion}/M`,
    (readUnits / 1e6) * p.dynamoReadUnitsPerMillion,
  );
  const articles = feeds * u.newArticlesPerFeedPerDay * DAYS;
  const writeUnits = articles * Math.ceil(u.articleKb) + changedPolls * 2;
  add(
    "DynamoDB writes",
    `${n(articles)} new articles x ${Math.ceil(u.articleKb)} WRU + ${n(changedPolls)} feed-state writes x 2 (table + index) = ${n(writeUnits)} WRU x $${p.dynamoWriteUnitsPerMillion}/M`,
    (writeUnits / 1e6) * p.dynamoWriteUnitsPerMillion,
  );
  const storedGb = (feeds * u.newArticlesPerFeedPerDay * u.articleDays * u.articleKb) / GB;
  add(
    "DynamoDB storage + PITR",
    `${(storedGb * 1024).toFixed(0)} MB (articles kept ${u.articleDays} days) x ($${p.dynamoStorageGbMonth} + $${p.dynamoPitrGbMonth})/GB`,
    storedGb * (p.dynamoStorageGbMonth + p.dynamoPitrGbMonth),
  );

  const alarms = alarmNames(inputs);
  add(
    "CloudWatch alarms",
    `${alarms.length} (${alarms.join(", ")}) x 1 metric x $${p.cloudwatchAlarmMetricMonth}`,
    alarms.length * p.cloudwatchAlarmMetricMonth,
  );
  add(
    "CloudWatch custom metric",
    `FeedFailureAgeHours, only while a feed fails too long: ${u.hoursWithAFeedFailingTooLong} h / ${HOURS_PER_MONTH} h x $${p.cloudwatchCustomMetricMonth}`,
    (u.hoursWithAFeedFailingTooLong / HOURS_PER_MONTH) * p.cloudwatchCustomMetricMonth,
  );
  const logGb = ((cycles + polls + 2 * u.apiRequestsPerMonth) * u.logKbPerInvocation) / GB;
  const storedLogGb = logGb * Math.min(inputs.logRetentionDays / DAYS, 12);
  add(
    "CloudWatch Logs",
    `${n(logGb * 1024)} MB ingested (one summary line per run; API access logs) x $${p.logsIngestGb}/GB + ${n(storedLogGb * 1024)} MB kept ${inputs.logRetentionDays} days x $${p.logsStorageGbMonth}/GB`,
    logGb * p.logsIngestGb + storedLogGb * p.logsStorageGbMonth,
  );
  add(
    "X-Ray",
    inputs.xray ? `${n(invocations)} traces x $${p.xrayTracesPerMillion}/M` : "off (setting xray=false)",
    inputs.xray ? (invocations / 1e6) * p.xrayTracesPerMillion : 0,
  );
  const customer = inputs.topicEncryption === "customer";
  add(
    "KMS",
    customer
      ? `1 customer key x $${p.kmsKeyMonth} + ${u.alertsPerMonth} publishes x $${p.kmsRequestsPer10k}/10k`
      : "SNS's AWS-managed key, no charge (setting topicEncryption=aws-managed)",
    customer ? p.kmsKeyMonth + (u.alertsPerMonth / 1e4) * p.kmsRequestsPer10k : 0,
  );
  add(
    "HTTP API",
    `${n(u.apiRequestsPerMonth)} requests x $${p.httpApiRequestsPerMillion}/M`,
    (u.apiRequestsPerMonth / 1e6) * p.httpApiRequestsPerMillion,
  );
  const emails = u.alertsPerMonth * inputs.alertEmails.length;
  add(
    "SNS",
    `${u.alertsPerMonth} alerts x $${p.snsPublishesPerMillion}/M + ${emails} emails x $${p.snsEmailsPer100k}/100k (SMS billed by AWS per message)`,
    (u.alertsPerMonth / 1e6) * p.snsPublishesPerMillion + (emails / 1e5) * p.snsEmailsPer100k,
  );
  add("SQS", "one dead-letter queue, billed per request: none while nothing fails", 0);
  add("EventBridge", "scheduled rule events are free", cycles * p.eventBridgeScheduledEvents);
  add(
    "AWS Budgets",
    inputs.budgetUsd > 0 ? `1 budget (${inputs.budgetUsd} USD), no actions` : "none (budgetUsd=0)",
    inputs.budgetUsd > 0 ? p.budgetMonth : 0,
  );

  return {
    lines,
    totalUsd: lines.reduce((sum, line) => sum + line.usd, 0),
    resources: {
      alarms: alarms.length,
      kmsKeys: customer ? 1 : 0,
      tracing: inputs.xray,
      budgets: inputs.budgetUsd > 0 ? 1 : 0,
      customMetrics: 1,
    },
  };
}

/** The estimate as an aligned text table with a total, and where the prices come from. */
export function formatEstimate(estimate: CostEstimate, book: PriceBook, inputs: CostInputs): string {
  const money = (usd: number) =>
    usd > 0 && usd < 0.0001
      ? "<$0.0001"
      : usd > 0 && usd < 0.01
        ? `$${usd.toFixed(4)}`
        : `$${usd.toFixed(2)}`;
  const width = Math.max(...estimate.lines.map((line) => line.item.length));
  const moneyWidth = Math.max(...estimate.lines.map((line) => money(line.usd).length));
  return [
    `heistwatch monthly cost: ${inputs.feedCount} feeds, ${inputs.schedule}, ${book.region} list prices of ${book.date}, no free tier`,
    "",
    ...estimate.lines.map(
      (line) => `${line.item.padEnd(width)}  ${money(line.usd).padStart(moneyWidth)}  ${line.arithmetic}`,
    ),
    "",
    `${"total".padEnd(width)}  ${money(estimate.totalUsd).padStart(moneyWidth)}  per month`,
    "",
    `Prices: config/prices.json (${book.source.split(";")[0]}).`,
  ].join("\n");
}
