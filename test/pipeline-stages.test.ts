/**
 * A poll in two stages (fetchForPoll, then storeFetchedPoll), as local mode's scheduler runs it:
 * the first stage alone talks to the feed's host, a caller that already listed the feed states
 * saves the state read, and the two stages together do what pollFeed does. Real store on
 * dynalite (commands counted), real HTTP on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createHttpFetcher } from "../lambdas/adapters/http-fetcher.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import type { Log } from "../lambdas/core/model/ports.ts";
import { fetchForPoll, pollFeed, storeFetchedPoll } from "../lambdas/core/polling/pipeline.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { rssDocument, testFeed } from "./helpers/feeds.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };
const items = [1, 2, 3].map((n) => ({
  title: `Browser vendor ships update ${n}`,
  link: `https://news.example.org/update-${n}`,
  description: "Routine fixes.",
  pubDate: new Date(Date.UTC(2025, 0, 10, n)).toUTCString(),
}));

let db: LocalDynamo;
let server: TestServer;
let requests = 0;
let tables = 0;
const commands: string[] = [];

beforeAll(async () => {
  db = await startDynalite();
  db.client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName).replace(/Command$/, ""));
      return next(args);
    },
    { step: "initialize", name: "count-commands" },
  );
  server = await startServer({
    "/feed.xml": (_req, res) => {
      requests++;
      res.setHeader("content-type", "application/rss+xml");
      res.end(rssDocument(items));
    },
  });
});
afterAll(async () => {
  await server.close();
  await db.close();
});

async function setup() {
  const tableName = `stages-${++tables}`;
  await createTable(db.client, tableName);
  const store = createDynamoStore({ client: db.client, tableName });
  const deps = {
    store,
    notifier: { send: async () => {} },
    clock: () => new Date("2025-01-10T12:00:00.000Z"),
    log: silent,
    fetcher: createHttpFetcher({ allowAddresses: ["127.0.0.1"] }),
  };
  commands.length = 0;
  requests = 0;
  return { store, deps };
}

describe("a poll in two stages", () => {
  it("fetches in the first stage with no write, stores in the second without touching the host", async () => {
    const { store, deps } = await setup();
    const feed = testFeed(server.url("/feed.xml"), "Staged");
    const fetched = await fetchForPoll(feed, deps, { state: null });
    expect(requests).toBe(1);
    expect(commands).toEqual([]);
    expect(fetched.done).toBeUndefined();

    const outcome = await storeFetchedPoll(fetched, deps);
    expect(outcome).toMatchObject({ status: "ok", fetched: 3, new: 3 });
    expect(requests).toBe(1);
    expect(commands).toEqual(["BatchGetItem", "BatchWriteItem", "PutItem"]);
    expect((await store.getFeedState(feed.id))?.lastStatus).toBe("ok");
  });

  it("reads the feed state itself when the caller did not pass one, as pollFeed does", async () => {
    const { store, deps } = await setup();
    const feed = testFeed(server.url("/feed.xml"), "Plain poll");
    expect(await pollFeed(feed, deps)).toMatchObject({ status: "ok", new: 3 });
    expect(commands[0]).toBe("GetItem");
    commands.length = 0;
    const state = await store.getFeedState(feed.id);
    commands.length = 0;
    // Same items again: the state says so (its item ids hash), so nothing is read or written.
    expect(await pollFeed(feed, deps, { state })).toMatchObject({ status: "ok", new: 0 });
    expect(commands).toEqual([]);
  });

  it("ends in the first stage for a feed backing off, without fetching", async () => {
    const { deps } = await setup();
    const feed = testFeed(server.url("/feed.xml"), "Backing off");
    const state = {
      feedId: feed.id,
      url: feed.url,
      lastStatus: "http-status",
      consecutiveFailures: 2,
      nextPollAt: "2025-01-10T13:00:00.000Z",
    };
    const fetched = await fetchForPoll(feed, deps, { state });
    expect(fetched.done).toMatchObject({ status: "skipped" });
    expect(requests).toBe(0);
    expect(await storeFetchedPoll(fetched, deps)).toBe(fetched.done);
    expect(commands).toEqual([]);
  });
});
