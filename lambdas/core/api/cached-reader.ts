/**
 * A StoryReader wrapper that answers repeated identical page queries from memory for a few
 * seconds and lets concurrent identical queries share one store read (single flight). The
 * feed changes at most once per poll cycle (minutes), and answers already say max-age=60, so
 * a few seconds of staleness costs nothing while a burst of readers costs one DynamoDB query
 * instead of hundreds. Only listFlaggedStories is cached; failures are never cached.
 *
 * When a page expires, the first request after that reads the store again and waits for it;
 * requests arriving while that read is in flight get the expired page at once rather than queue
 * behind it, so an expiry costs one request one read instead of stalling every reader (a slow
 * read would otherwise set the tail latency of the whole API every few seconds).
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
  /** The page once read: what readers get while a refresh of an expired entry is in flight. */
  settled?: StoryPage;
  /** The store read replacing this entry, while it is in flight. */
  refreshing?: Promise<StoryPage>;
  /** Set once the entry answers its query no more (replaced by a newer read, dropped, or failed). */
  retired?: boolean;
}

/** The entry that handed out each page. */
const entryOf = new WeakMap<StoryPage, Entry>();

/**
 * Until when `page` (from a cached reader) is the reader's fresh answer; undefined for a page
 * from an uncached reader.
 */
export function pageFreshUntil(page: StoryPage): number | undefined {
  return entryOf.get(page)?.expiresAt;
}

/**
 * True while the cached reader would hand out `page` itself at `nowMs`: while fresh, and after
 * expiry while the read replacing it is in flight (readers meanwhile get this page). False once
 * it is replaced or dropped, and when expired with no read in flight (the next request must reach
 * the reader, to start one). Answers built from the page may be repeated exactly while this holds.
 */
export function pageStillServed(page: StoryPage, nowMs: number): boolean {
  const entry = entryOf.get(page);
  return entry !== undefined && !entry.retired && (entry.expiresAt > nowMs || entry.refreshing !== undefined);
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
  const trim = () => {
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.get(oldest)!.retired = true;
      entries.delete(oldest);
    }
  };

  return {
    listFlaggedStories(query) {
      const key = keyOf(query);
      const now = clock().getTime();
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now) return hit.page;
      if (hit?.refreshing && hit.settled) return Promise.resolve(hit.settled);

      const page = reader.listFlaggedStories(query);
      const entry: Entry = { expiresAt: now + options.ttlMs, page };
      if (hit?.settled) {
        // Keep serving the expired page to others until this read lands.
        hit.refreshing = page;
      } else {
        if (hit) hit.retired = true;
        entries.delete(key);
        entries.set(key, entry);
      }
      page.then(
        (value) => {
          entry.settled = value;
          entryOf.set(value, entry);
          if (hit?.refreshing === page) {
            hit.retired = true;
            entries.delete(key);
            entries.set(key, entry);
          }
          trim();
        },
        () => {
          // A failed read is forgotten at once so the next request tries the store again.
          if (hit?.refreshing === page) hit.refreshing = undefined;
          entry.retired = true;
          if (entries.get(key) === entry) entries.delete(key);
        },
      );
      trim();
      return page;
    },
    getStory: (id) => reader.getStory(id),
  };
}
