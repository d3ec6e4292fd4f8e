/**
 * Typed, validated deployment configuration, read from CDK context (cdk.json or `-c key=value`).
 * Every value may arrive as a string (from `-c`) or as JSON (from cdk.json); both are accepted.
 * A bad value fails synth with an error naming the key, so nothing half-configured is deployed.
 * Each kind of value is a valibot schema, the vocabulary of every configuration surface
 * (lambdas/core/model/config-schema.ts).
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import * as v from "valibot";
import {
  ConfigError,
  describeValue as describe,
  E164,
  EMAIL,
  SEVERITIES,
  validateFeedList,
} from "../lambdas/core/model/config-schema.ts";
import { POLL_FEEDS_AT_ONCE } from "../lambdas/contract.ts";
import { severitiesAtLeast } from "../lambdas/core/model/severity.ts";
import type { FeedConfig, Severity } from "../lambdas/core/model/types.ts";

export { ConfigError, SEVERITIES };

/** Filters one subscription applies through an SNS filter policy (all optional). */
export interface SubscriberFilter {
  /** Deliver only alerts at or above this severity (SNS attribute `severity`). */
  minSeverity?: Severity;
  /** Deliver only alerts naming one of these actors (SNS attribute `actor`). */
  actors?: string[];
  /** Deliver only alerts scoring at least this (SNS Number attribute `score`). */
  minScore?: number;
}

export interface Subscriber extends SubscriberFilter {
  /** An email address, or an E.164 phone number for SMS. */
  address: string;
}

export type TableRemovalPolicy = "retain" | "snapshot" | "destroy";

/**
 * How the topics are encrypted. "aws-managed": the alerts topic uses SNS's AWS-managed key (no
 * charge) and the ops topic is unencrypted, because CloudWatch and Budgets cannot publish to a topic
 * under the AWS-managed key. "customer": one rotating customer-managed key for both ($1/month).
 */
export type TopicEncryption = "aws-managed" | "customer";

export interface HeistwatchConfig {
  feeds: FeedConfig[];
  alertEmails: Subscriber[];
  alertPhones: Subscriber[];
  /** Stories scoring below this are listed in the feed but not alerted (env MIN_ALERT_SCORE); undefined = alert every flagged story. */
  minAlertScore: number | undefined;
  /** Follow-ups join a story first reported at most this many hours before (env STORY_WINDOW_HOURS); undefined = 720. */
  storyWindowHours: number | undefined;
  /** WebSub hub the feeds name and the poller pings after new stories (env WEBSUB_HUB_URL); undefined = none. */
  websubHubUrl: string | undefined;
  /** Minimum severity for SMS subscribers that set none of their own. */
  smsMinSeverity: Severity;
  smsEnabled: boolean;
  /** Alarm when the account's SMS month-to-date spend reaches this many USD (only when SMS is enabled); below smsSpendLimitUsd. */
  smsSpendAlarmUsd: number;
  /** Email subscribed to the operations (alarm) topic, if any. */
  opsEmail: string | undefined;
  /** EventBridge schedule expression: rate(...) or cron(...). */
  schedule: string;
  logRetentionDays: number;
  tableRemovalPolicy: TableRemovalPolicy;
  tableDeletionProtection: boolean;
  apiThrottleRate: number;
  apiThrottleBurst: number;
  /** Reserved concurrency of the poll Lambda; 0 reserves none (accounts with a 10-execution limit need 0). */
  pollReservedConcurrency: number;
  pollBatchSize: number;
  /** Alarm when a feed has been failing for longer than this. */
  feedFailureAlarmHours: number;
  /** Public sign-up (POST /subscriptions) and digests; see infra/constructs/subscriptions.ts. */
  signup: SignupConfig;
  /** Topic encryption (see TopicEncryption). */
  topicEncryption: TopicEncryption;
  /** X-Ray active tracing on the functions (billed per trace). */
  xray: boolean;
  /** Monthly AWS Budgets limit in USD for the account, alerting the ops topic; 0 creates no budget. */
  budgetUsd: number;
  /** The account's SMS monthly spend limit (an account setting AWS enforces); the SMS alarm fires below it. */
  smsSpendLimitUsd: number;
}

export interface SignupConfig {
  enabled: boolean;
  /** UTC hour the daily (and weekly) digest goes out. */
  digestHourUtc: number;
  /** Weekday of the weekly digest, 0 = Sunday. */
  digestWeekday: number;
  perClientPerHour: number;
  perAddressPerDay: number;
  confirmationsPerDay: number;
}

/** Log retention values CloudWatch Logs accepts (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;

/** Reads a context key. Returns undefined when the key is absent. */
export type ContextReader = (key: string) => unknown;

export interface ParseOptions {
  /** Directory relative feed-file paths resolve against (the project root). */
  baseDir: string;
}

/**
 * Builds the typed configuration from context values, collecting every problem before throwing
 * one ConfigError, so an operator fixes all of them in one go.
 */
export function parseConfig(read: ContextReader, options: ParseOptions): HeistwatchConfig {
  const problems: string[] = [];
  const p = new Parser(read, problems, options);

  const smsEnabled = p.boolean("smsEnabled", false);
  const alertPhones = p.subscribers("alertPhones", E164, "an E.164 phone number like +15551234567");
  const tableRemovalPolicy = p.oneOf<TableRemovalPolicy>(
    "tableRemovalPolicy",
    ["retain", "snapshot", "destroy"],
    "retain",
  );
  const tableDeletionProtection = p.boolean("tableDeletionProtection", true);
  const apiThrottleRate = p.number("apiThrottleRate", 20, { min: 1, max: 10_000 });
  const apiThrottleBurst = p.number("apiThrottleBurst", 40, { min: 1, max: 5_000, integer: true });
  const smsSpendLimitUsd = p.number("smsSpendLimitUsd", 1, { min: 0.01, max: 100_000 });

  const config: HeistwatchConfig = {
    feeds: p.feeds("feeds"),
    alertEmails: p.subscribers("alertEmails", EMAIL, "an email address"),
    alertPhones,
    minAlertScore: p.optionalNumber("minAlertScore", { min: 0, max: 100 }),
    storyWindowHours: p.optionalNumber("storyWindowHours", { min: 1, max: 24 * 365, integer: true }),
    websubHubUrl: p.optionalString("websubHubUrl", /^https?:\/\/[^\s/]+\S*$/, "an http(s) URL"),
    smsMinSeverity: p.oneOf<Severity>("smsMinSeverity", SEVERITIES, "high"),
    smsEnabled,
    // Below the limit: AWS stops sending SMS at the limit, so an alarm there would come too late.
    smsSpendAlarmUsd: p.number("smsSpendAlarmUsd", Math.round(smsSpendLimitUsd * 80) / 100, {
      min: 0.01,
      max: 100_000,
    }),
    opsEmail: p.optionalString("opsEmail", EMAIL, "an email address"),
    schedule: p.schedule("schedule", "rate(5 minutes)"),
    logRetentionDays: p.logRetention("logRetentionDays", 30),
    tableRemovalPolicy,
    tableDeletionProtection,
    apiThrottleRate,
    apiThrottleBurst,
    pollReservedConcurrency: p.number("pollReservedConcurrency", 2, { min: 0, max: 1000, integer: true }),
    pollBatchSize: p.number("pollBatchSize", POLL_FEEDS_AT_ONCE, { min: 1, max: 100, integer: true }),
    feedFailureAlarmHours: p.number("feedFailureAlarmHours", 24, { min: 1, max: 24 * 30 }),
    signup: {
      enabled: p.boolean("signupEnabled", true),
      digestHourUtc: p.number("digestHourUtc", 7, { min: 0, max: 23, integer: true }),
      digestWeekday: p.number("digestWeekday", 1, { min: 0, max: 6, integer: true }),
      perClientPerHour: p.number("signupPerClientPerHour", 10, { min: 1, max: 1_000_000, integer: true }),
      perAddressPerDay: p.number("signupPerAddressPerDay", 3, { min: 1, max: 1_000_000, integer: true }),
      confirmationsPerDay: p.number("signupConfirmationsPerDay", 500, {
        min: 1,
        max: 1_000_000,
        integer: true,
      }),
    },
    topicEncryption: p.oneOf<TopicEncryption>("topicEncryption", ["aws-managed", "customer"], "aws-managed"),
    xray: p.boolean("xray", false),
    budgetUsd: p.number("budgetUsd", 2, { min: 0, max: 1_000_000 }),
    smsSpendLimitUsd,
  };

  if (alertPhones.length > 0 && !smsEnabled) {
    problems.push(
      "alertPhones: phone subscribers were given but smsEnabled is false; SMS costs money per message " +
        "and new accounts start in the SMS sandbox (see docs/deploy.md), so set -c smsEnabled=true to opt in",
    );
  }
  if (tableRemovalPolicy !== "retain" && tableDeletionProtection) {
    problems.push(
      `tableRemovalPolicy: '${tableRemovalPolicy}' deletes the table on teardown, which deletion protection ` +
        "forbids; also set -c tableDeletionProtection=false",
    );
  }
  if (apiThrottleBurst < apiThrottleRate) {
    problems.push(
      `apiThrottleBurst: ${apiThrottleBurst} is below apiThrottleRate ${apiThrottleRate}; ` +
        "the burst bucket must hold at least one second of the rate",
    );
  }
  if (config.smsSpendAlarmUsd >= smsSpendLimitUsd) {
    problems.push(
      `smsSpendAlarmUsd: ${config.smsSpendAlarmUsd} is not below smsSpendLimitUsd ${smsSpendLimitUsd}; ` +
        "AWS stops sending SMS at the limit, so the alarm must fire before it",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems, "Invalid heistwatch configuration");
  return config;
}

/** A number range as the settings state it. */
interface NumberRange {
  min: number;
  max: number;
  integer?: boolean;
}

const numberText = (text: string) => text !== "" && Number.isFinite(Number(text));

/** true/false as JSON (cdk.json) or as text (`-c key=true`). */
const booleanSetting = v.union(
  [
    v.boolean(),
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.picklist(["true", "false"]),
      v.transform((text) => text === "true"),
    ),
  ],
  (issue) => `expected true or false, got ${describe(issue.input)}`,
);

/** A number in a range, as JSON or as text; the message says which rule it broke. */
function numberSetting(range: NumberRange) {
  return v.pipe(
    v.union(
      [
        v.pipe(v.number(), v.finite()),
        v.pipe(v.string(), v.trim(), v.check(numberText), v.transform(Number)),
      ],
      (issue) => `expected a number, got ${describe(issue.input)}`,
    ),
    v.check(
      (n) => !range.integer || Number.isInteger(n),
      (issue) => `expected a whole number, got ${String(issue.input)}`,
    ),
    v.check(
      (n) => n >= range.min && n <= range.max,
      (issue) => `expected a number from ${range.min} to ${range.max}, got ${String(issue.input)}`,
    ),
  );
}

function oneOfSetting<T extends string>(allowed: readonly T[]) {
  const message = (issue: v.BaseIssue<unknown>) =>
    `expected one of ${allowed.join(", ")}, got ${describe(issue.input)}`;
  return v.pipe(v.string(message), v.trim(), v.picklist(allowed, message));
}

function patternSetting(pattern: RegExp, what: string) {
  const message = (issue: v.BaseIssue<unknown>) => `expected ${what}, got ${describe(issue.input)}`;
  return v.pipe(v.string(message), v.trim(), v.regex(pattern, message));
}

/** rate(N unit) with a singular unit only for 1, or cron(6 fields): what EventBridge accepts. */
const scheduleSetting = v.pipe(
  v.string((issue) => `expected rate(N minutes|hours|days) or cron(6 fields), got ${describe(issue.input)}`),
  v.trim(),
  v.check(
    (text) => RATE.test(text) || CRON.test(text),
    (issue) => `expected rate(N minutes|hours|days) or cron(6 fields), got ${describe(issue.input)}`,
  ),
  v.check(
    (text) => {
      const rate = RATE.exec(text);
      if (!rate) return true;
      const n = Number(rate[1]);
      return n >= 1 && !rate[2]!.endsWith("s") === (n === 1);
    },
    (issue) =>
      `'${String(issue.input)}': use a positive number, with a singular unit only for 1 ("rate(1 hour)")`,
  ),
);

const logRetentionSetting = v.pipe(
  numberSetting({ min: 1, max: 3653, integer: true }),
  v.check(
    (days) => LOG_RETENTION_DAYS.includes(days),
    (issue) =>
      `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(", ")} days, got ${String(issue.input)}`,
  ),
);

const SUBSCRIBER_FIELDS = ["address", "minSeverity", "actors", "minScore"];

/** One subscriber entry, `{ address, minSeverity?, actors?, minScore? }` (a bare address is read as `{ address }`). */
function subscriberSchema(pattern: RegExp, what: string) {
  const badAddress = (issue: v.BaseIssue<unknown>) => `expected ${what}, got ${describe(issue.input)}`;
  const badActors = "actors must be a non-empty array of actor names";
  const badScore = (issue: v.BaseIssue<unknown>) =>
    `minScore must be a number from 0 to 100, got ${describe(issue.input)}`;
  return v.strictObject(
    {
      address: v.pipe(v.string(badAddress), v.trim(), v.regex(pattern, badAddress)),
      minSeverity: v.optional(
        v.picklist(
          SEVERITIES,
          (issue) => `minSeverity must be one of ${SEVERITIES.join(", ")}, got ${describe(issue.input)}`,
        ),
      ),
      actors: v.optional(
        v.pipe(
          v.array(v.pipe(v.string(badActors), v.trim(), v.nonEmpty(badActors)), badActors),
          v.nonEmpty(badActors),
        ),
      ),
      minScore: v.optional(
        v.pipe(v.number(badScore), v.finite(badScore), v.minValue(0, badScore), v.maxValue(100, badScore)),
      ),
    },
    (issue) =>
      issue.expected === "never"
        ? `unknown field(s) ${String(issue.input)}; allowed: ${SUBSCRIBER_FIELDS.join(", ")}`
        : `expected ${what} or an object with "address"`,
  );
}

/** Each method reads one key, records a problem naming it when the value is bad, and returns a fallback. */
class Parser {
  constructor(
    private readonly read: ContextReader,
    private readonly problems: string[],
    private readonly options: ParseOptions,
  ) {}

  private fail(key: string, message: string): void {
    this.problems.push(`${key}: ${message}`);
  }

  /**
   * Reads `key` through `schema`. Absent (and, where `emptyIsAbsent`, an empty `-c key=`) gives the
   * fallback; a bad value is recorded as a problem naming the key, and gives the fallback too.
   */
  private setting<S extends v.GenericSchema, F>(
    key: string,
    schema: S,
    fallback: F,
    emptyIsAbsent = false,
  ): v.InferOutput<S> | F {
    const value = this.read(key);
    if (value === undefined || (emptyIsAbsent && value === "")) return fallback;
    const result = v.safeParse(schema, value);
    if (result.success) return result.output;
    this.fail(key, result.issues[0].message);
    return fallback;
  }

  boolean(key: string, fallback: boolean): boolean {
    return this.setting(key, booleanSetting, fallback);
  }

  optionalNumber(key: string, range: NumberRange): number | undefined {
    return this.setting(key, numberSetting(range), undefined, true);
  }

  number(key: string, fallback: number, range: NumberRange): number {
    return this.setting(key, numberSetting(range), fallback, true);
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    return this.setting(key, oneOfSetting(allowed), fallback);
  }

  optionalString(key: string, pattern: RegExp, what: string): string | undefined {
    return this.setting(key, patternSetting(pattern, what), undefined, true);
  }

  schedule(key: string, fallback: string): string {
    return this.setting(key, scheduleSetting, fallback);
  }

  logRetention(key: string, fallback: number): number {
    return this.setting(key, logRetentionSetting, fallback, true);
  }

  /**
   * Feeds: a JSON array (cdk.json), a JSON string, or a path to a JSON file (`-c feeds=./my-feeds.json`).
   * Defaults to config/feeds.json, the same list local mode polls.
   */
  feeds(key: string): FeedConfig[] {
    let value = this.read(key);
    let source = `${key}`;
    if (value === undefined) value = "config/feeds.json";
    if (typeof value === "string" && !value.trim().startsWith("[")) {
      const path = isAbsolute(value) ? value : resolve(this.options.baseDir, value.trim());
      source = `${key} (${path})`;
      try {
        value = JSON.parse(readFileSync(path, "utf8"));
      } catch (error) {
        this.fail(source, `cannot read a JSON feed list: ${(error as Error).message}`);
        return [];
      }
    } else if (typeof value === "string") {
      try {
        value = JSON.parse(value);
      } catch (error) {
        this.fail(key, `not valid JSON: ${(error as Error).message}`);
        return [];
      }
    }
    try {
      return validateFeedList(value, source);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.problems.push(...error.problems);
      return [];
    }
  }

  /**
   * Subscribers: "a@x.org,b@y.org", or a JSON array of addresses and/or
   * `{ "address": ..., "minSeverity": ..., "actors": [...], "minScore": ... }` objects.
   */
  subscribers(key: string, pattern: RegExp, what: string): Subscriber[] {
    let value = this.read(key);
    if (value === undefined || value === "") return [];
    if (typeof value === "string") {
      const text = value.trim();
      if (text.startsWith("[")) {
        try {
          value = JSON.parse(text);
        } catch (error) {
          this.fail(key, `not valid JSON: ${(error as Error).message}`);
          return [];
        }
      } else {
        value = text
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
      }
    }
    if (!Array.isArray(value)) {
      this.fail(key, `expected a comma-separated list or a JSON array, got ${describe(value)}`);
      return [];
    }
    const schema = subscriberSchema(pattern, what);
    const result: Subscriber[] = [];
    value.forEach((item: unknown, index) => {
      const parsed = v.safeParse(schema, typeof item === "string" ? { address: item } : item);
      if (!parsed.success) {
        const [first] = parsed.issues;
        // valibot stops at the first unknown key; name them all so one edit fixes the entry.
        const unknown = Object.keys(item as object).filter((name) => !SUBSCRIBER_FIELDS.includes(name));
        this.fail(
          `${key}[${index}]`,
          first.expected === "never"
            ? first.message.replace(String(first.input), unknown.join(", "))
            : first.message,
        );
        return;
      }
      const { address, minSeverity, actors, minScore } = parsed.output;
      result.push({
        address,
        ...(minSeverity !== undefined ? { minSeverity } : {}),
        ...(actors !== undefined ? { actors } : {}),
        ...(minScore !== undefined ? { minScore } : {}),
      });
    });
    return result;
  }
}

/** The severities at or above `min`, as an SNS filter policy allow-list (core/model/severity.ts). */
export { severitiesAtLeast };
