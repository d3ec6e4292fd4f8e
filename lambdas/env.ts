/**
 * Typed Lambda environment, read once per container. A missing or malformed variable fails the
 * first invocation with the variable's name, instead of surfacing later as an odd AWS error.
 * Variable names come from the contract the stack also uses (lambdas/contract.ts).
 */
import * as v from "valibot";
import { ENV, POLL_FEEDS_AT_ONCE } from "./contract.ts";
import { wholeNumberSchema } from "./core/model/config-schema.ts";

/** Thrown when a required environment variable is missing or malformed. */
export class EnvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvError";
  }
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new EnvError(`Missing environment variable ${name}`);
  return value;
}

/** A number given as text: a decimal, or with `whole` a whole number, within [min, max]. */
function optionalNumber(env: Env, name: string, min: number, max: number, whole = false): number | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  const schema = whole
    ? wholeNumberSchema(min, max)
    : v.pipe(v.string(), v.decimal(), v.transform(Number), v.minValue(min), v.maxValue(max));
  const result = v.safeParse(schema, text);
  if (!result.success) {
    const what = whole ? "a whole number" : "a number";
    throw new EnvError(`Environment variable ${name} must be ${what} from ${min} to ${max}, got '${text}'`);
  }
  return result.output;
}

function optionalHttpUrl(env: Env, name: string): string | undefined {
  const text = env[name]?.trim();
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EnvError(`Environment variable ${name} must be an absolute http(s) URL, got '${text}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new EnvError(`Environment variable ${name} must be an absolute http(s) URL, got '${text}'`);
  }
  return url.href.replace(/\/+$/, "");
}

export interface ScheduleEnv {
  tableName: string;
  /** The poll Lambda, invoked asynchronously once per batch of due feeds. */
  pollFunctionName: string;
  /** Feeds per poll invocation. */
  pollBatchSize: number;
  /** Feeds failing longer than this many hours are reported every cycle (the alarm's signal). */
  feedFailureAlarmHours: number;
}

export interface PollEnv {
  tableName: string;
  topicArn: string;
  /** Stories scoring below this are stored and listed but not alerted; undefined = the pipeline's default. */
  minAlertScore: number | undefined;
  /** How long an incident stays open to follow-ups; undefined = the pipeline's default (30 days). */
  storyWindowHours: number | undefined;
  /** Feeds polled at once; undefined = the handler's default. */
  concurrency: number | undefined;
  /** The public site's base URL, for links to story pages in alerts (PUBLIC_BASE_URL, optional). */
  publicBaseUrl: string | undefined;
}

/** The schedule Lambda's settings (TABLE_NAME, POLL_FUNCTION_NAME, POLL_BATCH_SIZE, FEED_FAILURE_ALARM_HOURS). */
export function readScheduleEnv(env: Env = process.env): ScheduleEnv {
  return {
    tableName: required(env, ENV.tableName),
    pollFunctionName: required(env, ENV.pollFunctionName),
    pollBatchSize: optionalNumber(env, ENV.pollBatchSize, 1, 1000) ?? POLL_FEEDS_AT_ONCE,
    feedFailureAlarmHours: optionalNumber(env, ENV.feedFailureAlarmHours, 1, 24 * 30) ?? 24,
  };
}

/** The poll Lambda's settings (TABLE_NAME, TOPIC_ARN, optional MIN_ALERT_SCORE 0..100 and PUBLIC_BASE_URL). */
export function readPollEnv(env: Env = process.env): PollEnv {
  return {
    tableName: required(env, ENV.tableName),
    topicArn: required(env, ENV.topicArn),
    minAlertScore: optionalNumber(env, ENV.minAlertScore, 0, 100),
    storyWindowHours: optionalNumber(env, ENV.storyWindowHours, 1, 24 * 365),
    concurrency: optionalNumber(env, ENV.pollConcurrency, 1, 100),
    publicBaseUrl: optionalHttpUrl(env, ENV.publicBaseUrl),
  };
}

export interface DigestEnv {
  tableName: string;
  topicArn: string;
  /** UTC hour of the daily digest; undefined = the default schedule's. */
  digestHourUtc: number | undefined;
  /** Weekday of the weekly digest (0 = Sunday); undefined = the default schedule's. */
  digestWeekday: number | undefined;
}

/** The digest Lambda's settings (TABLE_NAME, TOPIC_ARN, optional DIGEST_HOUR_UTC 0..23 and DIGEST_WEEKDAY 0..6). */
export function readDigestEnv(env: Env = process.env): DigestEnv {
  return {
    tableName: required(env, ENV.tableName),
    topicArn: required(env, ENV.topicArn),
    digestHourUtc: optionalNumber(env, ENV.digestHourUtc, 0, 23, true),
    digestWeekday: optionalNumber(env, ENV.digestWeekday, 0, 6, true),
  };
}
