/**
 * Store-and-alert on dynalite with the SNS mock (issue 12): one source gives one `new` publish
 * with corroborated=false; a second independent source gives exactly one `corroborated` publish;
 * a syndicated copy gives none; an official-tier source alone gives corroborated=true on the
 * first publish. Then two subscriptions' filter policies are evaluated on every publish.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createHttpFetcher } from "../lambdas/adapters/http-fetcher.ts";
import { createSnsNotifier } from "../lambdas/adapters/sns-notifier.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import { FILTER_POLICY_EXAMPLES } from "../lambdas/core/alerts/filter-policies.ts";
import type { Log } from "../lambdas/core/model/ports.ts";
import type { FeedConfig, SourceTier } from "../lambdas/core/model/types.ts";
import { type PipelineDeps, pollFeed, retryPendingAlerts } from "../lambdas/core/polling/pipeline.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";
import { policyAccepts } from "./helpers/sns-filter.ts";

interface Item {
  title: string;
  summary: string;
  link: string;
  pubDate: string;
}

// Invented events and outlets; wording is generic crime-news vocabulary.
const FIRST: Item = {
  title: "Lazarus Group hackers steal $41 million from ExampleSwap exchange",
  summary:
    "ExampleSwap paused withdrawals after North Korean hackers drained its hot wallets, Elliptic said.",
  link: "https://one.example/exampleswap-theft",
  pubDate: "Fri, 10 Jan 2025 08:00:00 GMT",
};
/** The same wire story carried word for word by another outlet. */
const SYNDICATED: Item = {
  ...FIRST,
  link: "https://partner.example/wire/exampleswap",
  pubDate: "Fri, 10 Jan 2025 08:20:00 GMT",
};
const INDEPENDENT: Item = {
  title: "ExampleSwap confirms $41M hot wallet theft by suspected DPRK hackers",
  summary: "The exchange says customers will be made whole.",
  link: "https://two.example/exampleswap",
  pubDate: "Fri, 10 Jan 2025 09:30:00 GMT",
};
const THIRD: Item = {
  title: "ExampleSwap hack: $41 million gone, Lazarus suspected",
  summary: "ExampleSwap says the attackers drained hot wallets on three chains.",
  link: "https://three.example/exampleswap-hack",
  pubDate: "Fri, 10 Jan 2025 10:00:00 GMT",
};
const OFFICIAL: Item = {
  title: "FBI: North Korean Lazarus Group hackers stole $62 million from SampleBridge protocol",
  summary:
    "The FBI attributes the theft of $62 million from the SampleBridge cross-chain bridge to the DPRK's Lazarus Group.",
  link: "https://authority.example/news/samplebridge",
  pubDate: "Fri, 10 Jan 2025 11:00:00 GMT",
};

function rss(items: Item[]): string {
  const entries = items
    .map(
      (item) =>
        `<item><title>${item.title}</title><link>${item.link}</link><description>${item.summary}</description><pubDate>${item.pubDate}</pubDate></item>`,
    )
    .join("");
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://x.example/</link>${entries}</channel></rss>`;
}

const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
const sns = mockClient(SNSClient);
let db: LocalDynamo;
let server: TestServer;
let tables = 0;
let feedItems: Record<string, Item[]> = {};

beforeAll(async () => {
  db = await startDynalite();
  const route = (name: string) => (_req: IncomingMessage, res: ServerResponse) => {
    res.setHeader("content-type", "application/rss+xml");
    res.end(rss(feedItems[name] ?? []));
  };
  server = await startServer(
    Object.fromEntries(["a", "s", "b", "c", "o"].map((n) => [`/${n}.xml`, route(n)])),
  );
});
afterAll(async () => {
  await server.close();
  await db.close();
});
afterEach(() => {
  sns.reset();
  feedItems = {};
});

const feed = (id: string, tier?: SourceTier): FeedConfig => ({
  id,
  name: `Outlet ${id.toUpperCase()}`,
  url: server.url(`/${id}.xml`),
  ...(tier ? { tier } : {}),
});

async function setup() {
  const tableName = `corroboration-${++tables}`;
  await createTable(db.client, tableName);
  const clock = () => new Date("2025-01-10T12:00:00.000Z");
  const store = createDynamoStore({ client: db.client, tableName, clock });
  const deps: PipelineDeps = {
    store,
    notifier: createSnsNotifier({
      client: new SNSClient({ region: "us-east-1" }),
      topicArn: "arn:aws:sns:us-east-1:1:t",
      pageBaseUrl: "https://site.example",
    }),
    clock,
    log: silentLog,
    fetcher: createHttpFetcher({ allowAddresses: ["127.0.0.1"] }),
    random: () => 0.5,
  };
  return { store, deps };
}

const published = () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
const attribute = (index: number, name: string) => published()[index]?.MessageAttributes?.[name]?.StringValue;

describe("corroboration that fires (dynalite + SNS mock)", () => {
  it("one source: one new publish, corroborated=false", async () => {
    sns.on(PublishCommand).resolves({});
    const { deps } = await setup();
    feedItems.a = [FIRST];
    expect((await pollFeed(feed("a"), deps)).alerts).toBe(1);
    expect(published()).toHaveLength(1);
    expect(attribute(0, "kind")).toBe("new");
    expect(attribute(0, "corroborated")).toBe("false");
  });

  it("a syndicated copy gives none; a second independent source gives exactly one corroborated; a third none", async () => {
    sns.on(PublishCommand).resolves({});
    const { store, deps } = await setup();
    feedItems = { a: [FIRST], s: [SYNDICATED], b: [INDEPENDENT], c: [THIRD] };
    await pollFeed(feed("a"), deps);
    await pollFeed(feed("s"), deps);
    expect(published()).toHaveLength(1);
    const [afterCopy] = (await store.listFlaggedStories({ limit: 5 })).stories;
    expect(afterCopy?.sources).toHaveLength(2);
    expect(afterCopy?.corroboration).toMatchObject({ corroborated: false, independentSources: 1 });

    await pollFeed(feed("b"), deps);
    expect(published()).toHaveLength(2);
    expect(attribute(1, "kind")).toBe("corroborated");
    expect(attribute(1, "corroborated")).toBe("true");
    expect(published()[1]!.Subject).toMatch(/^\[\w+\] Corroborated: /);

    await pollFeed(feed("c"), deps);
    expect(await retryPendingAlerts(deps)).toBe(0);
    expect(published()).toHaveLength(2);
    const [story] = (await store.listFlaggedStories({ limit: 5 })).stories;
    expect(story?.corroboration).toMatchObject({
      corroborated: true,
      independentSources: 3,
      by: ["Outlet A", "Outlet B", "Outlet C"],
    });
    expect(story?.timeline?.map((event) => event.kind)).toEqual([
      "source",
      "source",
      "source",
      "corroborated",
      "source",
    ]);
    // The threshold it was flagged at travels with it, so pages show it without the rules.
    expect(story?.threshold).toBe(50);
    // Headline, link and date come from the earliest report.
    expect(story).toMatchObject({
      title: FIRST.title,
      url: FIRST.link,
      publishedAt: "2025-01-10T08:00:00.000Z",
    });
  });

  it("an official-tier source alone: corroborated=true on the first publish, and no corroborated message later", async () => {
    sns.on(PublishCommand).resolves({});
    const { deps } = await setup();
    feedItems.o = [OFFICIAL];
    await pollFeed(feed("o", "official"), deps);
    expect(published()).toHaveLength(1);
    expect(attribute(0, "kind")).toBe("new");
    expect(attribute(0, "corroborated")).toBe("true");
    const body = JSON.parse(published()[0]!.Message!) as { email: string };
    expect(body.email).toContain("Corroborated: yes, by Outlet O");
  });

  it("'everything' and 'corroborated only' subscriptions each receive exactly one message per story", async () => {
    sns.on(PublishCommand).resolves({});
    const { deps } = await setup();
    feedItems = { a: [FIRST], s: [SYNDICATED], b: [INDEPENDENT], c: [THIRD], o: [OFFICIAL] };
    for (const id of ["a", "s", "b", "c"]) await pollFeed(feed(id), deps);
    await pollFeed(feed("o", "official"), deps);
    expect(published().map((p) => p.MessageAttributes?.kind?.StringValue)).toEqual([
      "new",
      "corroborated",
      "new",
    ]);

    const storyOf = (index: number) =>
      JSON.parse(published()[index]!.Message!).email.match(/stories\/(\w+)/)[1];
    const received = (policy: Record<string, unknown[]>) =>
      published().flatMap((p, index) => (policyAccepts(policy, p.MessageAttributes) ? [storyOf(index)] : []));

    const everything = received(FILTER_POLICY_EXAMPLES.everything);
    const corroboratedOnly = received(FILTER_POLICY_EXAMPLES.corroboratedOnly);
    expect(everything).toHaveLength(2);
    expect(new Set(everything).size).toBe(2);
    expect(corroboratedOnly).toHaveLength(2);
    expect(new Set(corroboratedOnly).size).toBe(2);
    // The corroborated-only subscriber's message for the first story is the corroborated one.
    expect(policyAccepts(FILTER_POLICY_EXAMPLES.corroboratedOnly, published()[0]!.MessageAttributes)).toBe(
      false,
    );
    expect(policyAccepts(FILTER_POLICY_EXAMPLES.everything, published()[1]!.MessageAttributes)).toBe(false);
  });
});

describe("the documented filter policies", () => {
  it("are exactly the ones these tests evaluate", () => {
    const doc = readFileSync(new URL("../docs/deploy.md", import.meta.url), "utf8");
    const section = doc.slice(doc.indexOf("## Message attributes and filter policies"));
    const rows = [...section.matchAll(/^\| [^|]+ \| `(\{.*\})` \|$/gm)].map((m) => JSON.parse(m[1]!));
    expect(rows).toEqual(Object.values(FILTER_POLICY_EXAMPLES));
  });
});
