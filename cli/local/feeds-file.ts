/**
 * Reads the feed list (a JSON array of {id, name, url, tier?}) and checks every entry, naming the
 * entry and the field that is wrong, so a typo in one feed never silently drops it.
 */
import { readFileSync } from "node:fs";
import type { FeedConfig } from "../../lambdas/core/model/types.ts";
import { isSourceTier, SOURCE_TIERS } from "../../lambdas/core/stories/corroboration.ts";
import { ConfigError } from "./config.ts";

const FEED_ID = /^[a-z0-9-]{1,64}$/;

/** Loads and validates a feed list file. Throws ConfigError naming the file and the bad entry. */
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
  return validateFeeds(data, path);
}

/** Checks a parsed feed list; `where` names its origin in error messages. */
export function validateFeeds(data: unknown, where: string): FeedConfig[] {
  if (!Array.isArray(data)) throw new ConfigError(`feed list ${where} must be a JSON array`);
  const seen = new Set<string>();
  return data.map((entry, index) => {
    const label = `feed #${index + 1}${typeof entry?.id === "string" ? ` "${entry.id}"` : ""} in ${where}`;
    if (typeof entry !== "object" || entry === null) throw new ConfigError(`${label} must be an object`);
    const { id, name, url, tier } = entry as Record<string, unknown>;
    if (typeof id !== "string" || !FEED_ID.test(id)) {
      throw new ConfigError(`${label}: "id" must be 1-64 characters of a-z, 0-9 and "-"`);
    }
    if (seen.has(id)) throw new ConfigError(`${label}: duplicate id "${id}"`);
    seen.add(id);
    if (typeof name !== "string" || name.trim() === "") {
      throw new ConfigError(`${label}: "name" must be a non-empty string`);
    }
    if (typeof url !== "string") throw new ConfigError(`${label}: "url" must be a string`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`${label}: "url" is not a valid URL`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new ConfigError(`${label}: "url" must be http(s), got ${parsed.protocol}`);
    }
    if (tier !== undefined && !isSourceTier(tier)) {
      throw new ConfigError(`${label}: "tier" must be one of ${Object.keys(SOURCE_TIERS).join(", ")}`);
    }
    return { id, name: name.trim(), url: parsed.href, ...(tier === undefined ? {} : { tier }) };
  });
}
