/**
 * A StoryReader wrapper that answers repeated identical page queries from memory for a few
 * seconds and lets concurrent identical queries share one store read (single flight). The
 * feed changes at most once per poll cycle (minutes), and answers already say max-age=60, so
 * a few seconds of staleness costs nothing while a burst of readers costs one DynamoDB query
 * instead of hundreds. Only listFlaggedStories is cached; failures are never cached.
 */
import type { Clock, StoryPage, StoryQuery, StoryReader } from "../model/ports.ts";

export interface CacheOptions {
  /** How long a page stays fresh, in milliseconds. */
  ttlMs: number;
  /** Most distinct queries kept; the oldest is dropped first. Default 200. */
  maxEntries?: number;
  clock?: Clock;
}

interface Entry {
  expiresAt: number;
  page: Promise<StoryPage>;
}

function keyOf(query: StoryQuery): string {
  // Fixed field order so equal queries give equal keys however they were built.
  return JSON.stringify([
    query.limit,
    query.cursor ?? null,
    query.minScore ?? null,
    query.actor?.toLowerCase() ?? null,
    query.severity ?? null,
  ]);
}

/** Wraps `reader` with a short-lived, size-bounded page cache. */
export function cachedStoryReader(reader: StoryReader, options: CacheOptions): StoryReader {
  const clock = options.clock ?? (() => new Date());
  const maxEntries = options.maxEntries ?? 200;
  const entries = new Map<string, Entry>();

  return {
    listFlaggedStories(query) {
      const key = keyOf(query);
      const now = clock().getTime();
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now) return hit.page;
      entries.delete(key);
      const page = reader.listFlaggedStories(query);
      const entry = { expiresAt: now + options.ttlMs, page };
      entries.set(key, entry);
      // A failed read is forgotten at once so the next request tries the store again.
      page.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return page;
    },
    getStory: (id) => reader.getStory(id),
  };
}
