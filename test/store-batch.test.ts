/**
 * The batch write for new unflagged articles (Store.putNewArticles) on dynalite: BatchWriteItem
 * in requests of 25, unprocessed items retried, and what could not be written reported by id.
 * Throttling is injected by a middleware on the real client that lets only part of a request
 * through, as DynamoDB does when it returns UnprocessedItems.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import type { Fetcher } from "../lambdas/core/acquire/fetcher.ts";
import { pollFeed } from "../lambdas/core/polling/pipeline.ts";
import { generatedItems, rssDocument } from "./helpers/feeds.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { storedArticle } from "./helpers/store-fixtures.ts";

let db: LocalDynamo;
let tableCount = 0;
const now = new Date("2025-01-10T12:00:00.000Z");
const sent: { command: string; items: number }[] = [];
const commands: string[] = [];
const delays: number[] = [];
// Per BatchWriteItem call: how many of its items to hand to DynamoDB (the rest come back unprocessed).
let admit: number[] = [];

type BatchInput = { RequestItems: Record<string, unknown[]> };

beforeAll(async () => {
  db = await startDynalite();
  type Handler = (args: unknown) => Promise<unknown>;
  const throttle = (next: Handler, context: unknown) => async (args: unknown) => {
    const command = (context as { commandName?: string }).commandName ?? "";
    commands.push(command);
    if (command !== "BatchWriteItemCommand") return next(args);
    const call = args as { input: BatchInput };
    const [table, requests] = Object.entries(call.input.RequestItems)[0]!;
    sent.push({ command, items: requests.length });
    const allowed = admit.shift() ?? requests.length;
    if (allowed >= requests.length) return next(args);
    // Nothing admitted: DynamoDB answers with every item unprocessed (it never sees an empty request).
    if (allowed === 0)
      return { output: { UnprocessedItems: { [table]: requests }, $metadata: {} }, response: {} };
    const admitted = {
      ...call,
      input: { ...call.input, RequestItems: { [table]: requests.slice(0, allowed) } },
    };
    const result = (await next(admitted)) as { output: { UnprocessedItems?: Record<string, unknown[]> } };
    result.output.UnprocessedItems = { [table]: requests.slice(allowed) };
    return result;
  };
  db.client.middlewareStack.add(throttle as never, { step: "initialize", name: "throttle-batch-writes" });
});
afterAll(async () => {
  await db.close();
});

async function freshStore() {
  const tableName = `batch-test-${++tableCount}`;
  await createTable(db.client, tableName);
  sent.length = 0;
  commands.length = 0;
  admit = [];
  delays.length = 0;
  // Retry waits are recorded, not slept: the schedule is the adapter's business, not the test's.
  const retryDelay = async (attempt: number) => void delays.push(attempt);
  return createDynamoStore({ client: db.client, tableName, clock: () => now, retryDelay });
}

const articles = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    storedArticle({ id: `b${i}`, flagged: false, score: 1, storyId: null }),
  );

describe("putNewArticles", () => {
  it("writes 60 articles in requests of at most 25, after which all are known and readable", async () => {
    const store = await freshStore();
    const batch = articles(60);
    expect(await store.putNewArticles(batch)).toEqual([]);
    expect(sent.map((s) => s.items)).toEqual([25, 25, 10]);
    expect(await store.filterUnknownArticleIds(batch.map((a) => a.id))).toEqual([]);
    expect(await store.getArticle("b59")).toMatchObject({
      id: "b59",
      flagged: false,
      title: batch[59]!.title,
    });
  });

  it("retries unprocessed items until every one is written", async () => {
    const store = await freshStore();
    admit = [10, 5, 0];
    const batch = articles(25);
    expect(await store.putNewArticles(batch)).toEqual([]);
    expect(sent.map((s) => s.items)).toEqual([25, 15, 10, 10]);
    expect(delays).toEqual([1, 2, 3]);
    expect(await store.filterUnknownArticleIds(batch.map((a) => a.id))).toEqual([]);
  });

  it("reports by id what stayed unprocessed after every attempt, and writes the rest", async () => {
    const store = await freshStore();
    admit = [20, 0, 0, 0, 0, 0, 0, 0];
    const batch = articles(30);
    const failed = await store.putNewArticles(batch);
    expect(failed.map((f) => f.id)).toEqual(["b20", "b21", "b22", "b23", "b24"]);
    expect(failed[0]?.error).toMatch(/left 5 item\(s\) unprocessed after 8 attempts/);
    expect(await store.filterUnknownArticleIds(batch.map((a) => a.id))).toEqual([
      "b20",
      "b21",
      "b22",
      "b23",
      "b24",
    ]);
    expect(delays).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe("the poll pipeline's article writes", () => {
  // Market news: nothing here is flagged, so every new article takes the batch path.
  const items = generatedItems(30).map((item, i) => ({
    ...item,
    title: `Market update ${i}: token prices move as trading volume grows`,
    description: `Trading volume rose on exchange ${i}.`,
  }));
  const fetcher: Fetcher = {
    async fetch(url) {
      const body = rssDocument(items);
      return {
        status: "ok",
        url,
        finalUrl: url,
        httpStatus: 200,
        body,
        charset: "utf-8",
        bytes: body.length,
        etag: '"v1"',
        timings: { totalMs: 1 },
      };
    },
  };
  const feed = { id: "markets", name: "Markets", url: "https://markets.example/feed.xml" };
  const deps = (store: Awaited<ReturnType<typeof freshStore>>) => ({
    store,
    fetcher,
    notifier: { send: async () => {} },
    clock: () => now,
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const count = (name: string) => commands.filter((c) => c === name).length;

  it("stores new unflagged articles with two BatchWriteItem requests, not one PutItem each", async () => {
    const store = await freshStore();
    const outcome = await pollFeed(feed, deps(store));
    expect(outcome).toMatchObject({ status: "ok", fetched: 30, new: 30, flagged: 0 });
    expect(count("BatchWriteItemCommand")).toBe(2);
    expect(count("PutItemCommand")).toBe(1); // the feed state
    const again = await pollFeed(feed, deps(store));
    expect(again).toMatchObject({ status: "ok", new: 0 });
  });

  it("fails the poll as a store failure and keeps the old validators when a batch cannot be written", async () => {
    const store = await freshStore();
    admit = Array.from({ length: 8 }, () => 0); // the first request of 25 never gets through
    const first = await pollFeed(feed, deps(store));
    expect(first).toMatchObject({ status: "failed", kind: "store", new: 5 });
    expect(first.message).toMatch(/Markets \(markets\): 25 article\(s\) not stored, will retry/);
    expect((await store.getFeedState("markets"))?.etag).toBeUndefined();
    const second = await pollFeed(feed, deps(store));
    expect(second).toMatchObject({ status: "ok", new: 25 });
    expect((await store.getFeedState("markets"))?.etag).toBe('"v1"');
  });
});
