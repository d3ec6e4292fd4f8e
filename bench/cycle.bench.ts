/**
 * One local poll cycle over 200 feeds of 20 items each, served on 127.0.0.1 by 50 "sites" (4
 * feeds each) with 100 ms latency per response, 10% of the feeds failing in different ways
 * (timeouts, 500s, 404, 429 + Retry-After, bad XML, truncated XML, HTML, empty body, reset
 * mid-body). Measured through the real local stack (`openLocalStack`: persistent dynalite, store,
 * classifier, stories, alerts, polite scheduler):
 *   cycle 1: everything new; cycle 2: unchanged, the sites answer 304; cycle 3: unchanged, the
 *   sites ignore validators and send full bodies (the store must still write nothing).
 * Baseline in the same run: the same 200 fetches + parses alone (readFeed through the same
 * scheduler, no store, no classifier), so the ratio is what storing, scoring and alerting add.
 * DynamoDB commands are counted by a middleware on the SDK client.
 *
 * Note: dynalite runs in this process (in its own thread, as in local mode), so its CPU cost is
 * part of the cycle's CPU figure, printed per cycle beside the baseline's with the main thread's
 * share; on a shared machine the wall ratio grows with its load. Fetch timeouts are set to 2 s here
 * (10 s in production) so the three stalled feeds do not dominate.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LocalConfig } from "../cli/local/config.ts";
import { createHostGate } from "../cli/local/host-gate.ts";
import type { CycleSummary } from "../cli/local/progress.ts";
import { openLocalStack } from "../cli/local/runtime.ts";
import { runFeeds } from "../cli/local/scheduler.ts";
import { readFeedOverHttp } from "../test/helpers/read-over-http.ts";
import type { FeedConfig } from "../lambdas/core/model/types.ts";

const SITES = 50;
const FEEDS_PER_SITE = 4;
const ITEMS = 20;
const LATENCY_MS = 100;
const CONCURRENCY = 16;
const HOST_GAP_MS = 100;
const FETCH_TIMEOUT_MS = 2000;

type Fault = "timeout" | "500" | "404" | "429" | "bad-xml" | "truncated" | "html" | "empty" | "reset";
// 20 of 200 feeds (10%), every kind of failure at least twice.
const FAULTS: Fault[] = [
  "timeout",
  "timeout",
  "timeout",
  "500",
  "500",
  "500",
  "404",
  "404",
  "429",
  "429",
  "bad-xml",
  "bad-xml",
  "truncated",
  "truncated",
  "html",
  "html",
  "empty",
  "empty",
  "reset",
  "reset",
];

const EXCHANGES = [
  "Zephyra",
  "Kolmar",
  "Brightvault",
  "Ostrava",
  "Meridex",
  "Tallow",
  "Quorra",
  "Vantis",
  "Hesper",
  "Lumio",
];
const TOPICS = [
  "Patch Tuesday",
  "Bitcoin ETF flows",
  "Ransomware",
  "Stablecoin rules",
  "Phishing kit",
  "Layer-2 fees",
];

function feedDocument(feedIndex: number, now: number): string {
  const items: string[] = [];
  for (let j = 0; j < ITEMS; j++) {
    const published = new Date(now - (feedIndex % 7) * 600_000 - j * 3_600_000).toUTCString();
    let title: string;
    let description: string;
    // Every 10th feed opens with a heist; feeds 10 apart report the same one, so stories merge.
    if (j === 0 && feedIndex % 10 === 0) {
      const event = (feedIndex / 10) % EXCHANGES.length;
      const amount = 20 + event * 13;
      title = `Lazarus Group hackers stole $${amount} million from ${EXCHANGES[event]} exchange (report ${feedIndex})`;
      description = `North Korea's Lazarus Group drained $${amount} million from the ${EXCHANGES[event]} exchange hot wallet, investigators said.`;
    } else {
      const topic = TOPICS[(feedIndex + j) % TOPICS.length];
      title = `${topic}: update ${feedIndex}-${j} from the desk`;
      description = `Routine coverage of ${topic} number ${j} for feed ${feedIndex}, with no theft and no state actor.`;
    }
    items.push(
      `<item><title>${title}</title><link>https://site${feedIndex}.example/a/${j}</link><guid>https://site${feedIndex}.example/a/${j}</guid><pubDate>${published}</pubDate><description>${description}</description></item>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed ${feedIndex}</title><link>https://site${feedIndex}.example/</link><description>bench</description>${items.join("")}</channel></rss>`;
}

interface Sites {
  feeds: FeedConfig[];
  /** When false, the sites ignore If-None-Match and always send the full body. */
  honourValidators: boolean;
  requests: number;
  close(): Promise<void>;
}

async function startSites(): Promise<Sites> {
  const now = Date.now();
  const servers: Server[] = [];
  const feeds: FeedConfig[] = [];
  const state: Sites = { feeds, honourValidators: true, requests: 0, close: async () => {} };
  // Faulty feeds are spread over the sites: feed indexes 5, 15, 25, ... (never a heist feed).
  const faultOf = (index: number): Fault | undefined =>
    index % 10 === 5 ? FAULTS[(index - 5) / 10] : undefined;
  for (let site = 0; site < SITES; site++) {
    const server = createServer((req, res) => {
      state.requests++;
      const index = Number(new URL(req.url ?? "/", "http://x").pathname.match(/\/feed-(\d+)\.xml$/)?.[1]);
      const fault = faultOf(index);
      setTimeout(() => {
        if (fault === "timeout") return; // never answers; the fetch deadline ends it
        if (fault === "reset") {
          res.writeHead(200, { "content-type": "application/rss+xml" });
          res.write(feedDocument(index, now).slice(0, 500));
          setTimeout(() => req.socket.destroy(), 5);
          return;
        }
        const status = { "500": 500, "404": 404, "429": 429 }[fault as string];
        if (status) {
          res.writeHead(status, status === 429 ? { "retry-after": "120" } : {}).end("error");
          return;
        }
        const body =
          fault === "bad-xml"
            ? feedDocument(index, now).replace("</channel>", "</item></chanel>") // mismatched tags
            : fault === "truncated"
              ? feedDocument(index, now).slice(0, 1500)
              : fault === "html"
                ? "<!doctype html><html><body><h1>Welcome</h1></body></html>"
                : fault === "empty"
                  ? ""
                  : feedDocument(index, now);
        const etag = `"v1-${index}"`;
        if (state.honourValidators && !fault && req.headers["if-none-match"] === etag) {
          res.writeHead(304, { etag }).end();
          return;
        }
        res
          .writeHead(200, { "content-type": fault === "html" ? "text/html" : "application/rss+xml", etag })
          .end(body);
      }, LATENCY_MS);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    for (let k = 0; k < FEEDS_PER_SITE; k++) {
      const index = site * FEEDS_PER_SITE + k;
      feeds.push({
        id: `bench-${index}`,
        name: `Bench feed ${index}`,
        url: `http://127.0.0.1:${port}/feed-${index}.xml`,
      });
    }
  }
  state.close = async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
  return state;
}

const WRITE_COMMANDS = /^(Put|Update|Delete|BatchWrite|TransactWrite)/;

/** Process CPU (user + system) in ms: on a shared machine it says what the work costs, wall time what it waited. */
function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/**
 * CPU ms of this process's main thread and of all its other threads (the embedded database's
 * thread, GC and libuv helpers), from /proc on Linux; null elsewhere.
 */
function threadCpuMs(): { main: number; others: number } | null {
  if (!existsSync("/proc/self/task")) return null;
  const tick = 10; // USER_HZ is 100 on Linux
  let main = 0;
  let others = 0;
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      // Fields after the ")" that closes the thread's name: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(")").pop()!.trim().split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * tick;
      if (Number(tid) === process.pid) main += ms;
      else others += ms;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return { main, others };
}

function fmt(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

async function main() {
  const sites = await startSites();
  const dataDir = mkdtempSync(join(tmpdir(), "heistwatch-bench-"));
  const fetchOptions = {
    allowAddresses: ["127.0.0.1"],
    timeoutMs: FETCH_TIMEOUT_MS,
    connectTimeoutMs: FETCH_TIMEOUT_MS,
  };
  try {
    // Baseline: the same fetches and parses through the same scheduler, nothing stored or scored.
    const baselineStart = performance.now();
    const baselineCpu = process.cpuUsage();
    const baselineRuns = await runFeeds(sites.feeds, (feed) => readFeedOverHttp(feed, fetchOptions), {
      concurrency: CONCURRENCY,
      gate: createHostGate(HOST_GAP_MS),
    });
    const baselineMs = performance.now() - baselineStart;
    const baselineCpuMs = cpuMs(process.cpuUsage(baselineCpu));
    const baselineFailed = baselineRuns.filter(
      (r) => r.status !== "done" || r.result.status === "failed",
    ).length;

    const config: LocalConfig = {
      port: 0,
      host: "127.0.0.1",
      dataDir,
      feedsFile: "(bench)",
      intervalSeconds: 300,
      allowPrivateAddresses: ["127.0.0.1"],
      concurrency: CONCURRENCY,
      hostGapMs: HOST_GAP_MS,
    };
    let alertCards = 0;
    const stack = await openLocalStack({
      config,
      feeds: sites.feeds,
      dataDir,
      output: {
        out: (text) => {
          if (text.includes("HEIST ALERT")) alertCards++;
        },
        err: () => {},
      },
      fetchOptions,
    });
    const counts = new Map<string, number>();
    stack.dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        counts.set(context.commandName ?? "?", (counts.get(context.commandName ?? "?") ?? 0) + 1);
        return next(args);
      },
      { step: "initialize", name: "benchCommandCounter" },
    );

    const cycle = async (label: string) => {
      counts.clear();
      const started = performance.now();
      const startedCpu = process.cpuUsage();
      const startedThreads = threadCpuMs();
      const summary: CycleSummary = await stack.runCycle();
      const ms = performance.now() - started;
      const cycleCpuMs = cpuMs(process.cpuUsage(startedCpu));
      const endedThreads = threadCpuMs();
      const split =
        startedThreads && endedThreads
          ? `: main thread ${fmt(endedThreads.main - startedThreads.main)}, other threads ${fmt(endedThreads.others - startedThreads.others)}`
          : "";
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const writes = [...counts].filter(([name]) => WRITE_COMMANDS.test(name)).reduce((a, [, n]) => a + n, 0);
      const by = [...counts]
        .sort((a, b) => b[1] - a[1])
        .map(([name, n]) => `${name.replace(/Command$/, "")} ${n}`)
        .join(", ");
      const count = (status: string) => summary.outcomes.filter((o) => o.status === status).length;
      console.log(
        `${label.padEnd(38)} wall ${fmt(ms).padStart(8)}  ${(ms / baselineMs).toFixed(2)}x baseline  ` +
          `feeds: ${summary.due} due, ${count("ok")} ok, ${count("not-modified")} not modified, ${count("failed")} failed; ` +
          `${summary.outcomes.reduce((n, o) => n + o.new, 0)} new, ${summary.outcomes.reduce((n, o) => n + o.flagged, 0)} flagged`,
      );
      const kinds = new Map<string, number>();
      for (const o of summary.outcomes)
        if (o.status === "failed") kinds.set(o.kind ?? "?", (kinds.get(o.kind ?? "?") ?? 0) + 1);
      console.log(
        `${"".padEnd(38)} failures by kind: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(", ") || "none"}`,
      );
      console.log(`${"".padEnd(38)} CPU ${fmt(cycleCpuMs)}${split} (baseline ${fmt(baselineCpuMs)})`);
      console.log(`${"".padEnd(38)} DynamoDB: ${total} commands, ${writes} writes (${by || "none"})`);
    };

    console.log(
      `${sites.feeds.length} feeds x ${ITEMS} items on ${SITES} local sites, ${LATENCY_MS} ms latency, ` +
        `${FAULTS.length} failing (${[...new Set(FAULTS)].join(", ")}); concurrency ${CONCURRENCY}, ` +
        `${HOST_GAP_MS} ms gap per host, fetch timeout ${FETCH_TIMEOUT_MS} ms`,
    );
    console.log(
      `${"baseline: fetch + parse only".padEnd(38)} wall ${fmt(baselineMs).padStart(8)}  (${baselineFailed} failed)`,
    );
    await cycle("cycle 1: all new");
    await cycle("cycle 2: unchanged, sites answer 304");
    sites.honourValidators = false;
    // Cycle 3 needs the healthy feeds due again; the failing ones stay in backoff, as in real use.
    await cycle("cycle 3: unchanged, full bodies again");
    console.log(`alert cards printed: ${alertCards} (one per story; a story is 2 reports of one heist)`);
    await stack.close();
  } finally {
    await sites.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
