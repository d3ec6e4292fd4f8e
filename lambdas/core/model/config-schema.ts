/**
 * The one schema vocabulary (valibot) for every configuration surface: CDK context (infra/config.ts),
 * local config file, env and flags (cli/local/config.ts), the Lambdas' environment (lambdas/env.ts)
 * and the feed list wherever it is read (config file, CDK context, bundled into a Lambda). One
 * feed-list validator, one ConfigError, and primitives that mean the same thing everywhere.
 * valibot is modular: a bundle carries only the validators it uses (about 5 KB in the poll bundle).
 */
import * as v from "valibot";
import { SEVERITIES } from "./severity.ts";
import type { FeedConfig, SourceTier } from "./types.ts";

/** A configuration value that cannot be used; each problem names the setting and where it came from. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string | string[], heading?: string) {
    const list = typeof problems === "string" ? [problems] : problems;
    super(heading ? `${heading}:\n  - ${list.join("\n  - ")}` : list.join("\n"));
    this.name = "ConfigError";
    this.problems = list;
  }
}

export { SEVERITIES };

/** Feed ids key the feed's stored state and appear in logs and metrics. */
export const FEED_ID = /^[a-z0-9-]{1,64}$/;
export const EMAIL = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
export const E164 = /^\+[1-9]\d{6,14}$/;

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** A value as an error message shows it: quoted strings, JSON otherwise, cut at 80 characters. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = typeof value === "string" ? `'${value}'` : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** An http(s) URL (trimmed). */
export const httpUrlSchema = v.pipe(
  v.string("must be an http(s) URL"),
  v.trim(),
  v.check(isHttpUrl, (issue) => `must be an http(s) URL, got ${describeValue(issue.input)}`),
);

/**
 * A whole number in [min, max], given as a number (JSON) or as text (env vars, flags, `-c`).
 * Text must be all digits: "80a" and "" are refused rather than read as 80 or 0.
 */
export function wholeNumberSchema(min: number, max: number) {
  return v.pipe(
    v.union(
      [v.number(), v.pipe(v.string(), v.trim(), v.regex(/^-?\d+$/), v.transform(Number))],
      (issue) => `must be a whole number from ${min} to ${max}, got ${describeValue(issue.input)}`,
    ),
    v.check(
      (n) => Number.isInteger(n) && n >= min && n <= max,
      (issue) => `must be a whole number from ${min} to ${max}, got ${describeValue(issue.input)}`,
    ),
  );
}

/** Source tiers a feed may have (their meaning: stories/corroboration.ts); absent = "news". */
export const SOURCE_TIER_NAMES = ["official", "research", "news"] as const satisfies readonly SourceTier[];

/** A feed as configured: `{ id, name, url, tier? }`; unknown fields are refused so a typo cannot be ignored. */
export const feedSchema = v.strictObject(
  {
    id: v.pipe(
      v.string("id must be 1-64 characters of a-z, 0-9 and '-'"),
      v.regex(
        FEED_ID,
        (issue) => `id must be 1-64 characters of a-z, 0-9 and '-', got ${describeValue(issue.input)}`,
      ),
    ),
    name: v.pipe(
      v.string("name must be a non-empty string"),
      v.trim(),
      v.nonEmpty("name must be a non-empty string"),
    ),
    url: v.pipe(
      v.string("url must be an http(s) URL"),
      v.trim(),
      v.check(isHttpUrl, (issue) => `url must be an http(s) URL, got ${describeValue(issue.input)}`),
    ),
    tier: v.optional(
      v.picklist(
        SOURCE_TIER_NAMES,
        (issue) => `tier must be one of ${SOURCE_TIER_NAMES.join(", ")}, got ${describeValue(issue.input)}`,
      ),
    ),
  },
  (issue) =>
    issue.expected === "never"
      ? `unknown field ${describeValue(issue.input)}; allowed: id, name, url, tier`
      : "expected an object { id, name, url }",
);

/**
 * Checks a parsed feed list. `where` names its origin ("feeds", a file path); every problem names
 * the entry (`where[index] (feed 'id')`) and the field, and all problems are reported at once.
 * @throws ConfigError listing every bad entry.
 */
export function validateFeedList(data: unknown, where: string): FeedConfig[] {
  if (!Array.isArray(data) || data.length === 0) {
    throw new ConfigError(`${where}: expected a non-empty JSON array of { id, name, url }`);
  }
  const problems: string[] = [];
  const feeds: FeedConfig[] = [];
  const seen = new Set<string>();
  data.forEach((entry: unknown, index) => {
    const id = typeof entry === "object" && entry !== null ? (entry as { id?: unknown }).id : undefined;
    const label = typeof id === "string" ? `${where}[${index}] (feed '${id}')` : `${where}[${index}]`;
    const result = v.safeParse(feedSchema, entry);
    if (!result.success) {
      problems.push(`${label}: ${result.issues[0].message}`);
      return;
    }
    if (seen.has(result.output.id)) {
      problems.push(`${label}: duplicate id; ids key the feed's stored state, so each must be unique`);
      return;
    }
    seen.add(result.output.id);
    feeds.push(result.output);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return feeds;
}

/** Parses one value with `schema`; on failure throws ConfigError "`label` <first issue>". */
export function parseSetting<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  label: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  throw new ConfigError(`${label} ${result.issues[0].message}`);
}
