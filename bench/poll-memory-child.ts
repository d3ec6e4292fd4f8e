/**
 * The measured side of bench/poll-memory.ts, bundled as the stack bundles the poll Lambda and run in
 * a fresh `node`: builds the real poll handler (real fetcher, real DynamoDB store on the parent's
 * dynalite, a notifier that only counts) and polls every feed twice, printing the process's RSS.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { createDynamoClient } from "../lambdas/adapters/dynamo-client.ts";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createHttpFetcher } from "../lambdas/adapters/http-fetcher.ts";
import type { FeedConfig } from "../lambdas/core/model/types.ts";
import { createPollHandler } from "../lambdas/poll.ts";

const mb = (bytes: number) => Math.round(bytes / 1048576);
const feeds = JSON.parse(process.env.BENCH_FEEDS!) as FeedConfig[];
const baselineRss = process.memoryUsage().rss;
let alerts = 0;
const poll = createPollHandler({
  pipeline: {
    store: createDynamoStore({
      client: createDynamoClient({
        endpoint: process.env.BENCH_DYNAMO!,
        region: "us-east-1",
        credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
      }),
      tableName: process.env.BENCH_TABLE!,
    }),
    notifier: {
      async send() {
        alerts++;
      },
    },
    clock: () => new Date(),
    fetcher: createHttpFetcher({ allowAddresses: ["127.0.0.1"] }),
  },
  feeds,
  logger: new Logger({ serviceName: "bench", logLevel: "ERROR" }),
  concurrency: Number(process.env.BENCH_CONCURRENCY),
});
const event = { feedIds: feeds.map((feed) => feed.id) };
const first = await poll(event);
const afterFirst = process.memoryUsage().rss;
const second = await poll(event);
console.log(
  JSON.stringify({
    baselineRssMb: mb(baselineRss),
    afterFirstRssMb: mb(afterFirst),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    first: { new: first.new, ok: first.ok, failed: first.failed, ms: first.durationMs },
    second: { new: second.new, ok: second.ok, ms: second.durationMs },
    alerts,
  }),
);
