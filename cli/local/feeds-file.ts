/**
 * Reads the feed list file (a JSON array of {id, name, url}) and checks every entry with the one
 * feed-list validator (lambdas/core/model/config-schema.ts), naming the entry and the field that is
 * wrong, so a typo in one feed never silently drops it.
 */
import { readFileSync } from "node:fs";
import { ConfigError, validateFeedList } from "../../lambdas/core/model/config-schema.ts";
import type { FeedConfig } from "../../lambdas/core/model/types.ts";

/** Loads and validates a feed list file. Throws ConfigError naming the file and every bad entry. */
export function loadFeedsFile(path: string): FeedConfig[] {
  let body: string;
  try {
    body = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read feed list ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    throw new ConfigError(`feed list ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return validateFeedList(data, path);
}
