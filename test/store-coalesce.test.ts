/**
 * Feeds polled side by side share batch requests (dynamo-coalesce.ts, Store option coalesceMs):
 * the joining itself with fake timers, then the store on dynalite, counting the real commands.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { coalesce } from "../lambdas/adapters/dynamo-coalesce.ts";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { storedArticle } from "./helpers/store-fixtures.ts";

describe("coalesce", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const echo = () => {
    const batches: string[][] = [];
    const add = coalesce<string, string>(
      async (items) => {
        batches.push(items);
        return new Map(items.map((item) => [item, item.toUpperCase()]));
      },
      { maxBatch: 4, waitMs: 10, keyOf: (item) => item },
    );
    return { batches, add };
  };

  it("sends what arrived within the wait as one batch, and each caller its own answers", async () => {
    vi.useFakeTimers();
    const { batches, add } = echo();
    const first = add(["a", "b"]);
    const second = add(["c"]);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(10);
    expect(batches).toEqual([["a", "b", "c"]]);
    expect(await first).toEqual(["A", "B"]);
    expect(await second).toEqual(["C"]);
  });

  it("sends a full batch at once, without waiting", async () => {
    vi.useFakeTimers();
    const { batches, add } = echo();
    const answers = add(["a", "b", "c", "d", "e"]);
    expect(batches).toEqual([["a", "b", "c", "d"]]);
    await vi.advanceTimersByTimeAsync(10);
    expect(batches).toEqual([["a", "b", "c", "d"], ["e"]]);
    expect(await answers).toEqual(["A", "B", "C", "D", "E"]);
  });

  it("puts a key asked for twice into the batch once; both callers get its answer", async () => {
    vi.useFakeTimers();
    const { batches, add } = echo();
    const first = add(["a", "b"]);
    const second = add(["b", "c"]);
    await vi.advanceTimersByTimeAsync(10);
    expect(batches).toEqual([["a", "b", "c"]]);
    expect(await first).toEqual(["A", "B"]);
    expect(await second).toEqual(["B", "C"]);
  });

  it("rejects every caller of a failed batch, and only those", async () => {
    vi.useFakeTimers();
    let calls = 0;
    const add = coalesce<string, string>(
      async (items) => {
        if (calls++ === 0) throw new Error("throttled");
        return new Map(items.map((item) => [item, item]));
      },
      { maxBatch: 2, waitMs: 10, keyOf: (item) => item },
    );
    const failed = add(["a", "b"]);
    const later = add(["c"]);
    await expect(failed).rejects.toThrow("throttled");
    await vi.advanceTimersByTimeAsync(10);
    expect(await later).toEqual(["c"]);
  });

  it("rejects a caller whose item the batch did not answer", async () => {
    vi.useFakeTimers();
    const add = coalesce<string, string>(async () => new Map([["a", "A"]]), {
      maxBatch: 10,
      waitMs: 1,
      keyOf: (item) => item,
    });
    const answered = add(["a"]);
    const forgotten = expect(add(["z"])).rejects.toThrow("no answer for z");
    await vi.advanceTimersByTimeAsync(1);
    expect(await answered).toEqual(["A"]);
    await forgotten;
  });
});

describe("a store with coalesceMs, on dynalite", () => {
  let db: LocalDynamo;
  let tables = 0;
  const commands: { name: string; keys: number }[] = [];
  const now = new Date("2025-01-10T12:00:00.000Z");

  beforeAll(async () => {
    db = await startDynalite();
    db.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = (args as { input: { RequestItems?: Record<string, { Keys?: unknown[] } | unknown[]> } })
          .input;
        const batch = Object.values(input.RequestItems ?? {})[0];
        const keys = Array.isArray(batch) ? batch.length : (batch?.Keys?.length ?? 1);
        commands.push({ name: String(context.commandName), keys });
        return next(args);
      },
      { step: "initialize", name: "count-commands" },
    );
  });
  afterAll(async () => {
    await db.close();
  });

  async function freshStore() {
    const tableName = `coalesce-test-${++tables}`;
    await createTable(db.client, tableName);
    commands.length = 0;
    return createDynamoStore({ client: db.client, tableName, clock: () => now, coalesceMs: 5 });
  }

  const feedArticles = (feed: number, count: number) =>
    Array.from({ length: count }, (_, i) =>
      storedArticle({ id: `f${feed}-${i}`, feedId: `feed-${feed}`, flagged: false, score: 1 }),
    );

  it("answers five feeds' known-id reads with one BatchGetItem of 100 keys, each feed its own unknown ids", async () => {
    const store = await freshStore();
    await store.putNewArticles(feedArticles(2, 5));
    commands.length = 0;
    const unknown = await Promise.all(
      [0, 1, 2, 3, 4].map((feed) => store.filterUnknownArticleIds(feedArticles(feed, 20).map((a) => a.id))),
    );
    expect(commands).toEqual([{ name: "BatchGetItemCommand", keys: 100 }]);
    expect(unknown[0]).toHaveLength(20);
    expect(unknown[2]).toEqual(
      feedArticles(2, 20)
        .map((a) => a.id)
        .slice(5),
    );
  });

  it("writes three feeds' articles and feed states in full batches of 25, every one readable after", async () => {
    const store = await freshStore();
    const feeds = [0, 1, 2].map((feed) => feedArticles(feed, 20));
    const results = await Promise.all([
      ...feeds.map((articles) => store.putNewArticles(articles)),
      ...[0, 1, 2].map((feed) =>
        store.putFeedState({
          feedId: `feed-${feed}`,
          url: `https://x/${feed}`,
          lastStatus: "ok",
          consecutiveFailures: 0,
        }),
      ),
    ]);
    expect(results.slice(0, 3)).toEqual([[], [], []]);
    expect(commands.map((c) => `${c.name} ${c.keys}`)).toEqual([
      "BatchWriteItemCommand 25",
      "BatchWriteItemCommand 25",
      "BatchWriteItemCommand 13",
    ]);
    expect(await store.filterUnknownArticleIds(feeds.flat().map((a) => a.id))).toEqual([]);
    expect((await store.getFeedState("feed-1"))?.url).toBe("https://x/1");
    expect((await store.getArticle("f2-19"))?.feedId).toBe("feed-2");
  });
});
