/**
 * The item-ids fingerprint in the feed state: a feed whose bytes change on every request but whose
 * items do not (a build date, no validators) skips the known-ids read; a new item, a store failure or
 * a changed URL reads them again. Real store on dynalite, real HTTP on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createHttpFetcher } from "../lambdas/adapters/http-fetcher.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import type { Log, Store } from "../lambdas/core/model/ports.ts";
import { itemIdsHash } from "../lambdas/core/polling/item-ids-hash.ts";
import { pollFeed } from "../lambdas/core/polling/pipeline.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { type FixtureItem, rssDocument, testFeed } from "./helpers/feeds.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };
const item = (n: number): FixtureItem => ({
  title: `Browser vendor ships update ${n}`,
  link: `https://news.example.org/update-${n}`,
  description: "Routine fixes.",
  pubDate: new Date(Date.now() - n * 3_600_000).toUTCString(),
});

let db: LocalDynamo;
let server: TestServer;
let items: FixtureItem[] = [];
let served = 0;
let tableCounter = 0;

beforeAll(async () => {
  db = await startDynalite();
  server = await startServer({
    // No ETag or Last-Modified, and a comment that differs on every request: conditional GET cannot help.
    "/feed.xml": (_req, res) => {
      res.setHeader("content-type", "application/rss+xml");
      res.end(`${rssDocument(items)}\n<!-- request ${++served} -->`);
    },
  });
});
afterAll(async () => {
  await server.close();
  await db.close();
});

/** A real store that counts known-id reads and can be told to fail article writes. */
async function countingStore() {
  const tableName = `ids-hash-${++tableCounter}`;
  await createTable(db.client, tableName);
  const real = createDynamoStore({ client: db.client, tableName });
  const counts = { knownIdReads: 0 };
  const control = { failWrites: false };
  const store: Store = {
    ...real,
    async filterUnknownArticleIds(ids) {
      counts.knownIdReads++;
      return real.filterUnknownArticleIds(ids);
    },
    async putArticleIfNew(article) {
      if (control.failWrites) throw new Error("throttled");
      return real.putArticleIfNew(article);
    },
  };
  return { store, counts, control };
}

describe("item ids hash", () => {
  it("ignores order and repeats", () => {
    expect(itemIdsHash(["b", "a", "a"])).toBe(itemIdsHash(["a", "b"]));
    expect(itemIdsHash(["a", "b"])).not.toBe(itemIdsHash(["a", "c"]));
  });

  it("skips the known-ids read while the items stay the same, and reads again when one is added", async () => {
    const { store, counts } = await countingStore();
    const feed = testFeed(server.url("/feed.xml"), "Changing bytes");
    const deps = { store, notifier: { send: async () => {} }, clock: () => new Date(), log: silent };
    const fetcher = createHttpFetcher({ allowAddresses: ["127.0.0.1"] });
    items = [item(1), item(2)];

    expect(await pollFeed(feed, { ...deps, fetcher })).toMatchObject({ status: "ok", fetched: 2, new: 2 });
    expect(counts.knownIdReads).toBe(1);
    const state = await store.getFeedState(feed.id);
    expect(state!.itemIdsHash).toMatch(/^[0-9a-f]{32}$/);

    expect(await pollFeed(feed, { ...deps, fetcher })).toMatchObject({ status: "ok", fetched: 2, new: 0 });
    expect(counts.knownIdReads).toBe(1);

    items = [item(0), item(1), item(2)];
    expect(await pollFeed(feed, { ...deps, fetcher })).toMatchObject({ status: "ok", fetched: 3, new: 1 });
    expect(counts.knownIdReads).toBe(2);
    expect((await store.getFeedState(feed.id))!.itemIdsHash).not.toBe(state!.itemIdsHash);
  });

  it("keeps the old hash when an article could not be stored, so the next poll reads and retries it", async () => {
    const { store, counts, control } = await countingStore();
    const feed = testFeed(server.url("/feed.xml"), "Flaky store");
    const deps = { store, notifier: { send: async () => {} }, clock: () => new Date(), log: silent };
    const fetcher = createHttpFetcher({ allowAddresses: ["127.0.0.1"] });
    items = [item(1)];
    await pollFeed(feed, { ...deps, fetcher });
    items = [item(0), item(1)];
    control.failWrites = true;

    expect(await pollFeed(feed, { ...deps, fetcher })).toMatchObject({ status: "failed", kind: "store" });
    control.failWrites = false;
    expect(await pollFeed(feed, { ...deps, fetcher })).toMatchObject({ status: "ok", new: 1 });
    expect(counts.knownIdReads).toBe(3);
    expect(await pollFeed(feed, { ...deps, fetcher })).toMatchObject({ status: "ok", new: 0 });
    expect(counts.knownIdReads).toBe(3);
  });
});
