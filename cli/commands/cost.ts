/**
 * `heistwatch cost`: the monthly AWS bill of the stack at the current configuration (cdk.json's
 * context plus any -c key=value, validated exactly as `cdk synth` validates it), line by line, from
 * the prices in config/prices.json. The model is infra/cost.ts.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError, parseConfig } from "../../infra/config.ts";
import { estimateMonthlyCost, formatEstimate, type PriceBook } from "../../infra/cost.ts";
import { type Command, EXIT } from "../command.ts";

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

const usage = `usage: heistwatch cost [-c key=value ...] [--feeds N] [--prices FILE] [--json]

Prints the estimated monthly AWS bill of the deployed stack, line by line, at list prices with no
free tier. The configuration is cdk.json's context plus -c overrides, the same keys \`cdk deploy\`
takes (schedule, pollBatchSize, smsEnabled, xray, topicEncryption, budgetUsd, logRetentionDays, ...).

  -c, --context key=value   a setting, as for cdk (repeatable)
  --feeds N                 estimate for N feeds instead of the configured list
  --prices FILE             prices and usage assumptions (default config/prices.json)
  --json                    the lines and total as JSON

examples:
  npm run cost -- --feeds 20
  heistwatch cost -c schedule="rate(15 minutes)" -c xray=true`;

/** Reads, checks and returns the price book; throws naming the file and the missing key. */
export function loadPriceBook(path: string): PriceBook {
  const book = JSON.parse(readFileSync(path, "utf8")) as PriceBook;
  for (const section of ["prices", "usage"] as const) {
    for (const [key, value] of Object.entries(book[section] ?? {})) {
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
        throw new Error(
          `${path}: ${section}.${key} must be a non-negative number, got ${JSON.stringify(value)}`,
        );
      }
    }
  }
  return book;
}

export const command: Command = {
  summary: "estimate the monthly AWS bill of the deployed stack, line by line",
  usage,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          context: { type: "string", short: "c", multiple: true },
          feeds: { type: "string" },
          prices: { type: "string" },
          json: { type: "boolean" },
        },
      }));
    } catch (error) {
      console.error(`heistwatch cost: ${(error as Error).message}\n\n${usage}`);
      return EXIT.usage;
    }
    const context: Record<string, unknown> = {
      ...(JSON.parse(readFileSync(resolve(PROJECT_ROOT, "cdk.json"), "utf8")) as { context?: object })
        .context,
    };
    for (const pair of values.context ?? []) {
      const at = pair.indexOf("=");
      if (at < 1) {
        console.error(`heistwatch cost: -c expects key=value, got '${pair}'`);
        return EXIT.usage;
      }
      context[pair.slice(0, at)] = pair.slice(at + 1);
    }
    const feedCount = values.feeds === undefined ? undefined : Number(values.feeds);
    if (feedCount !== undefined && (!Number.isInteger(feedCount) || feedCount < 1 || feedCount > 10_000)) {
      console.error(`heistwatch cost: --feeds expects a whole number from 1 to 10000, got '${values.feeds}'`);
      return EXIT.usage;
    }
    let config;
    try {
      config = parseConfig((key) => context[key], { baseDir: PROJECT_ROOT });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(error.message);
      return EXIT.usage;
    }
    try {
      const book = loadPriceBook(values.prices ?? resolve(PROJECT_ROOT, "config", "prices.json"));
      const inputs = { ...config, feedCount: feedCount ?? config.feeds.length };
      const estimate = estimateMonthlyCost(inputs, book);
      console.log(
        values.json
          ? JSON.stringify({ ...estimate, region: book.region, pricesDate: book.date }, null, 2)
          : formatEstimate(estimate, book, inputs),
      );
      return EXIT.ok;
    } catch (error) {
      console.error(`heistwatch cost: ${(error as Error).message}`);
      return EXIT.failed;
    }
  },
};
