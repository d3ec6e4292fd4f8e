/**
 * The real poll path for tests: feeds served on 127.0.0.1 whose items a test sets per feed,
 * dynalite with a fresh table per setup, the SNS notifier against a mocked SNS client, the
 * hardened HTTP fetcher, and a clock the test moves. `usePollHarness` registers its own
 * beforeAll/afterAll/afterEach hooks (the SNS mock and the items are reset after each test).
 * It mocks the SDK client prototypes (and stubs the environment): a file using it runs isolated
 * (listed in ISOLATED in vitest.config.ts).
 *
 * Usage:
 *   const poll = usePollHarness({ feeds: ["a", "b"], tablePrefix: "pipeline" });
 *   const { store, deps } = await poll.setup({ clockAt: "2025-01-10T12:00:00.000Z" });
 *   poll.items.a = [ITEM]; await pollFeed(poll.feed("a"), deps); poll.published()
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll } from "vitest";
import { createDynamoStore, type DynamoStore } from "../../lambdas/adapters/dynamo-store.ts";
import { createHttpFetcher } from "../../lambdas/adapters/http-fetcher.ts";
import { createSnsNotifier } from "../../lambdas/adapters/sns-notifier.ts";
import { createTable } from "../../lambdas/adapters/table.ts";
import type { Log, Store } from "../../lambdas/core/model/ports.ts";
import type { FeedConfig, SourceTier } from "../../lambdas/core/model/types.ts";
import type { PipelineDeps } from "../../lambdas/core/polling/pipeline.ts";
import { type LocalDynamo, startDynalite } from "./dynalite.ts";
import { rssDocument } from "./feeds.ts";
import { type Route, startServer, type TestServer } from "./http-server.ts";

/** One feed item as the tests write it. */
export interface FeedItem {
  title: string;
  summary: string;
  link: string;
  pubDate: string;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

export const TOPIC_ARN = "arn:aws:sns:us-east-1:1:t";

/** An RSS document of the items. */
export function rss(items: FeedItem[]): string {
  return rssDocument(items.map(({ summary, ...item }) => ({ ...item, description: summary })));
}

/** A feed route serving the items of the moment, with ETag and If-None-Match unless `etag` is false. */
export function feedRoute(items: () => FeedItem[], options: { etag?: boolean } = {}): Route {
  const etags = options.etag !== false;
  return (req: IncomingMessage, res: ServerResponse) => {
    const body = rss(items());
    const etag = `"${Buffer.from(body).toString("base64").slice(-16)}"`;
    if (etags && req.headers["if-none-match"] === etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader("content-type", "application/rss+xml");
    if (etags) res.setHeader("etag", etag);
    res.end(body);
  };
}

export interface PollHarnessOptions {
  /** Feed ids served at /<id>.xml from the items in `items[id]`. */
  feeds: string[];
  /** Serve ETags and answer If-None-Match with 304 (default false: every poll reads the items). */
  etag?: boolean;
  /** Feed ids served without ETags even when `etag` is on. */
  plainFeeds?: string[];
  /** More routes on the same server (a failing feed...). */
  routes?: Record<string, Route>;
  /** Table names are `<prefix>-<n>`. */
  tablePrefix: string;
  /** Name of feed `id`; default "Outlet A" for "a". */
  feedName?: (id: string) => string;
}

export interface SetupOptions {
  clockAt: string;
  /** Wraps the store (to delay reads, hide methods...). */
  wrap?: (store: DynamoStore) => Store;
  /** The public site's base URL: alert bodies link the story page. */
  pageBaseUrl?: string;
}

export interface PollSetup {
  store: Store;
  deps: PipelineDeps;
  tableName: string;
  setNow(iso: string): void;
}

export interface PollHarness {
  /** Items each feed serves now, by feed id; emptied after each test. */
  items: Record<string, FeedItem[]>;
  readonly db: LocalDynamo;
  readonly server: TestServer;
  readonly sns: AwsClientStub<SNSClient>;
  feed(id: string, tier?: SourceTier): FeedConfig;
  /** A fresh table and pipeline deps over it, with a clock starting at `clockAt`. */
  setup(options: SetupOptions): Promise<PollSetup>;
  /** Every Publish input so far, in order. */
  published(): PublishCommandInput[];
}

export function usePollHarness(options: PollHarnessOptions): PollHarness {
  const sns = mockClient(SNSClient);
  let db: LocalDynamo | undefined;
  let server: TestServer | undefined;
  let tables = 0;
  const started = <T>(value: T | undefined): T => {
    if (!value) throw new Error("the poll harness starts in beforeAll: use it inside a test");
    return value;
  };
  const name = options.feedName ?? ((id: string) => `Outlet ${id.toUpperCase()}`);

  const harness: PollHarness = {
    items: {},
    get db() {
      return started(db);
    },
    get server() {
      return started(server);
    },
    sns,
    feed: (id, tier) => ({
      id,
      name: name(id),
      url: started(server).url(`/${id}.xml`),
      ...(tier ? { tier } : {}),
    }),
    async setup({ clockAt, wrap, pageBaseUrl }) {
      const client = started(db).client;
      const tableName = `${options.tablePrefix}-${++tables}`;
      await createTable(client, tableName);
      let now = new Date(clockAt);
      const clock = () => now;
      const dynamo = createDynamoStore({ client, tableName, clock });
      const store = wrap ? wrap(dynamo) : dynamo;
      const deps: PipelineDeps = {
        store,
        notifier: createSnsNotifier({
          client: new SNSClient({ region: "us-east-1" }),
          topicArn: TOPIC_ARN,
          ...(pageBaseUrl ? { pageBaseUrl } : {}),
        }),
        clock,
        log: silentLog,
        fetcher: createHttpFetcher({ allowAddresses: ["127.0.0.1"] }),
        random: () => 0.5,
      };
      return { store, deps, tableName, setNow: (iso: string) => (now = new Date(iso)) };
    },
    published: () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input),
  };

  beforeAll(async () => {
    db = await startDynalite();
    const plain = new Set(options.plainFeeds ?? []);
    const routes: Record<string, Route> = { ...options.routes };
    for (const id of [...options.feeds, ...plain]) {
      routes[`/${id}.xml`] = feedRoute(() => harness.items[id] ?? [], {
        etag: (options.etag ?? false) && !plain.has(id),
      });
    }
    server = await startServer(routes);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });
  afterEach(() => {
    sns.reset();
    harness.items = {};
  });
  return harness;
}
