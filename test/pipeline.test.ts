import { PublishCommand } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { DynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { pollFeed, retryPendingAlerts } from "../lambdas/core/polling/pipeline.ts";
import type { FeedConfig } from "../lambdas/core/model/types.ts";
import { type FeedItem, usePollHarness } from "./helpers/poll-harness.ts";

type Item = FeedItem;

const THEFT: Item = {
  title: "Lazarus Group hackers steal $41 million from ExampleSwap exchange",
  summary:
    "ExampleSwap paused withdrawals after North Korean hackers drained its hot wallets, Elliptic said.",
  link: "https://one.example/exampleswap-theft",
  pubDate: "Fri, 10 Jan 2025 08:00:00 GMT",
};
const SAME_EVENT_B: Item = {
  title: "ExampleSwap confirms $41M hot wallet theft by suspected DPRK hackers",
  summary: "The exchange says customers will be made whole.",
  link: "https://two.example/exampleswap",
  pubDate: "Fri, 10 Jan 2025 09:30:00 GMT",
};
const SAME_EVENT_C: Item = {
  title: "ExampleSwap hack: $41 million gone, Lazarus suspected",
  summary: "ExampleSwap says the attackers drained hot wallets on three chains.",
  link: "https://three.example/exampleswap-hack",
  pubDate: "Fri, 10 Jan 2025 10:00:00 GMT",
};
const ESCALATION: Item = {
  title: "FBI confirms North Korea's Lazarus Group stole $95 million from ExampleSwap",
  summary: "The bureau attributed the ExampleSwap exchange hack to the DPRK's TraderTraitor operators.",
  link: "https://four.example/fbi-exampleswap",
  pubDate: "Sat, 11 Jan 2025 09:00:00 GMT",
};
const NOISE: Item = {
  title: "Bitcoin price climbs as ETF inflows grow",
  summary: "Markets rallied on Friday.",
  link: "https://one.example/markets",
  pubDate: "Fri, 10 Jan 2025 07:00:00 GMT",
};

const poll = usePollHarness({
  feeds: ["a", "b", "c"],
  etag: true,
  plainFeeds: ["plain"],
  tablePrefix: "pipeline",
  feedName: (id) => `Feed ${id.toUpperCase()}`,
  routes: {
    "/broken.xml": (_req, res) => {
      res.statusCode = 429;
      res.setHeader("retry-after", "7200");
      res.end("slow down");
    },
  },
});
const { sns } = poll;
const commands: string[] = [];
const WRITES = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)Command$/;

beforeAll(() => {
  poll.db.client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: "initialize", name: "countCommands" },
  );
});

const feed = (id: string): FeedConfig => poll.feed(id);
const setup = (clockAt = "2025-01-11T12:00:00.000Z") => poll.setup({ clockAt });
const published = poll.published;

describe("pollFeed against dynalite, a local feed server and a mocked SNS", () => {
  it("stores new items once, alerts once, and a second poll of an unchanged feed writes nothing", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    const { store, deps } = await setup();
    poll.items.a = [THEFT, NOISE];
    poll.items.plain = [THEFT, NOISE];

    const first = await pollFeed(feed("a"), deps);
    expect(first).toMatchObject({ status: "ok", fetched: 2, new: 2, flagged: 1, alerts: 1 });
    expect(published()).toHaveLength(1);

    commands.length = 0;
    const second = await pollFeed(feed("a"), deps);
    expect(second).toMatchObject({ status: "not-modified", new: 0, alerts: 0 });
    expect(commands.filter((name) => WRITES.test(name))).toEqual([]);

    // Without validators the feed comes back whole: the same item ids as last time (the item-ids
    // hash in the feed state), so not even the known ids are read, and nothing is written.
    await pollFeed(feed("plain"), deps);
    commands.length = 0;
    const again = await pollFeed(feed("plain"), deps);
    expect(again).toMatchObject({ status: "ok", fetched: 2, new: 0 });
    expect(commands.filter((name) => WRITES.test(name))).toEqual([]);
    expect(commands).toEqual(["GetItemCommand"]);
    expect(published()).toHaveLength(1);

    const state = await store.getFeedState("a");
    expect(state).toMatchObject({ lastStatus: "ok", consecutiveFailures: 0 });
    expect(state?.etag).toBeTruthy();
  });

  it("keeps a TTL only on unflagged articles", async () => {
    sns.on(PublishCommand).resolves({});
    const { deps, tableName } = await setup();
    poll.items.a = [THEFT, NOISE];
    await pollFeed(feed("a"), deps);
    const scan = await DynamoDBDocumentClient.from(poll.db.client).send(
      new ScanCommand({ TableName: tableName }),
    );
    const articles = (scan.Items ?? []).filter((item) => item.kind === "article");
    expect(articles).toHaveLength(2);
    const flagged = articles.find((item) => item.flagged);
    const plain = articles.find((item) => !item.flagged);
    expect(flagged?.ttl).toBeUndefined();
    expect(flagged?.storyId).toBe(flagged?.id);
    expect(plain?.storyId).toBeNull();
    expect(plain?.ttl).toBe(Date.parse("2025-01-11T12:00:00.000Z") / 1000 + 30 * 86_400);
  });

  it("sends one alert when two pollers race on the same feed", async () => {
    sns.on(PublishCommand).resolves({});
    const { deps } = await setup();
    poll.items.a = [THEFT, NOISE];
    const outcomes = await Promise.all([pollFeed(feed("a"), deps), pollFeed(feed("a"), deps)]);
    expect(outcomes.map((o) => o.status)).toEqual(["ok", "ok"]);
    expect(outcomes[0]!.alerts + outcomes[1]!.alerts).toBe(1);
    expect(published()).toHaveLength(1);
  });

  it("gives the same story from three feeds one new alert, one corroborated alert and three sources", async () => {
    sns.on(PublishCommand).resolves({});
    const { store, deps } = await setup();
    poll.items = { a: [THEFT], b: [SAME_EVENT_B], c: [SAME_EVENT_C] };
    for (const id of ["a", "b", "c"]) expect((await pollFeed(feed(id), deps)).status).toBe("ok");
    const { stories } = await store.listFlaggedStories({ limit: 10 });
    expect(stories).toHaveLength(1);
    expect(stories[0]!.sources.map((s) => s.name)).toEqual(["Feed A", "Feed B", "Feed C"]);
    // Issue 12: the second independent source corroborates the story, told once; the third tells nothing.
    expect(published()).toHaveLength(2);
    expect(published()[0]!.MessageAttributes?.corroborated?.StringValue).toBe("false");
    expect(published()[0]!.MessageAttributes?.kind?.StringValue).toBe("new");
    expect(published()[1]!.MessageAttributes?.corroborated?.StringValue).toBe("true");
    expect(published()[1]!.MessageAttributes?.kind?.StringValue).toBe("corroborated");
  });

  it("retries an alert whose publish failed exactly once on the next cycle", async () => {
    sns.on(PublishCommand).rejectsOnce(new Error("Throttling: rate exceeded")).resolves({ MessageId: "m" });
    const { store, deps } = await setup();
    poll.items.a = [THEFT];
    const first = await pollFeed(feed("a"), deps);
    expect(first).toMatchObject({ status: "ok", new: 1, alerts: 0 });
    const [pending] = await store.listPendingAlerts("2025-01-01");
    expect(pending?.alert).toMatchObject({ dueSeq: 1, sentSeq: 0, failures: 1 });

    expect(await retryPendingAlerts(deps)).toBe(1);
    expect(await retryPendingAlerts(deps)).toBe(0);
    expect((await pollFeed(feed("a"), deps)).alerts).toBe(0);
    expect(published()).toHaveLength(2); // the failed attempt and the one that went through
    expect(published()[1]!.MessageAttributes?.kind?.StringValue).toBe("new");
    expect(await store.listPendingAlerts("2025-01-01")).toEqual([]);
  });

  it("sends one update when a story escalates, and none for a mere new source", async () => {
    sns.on(PublishCommand).resolves({});
    const { store, deps } = await setup("2025-01-11T12:00:00.000Z");
    poll.items = { a: [THEFT], b: [SAME_EVENT_B] };
    await pollFeed(feed("a"), deps);
    await pollFeed(feed("b"), deps);
    // Issue 12: the second independent source corroborates the story (one message).
    expect(published().map((p) => p.MessageAttributes?.kind?.StringValue)).toEqual(["new", "corroborated"]);

    poll.items.c = [ESCALATION];
    const outcome = await pollFeed(feed("c"), deps);
    expect(outcome.alerts).toBe(1);
    expect(published()).toHaveLength(3);
    const update = published()[2]!;
    expect(update.Subject).toMatch(/^\[HIGH\] Update: /);
    expect(update.MessageAttributes?.kind?.StringValue).toBe("update");
    expect(update.MessageAttributes?.corroborated?.StringValue).toBe("true");
    const body = JSON.parse(update.Message!) as { email: string };
    expect(body.email).toContain("attribution upgraded to confirmed");
    const [story] = (await store.listFlaggedStories({ limit: 5 })).stories;
    expect(story).toMatchObject({ attribution: "confirmed", amountUsd: 95_000_000 });
    expect(story?.sources).toHaveLength(3);
    expect(await retryPendingAlerts(deps)).toBe(0);
  });

  it("makes a report older than the story window a new story", async () => {
    sns.on(PublishCommand).resolves({});
    const { store, deps, setNow } = await setup();
    deps.storyWindowHours = 72; // the default is weeks (issue 16); a short window shows the cut-off
    poll.items.a = [THEFT];
    await pollFeed(feed("a"), deps);
    setNow("2025-01-16T12:00:00.000Z");
    poll.items.b = [{ ...SAME_EVENT_B, pubDate: "Wed, 15 Jan 2025 09:30:00 GMT" }];
    await pollFeed(feed("b"), deps);
    expect((await store.listFlaggedStories({ limit: 5 })).stories).toHaveLength(2);
    expect(published()).toHaveLength(2);
  });

  it("fails one feed with a message naming it, backing off past Retry-After", async () => {
    const { store, deps } = await setup();
    const broken: FeedConfig = { id: "broken", name: "Broken Feed", url: poll.server.url("/broken.xml") };
    const outcome = await pollFeed(broken, deps);
    expect(outcome.status).toBe("failed");
    expect(outcome.message).toContain("Broken Feed");
    const state = await store.getFeedState("broken");
    expect(state).toMatchObject({
      consecutiveFailures: 1,
      lastStatus: outcome.kind,
      failingSince: "2025-01-11T12:00:00.000Z",
    });
    expect(Date.parse(state!.nextPollAt!)).toBe(Date.parse("2025-01-11T12:00:00.000Z") + 7200_000);
    expect((await pollFeed(broken, deps)).status).toBe("skipped");
  });

  it("does not advance the feed's validators when an article could not be stored", async () => {
    sns.on(PublishCommand).resolves({});
    const { store, deps } = await setup();
    poll.items.a = [THEFT, NOISE];
    let failOnce = true;
    const flaky: DynamoStore = {
      ...store,
      async putArticleIfNew(article) {
        if (failOnce && !article.flagged) {
          failOnce = false;
          throw new Error("ProvisionedThroughputExceededException");
        }
        return store.putArticleIfNew(article);
      },
    };
    const first = await pollFeed(feed("a"), { ...deps, store: flaky });
    expect(first).toMatchObject({ status: "failed", kind: "store", new: 1 });
    expect(first.message).toContain("Feed A");
    expect((await store.getFeedState("a"))?.etag).toBeUndefined();

    const second = await pollFeed(feed("a"), { ...deps, store: flaky });
    expect(second).toMatchObject({ status: "ok", new: 1, alerts: 0 });
    expect((await store.getFeedState("a"))?.etag).toBeTruthy();
    expect(published()).toHaveLength(1);
  });
});
