/**
 * The configured feed list, compiled into the schedule and poll bundles by the stack (esbuild define):
 * Lambda caps all environment variables at 4 KB together, which a list of ~40 feeds already exceeds.
 */
import { validateFeedList } from "./core/model/config-schema.ts";
import type { FeedConfig } from "./core/model/types.ts";

// Replaced at bundle time by infra/stack.ts (FEEDS_DEFINE): base64 of the JSON feed array.
declare const __HEISTWATCH_FEEDS_B64__: string | undefined;

/** The feeds compiled into this bundle. Throws when the bundle was built without them. */
export function bundledFeeds(): FeedConfig[] {
  if (typeof __HEISTWATCH_FEEDS_B64__ === "undefined") {
    throw new Error(
      "No feed list in this bundle: __HEISTWATCH_FEEDS_B64__ is defined by the CDK stack at bundle time",
    );
  }
  return decodeFeeds(__HEISTWATCH_FEEDS_B64__);
}

/** Decodes the base64 JSON feed list (exported for tests and the stack's own round-trip check). */
export function decodeFeeds(base64: string): FeedConfig[] {
  const feeds: unknown = JSON.parse(Buffer.from(base64, "base64").toString("utf8"));
  return validateFeedList(feeds, "bundled feed list");
}
