/**
 * Public API throughput: requests/s and p99 latency for GET /feed.json (20 stories, the
 * default page) served by the local node:http adapter over 10,000 flagged stories in
 * dynalite, written through the store adapter. Baseline, measured in the same run: the same
 * adapter answering a constant tiny JSON, so the ratio isolates what the API adds (DynamoDB
 * query, rendering, hashing) on top of HTTP and event mapping. /feed.json is measured as
 * deployed (5 s page cache, see core/api/cached-reader.ts) and with no cache (one dynalite
 * query per request); also /feed.json revalidated with If-None-Match (304), /feed.xml and /.
 * Latencies are each response's own time as autocannon measures it (process.hrtime), kept
 * whole, so p99 is exact to the microsecond (autocannon's own summary rounds to whole ms).
 *
 * The goal for the cached page (issue 13): a p99 at least as good as the same server answering a
 * constant body of the same bytes, for a client that accepts gzip (the page's gzip bytes) and for
 * one that does not (its plain bytes). Those constants are served by the same server, through the
 * same adapter and the same response writing, on /constant-gzip and /constant-plain. The two
 * sides are measured interleaved: every connection alternates constant and page requests (in the
 * order a, b, b, a, so neither side is always second), so both see the same machine at the same
 * moments (a neighbour's busy spell, a GC pause, a page refresh), and each round gives the page's
 * p99 minus the constant's. Five rounds. Beside each round, a control round of the constant against
 * a copy of itself shows what the method reads when there is nothing to find: on this shared
 * machine, differences of tens to hundreds of microseconds either way. Two readings are printed:
 * strict (the median difference is <= 0 µs) and the verdict (the median difference is no larger
 * than the largest difference the control read in the same run, its resolution). For two equal
 * servers the strict reading is a coin toss, so the verdict is the one that can say "at least as
 * good"; the strict figure stays beside it, and the CPU per call below gives the deterministic
 * difference.
 *
 * The store is local mode's embedded DynamoDB (cli/local/embedded-dynamo.ts: dynalite in its own
 * thread, in memory here), as `npm start` serves it: its query cost takes CPU from the same
 * machine but no longer stalls the serving event loop (real DynamoDB is a network hop). With
 * dynalite on the serving thread, each 5 s page refresh (a GSI query that costs dynalite about a
 * second of CPU over 10,000 stories on a busy machine) stalled every request in flight, and set
 * the cached page's p99.
 */
import autocannon from "autocannon";
import pLimit from "p-limit";
import { type ApiServer, startApiServer } from "../cli/local/http-adapter.ts";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import { createApiGatewayHandler } from "../lambdas/core/api/apigw.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import type { Log } from "../lambdas/core/model/ports.ts";
import type { Severity, Story } from "../lambdas/core/model/types.ts";
import { startEmbeddedDynamo } from "../cli/local/embedded-dynamo.ts";

const STORIES = 10_000;
const DURATION_SECONDS = 5;
const CONNECTIONS = 10;
const TABLE = "heistwatch-bench";
/** Interleaved rounds per encoding for the goal; the median of each side counts. */
const ROUNDS = 5;
const SEVERITIES: Severity[] = ["low", "medium", "high"];

// Errors print while measuring (any would also count in the table); teardown aborts are expected.
let measuring = true;
const quietLog: Log = {
  debug() {},
  info() {},
  warn() {},
  error: (message, extra) => {
    if (measuring) console.error(message, extra);
  },
};

function story(i: number): Story {
  const publishedAt = new Date(Date.UTC(2024, 0, 1) + i * 600_000).toISOString();
  const id = `bench-${String(i).padStart(6, "0")}`;
  return {
    id,
    title: `Lazarus Group linked to $${(i % 900) + 10} million theft from exchange #${i}`,
    summary:
      "Blockchain investigators attribute the theft to North Korea's Lazarus Group, citing laundering through " +
      "mixers and cross-chain bridges that matches earlier DPRK operations. The exchange paused withdrawals.",
    url: `https://news.example.com/2024/${id}`,
    publishedAt,
    updatedAt: publishedAt,
    score: 40 + (i % 60),
    severity: SEVERITIES[i % 3] ?? "low",
    actors: i % 4 === 0 ? ["APT38"] : ["Lazarus Group", "DPRK"],
    amountUsd: ((i % 900) + 10) * 1_000_000,
    attribution: "attributed",
    matched: [
      {
        term: "lazarus",
        group: "actor",
        weight: 30,
        field: "title",
        start: 0,
        end: 13,
        text: "Lazarus Group",
      },
      { term: "theft", group: "theft", weight: 20, field: "title", start: 40, end: 45, text: "theft" },
      { term: "exchange", group: "target", weight: 10, field: "title", start: 51, end: 59, text: "exchange" },
    ],
    categories: ["crypto", "security"],
    authors: ["Staff"],
    sources: [
      {
        articleId: `a${i}`,
        feedId: "the-record",
        name: "The Record",
        url: `https://news.example.com/2024/${id}`,
        title: "Lazarus theft",
        publishedAt,
      },
      {
        articleId: `b${i}`,
        feedId: "coindesk",
        name: "CoinDesk",
        url: `https://coins.example.com/${id}`,
        title: "Exchange drained",
        publishedAt,
      },
    ],
  };
}

interface Figures {
  name: string;
  rps: number;
  /** ms, exact (from every response's own latency). */
  p99: number;
  bad: number;
}

/** The 99th percentile (nearest rank) of latencies in ms. */
function p99Of(latencies: number[]): number {
  if (latencies.length === 0) return Number.NaN;
  const sorted = Float64Array.from(latencies).sort();
  return sorted[Math.ceil(sorted.length * 0.99) - 1]!;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => value.toFixed(3);

type Request = NonNullable<autocannon.Options["requests"]>[number];

/** One autocannon run; `record` gets every response's latency (ms) as it arrives. */
function cannon(
  options: autocannon.Options,
  record: (latencyMs: number) => void,
): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on("response", (_client, _status, _bytes, latencyMs) => record(latencyMs));
  });
}

async function measure(name: string, url: string, headers?: Record<string, string>): Promise<Figures> {
  const latencies: number[] = [];
  const options = { url, connections: CONNECTIONS, duration: DURATION_SECONDS, headers };
  const result = await cannon(options, (latency) => latencies.push(latency));
  const bad =
    result.errors + result.timeouts + result.non2xx - (headers?.["if-none-match"] ? result["3xx"] : 0);
  return { name, rps: result.requests.average, p99: p99Of(latencies), bad };
}

/**
 * One interleaved round of `a` against `b`: every connection asks for a, b, b, a, a, b, b, a...
 * (each side as often first as second: a plain a, b alternation measurably favours the second),
 * and each response's latency is filed under the request it answers (autocannon calls a request's
 * onResponse just before it reports the response's latency). Returns b's p99 minus a's, in ms.
 */
async function interleaved(
  base: string,
  a: string,
  b: string,
  headers: Record<string, string> = {},
): Promise<{ difference: number; bad: number }> {
  const latencies: [number[], number[]] = [[], []];
  let side = 0;
  const ask = (path: string, which: number): Request => ({
    method: "GET",
    path,
    onResponse: () => void (side = which),
  });
  const requests = [ask(a, 0), ask(b, 1), ask(b, 1), ask(a, 0)];
  const options = { url: base, connections: CONNECTIONS, duration: DURATION_SECONDS, headers, requests };
  // Requests sent in the first 200 ms are left out: each connection's first one (always `a`) pays
  // for opening the connection.
  const settled = performance.now() + 200;
  const result = await cannon(options, (latency) => {
    if (performance.now() - latency >= settled) latencies[side]!.push(latency);
  });
  return {
    difference: p99Of(latencies[1]) - p99Of(latencies[0]),
    bad: result.errors + result.timeouts + result.non2xx,
  };
}

const db = await startEmbeddedDynamo(null);
const servers: ApiServer[] = [];
try {
  await createTable(db.client, TABLE);
  const store = createDynamoStore({ client: db.client, tableName: TABLE });
  const seedStart = performance.now();
  const limit = pLimit(32);
  await Promise.all(
    Array.from({ length: STORIES }, (_, i) =>
      limit(() =>
        store.createStory({
          story: story(i),
          version: 1,
          features: [],
          alert: { dueSeq: 1, sentSeq: 1, kind: "new", reasons: [] },
        }),
      ),
    ),
  );
  console.log(
    `seeded ${STORIES} flagged stories in dynalite in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );

  const site = { title: "heistwatch", description: "bench" };
  // As deployed (lambdas/api.ts): pages cached for 5 s. Raw: every request queries dynalite.
  const cachedHandler = createApiGatewayHandler(
    createApi({ reader: store, site, log: quietLog, cacheTtlMs: 5_000 }),
  );
  // The constant answers: the page's own bytes, captured once, then answered as they are. Each
  // path has its handler, found the same way, so neither side pays for the other's dispatch.
  type Result = Awaited<ReturnType<typeof cachedHandler>>;
  const constants = new Map<string, Result>();
  const routes = new Map<string, (event: never) => Promise<Result>>();
  const constant = (path: string, result: Result) => {
    constants.set(path, result);
    routes.set(path, async () => result);
  };
  const serve = (event: { rawPath: string }) => (routes.get(event.rawPath) ?? cachedHandler)(event as never);
  const api = await startApiServer(serve, { port: 0 });
  const raw = await startApiServer(
    createApiGatewayHandler(createApi({ reader: store, site, log: quietLog })),
    {
      port: 0,
    },
  );
  servers.push(api, raw);
  const tinyBody = JSON.stringify({ ok: true });
  const baseline = await startApiServer(
    async () => ({ statusCode: 200, headers: { "Content-Type": "application/json" }, body: tinyBody }),
    { port: 0 },
  );
  servers.push(baseline);

  // The event the local server makes of a GET /feed.json, so the constants are the page's own bytes.
  const pageEvent = (acceptEncoding?: string) =>
    ({
      rawPath: "/feed.json",
      rawQueryString: "",
      headers: {
        host: new URL(api.url).host,
        "x-forwarded-proto": "http",
        ...(acceptEncoding ? { "accept-encoding": acceptEncoding } : {}),
      },
      requestContext: { domainName: new URL(api.url).host, http: { method: "GET" }, stage: "$default" },
    }) as never;
  // Copies, so the constants share nothing with the page cache's answers but their bytes.
  for (const [path, encoding] of [
    ["/constant-gzip", "gzip"],
    ["/constant-plain", undefined],
  ] as const) {
    const answer = await cachedHandler(pageEvent(encoding));
    constant(path, { ...answer });
    constant(`${path}-copy`, { ...answer });
  }
  const gzipBytes = Buffer.from(
    String((constants.get("/constant-gzip") as { body: string }).body),
    "base64",
  ).length;

  const first = await fetch(`${api.url}/feed.json`);
  const pageText = await first.text();
  const feed = JSON.parse(pageText) as { items: unknown[] };
  const etag = first.headers.get("etag") ?? "";
  if ((await (await fetch(`${api.url}/constant-plain`)).text()) !== pageText) {
    throw new Error("the constant's bytes are not the page's bytes: the comparison would mean nothing");
  }
  console.log(
    `/feed.json page: ${feed.items.length} items, ${pageText.length} bytes, ${gzipBytes} bytes gzipped`,
  );
  console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION_SECONDS} s each, loopback\n`);

  // Warm-up (JIT, dynalite's caches), not reported.
  await autocannon({ url: `${api.url}/feed.json`, connections: CONNECTIONS, duration: 2 });
  await autocannon({ url: `${baseline.url}/`, connections: CONNECTIONS, duration: 2 });

  const gzip = { "accept-encoding": "gzip" };
  const rows = [
    await measure("baseline: adapter + constant tiny JSON", `${baseline.url}/`),
    await measure("constant: the page's gzip bytes", `${api.url}/constant-gzip`, gzip),
    await measure("GET /feed.json gzip, 5 s page cache", `${api.url}/feed.json`, gzip),
    await measure("constant: the page's plain bytes", `${api.url}/constant-plain`),
    await measure("GET /feed.json plain, 5 s page cache", `${api.url}/feed.json`),
    await measure("GET /feed.json, no cache (query per request)", `${raw.url}/feed.json`),
    await measure("GET /feed.json + If-None-Match -> 304", `${api.url}/feed.json`, { "if-none-match": etag }),
    await measure("GET /feed.xml, 5 s page cache", `${api.url}/feed.xml`),
    await measure("GET / HTML, 5 s page cache", `${api.url}/`),
  ];
  const base = rows[0]!;
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(
    `${"".padEnd(width)}  ${"req/s".padStart(8)}  ${"p99 ms".padStart(8)}  ${"req/s vs base".padStart(13)}  ${"p99 vs base".padStart(11)}  errors`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(width)}  ${r.rps.toFixed(0).padStart(8)}  ${ms(r.p99).padStart(8)}  ` +
        `${`${(r.rps / base.rps).toFixed(3)}x`.padStart(13)}  ${`${(r.p99 / base.p99).toFixed(2)}x`.padStart(11)}  ${r.bad}`,
    );
  }

  console.log(
    `\ngoal: cached /feed.json p99 <= constant body of the same bytes, same server. ${ROUNDS} rounds of ` +
      `${DURATION_SECONDS} s, each connection interleaving the two; per round, page p99 minus constant p99; ` +
      `strict = the median round's difference is <= 0; met = it is within the method's resolution, the ` +
      `largest difference read by a control in the same rounds (the constant against a second copy of ` +
      `itself, where there is no difference to find)`,
  );
  let bad = rows.reduce((sum, r) => sum + r.bad, 0);
  const us = (value: number) => `${value > 0 ? "+" : ""}${(value * 1000).toFixed(0)}`;
  for (const [label, constantPath, headers] of [
    ["gzip client ", "/constant-gzip", gzip],
    ["plain client", "/constant-plain", {}],
  ] as const) {
    const page: number[] = [];
    const control: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const round = await interleaved(api.url, constantPath, "/feed.json", headers);
      const same = await interleaved(api.url, constantPath, `${constantPath}-copy`, headers);
      page.push(round.difference);
      control.push(same.difference);
      bad += round.bad + same.bad;
    }
    const difference = median(page);
    const resolution = Math.max(...control.map(Math.abs));
    console.log(
      `  ${label}: median ${us(difference)} µs (strict <= 0: ${difference <= 0 ? "yes" : "no"}); ` +
        `${difference <= resolution ? "met" : "NOT met"} within the control's resolution of ${(resolution * 1000).toFixed(0)} µs ` +
        `(rounds ${page.map(us).join(", ")} µs; page <= constant in ${page.filter((d) => d <= 0).length} of ${ROUNDS})`,
    );
    console.log(
      `    control, constant vs its copy: median ${us(median(control))} µs (rounds ${control.map(us).join(", ")} µs)`,
    );
  }
  measuring = false;
  // Load on a shared machine moves p99 by more than the difference measured, so also: CPU per
  // call of the handler itself (no HTTP), the constant beside the cached page.
  // The cached path is measured on a page cache that does not expire during the calls: process CPU
  // counts every thread, and a 5 s page's refresh (an index query on dynalite's database thread,
  // a remote call when deployed) landing inside the window added ~20 µs a call to one run's figure.
  const steady = createApiGatewayHandler(
    createApi({ reader: store, site, log: quietLog, cacheTtlMs: 3_600_000 }),
  );
  const cpuPerCall = async (path: string, acceptEncoding?: string) => {
    const event = { ...(pageEvent(acceptEncoding) as object), rawPath: path } as { rawPath: string };
    // Dispatched as the server's handler dispatches, with the steady cache behind the constants.
    const handle = (e: { rawPath: string }) => (routes.get(e.rawPath) ?? steady)(e as never);
    for (let i = 0; i < 20_000; i++) await handle(event);
    const started = process.cpuUsage();
    const calls = 200_000;
    for (let i = 0; i < calls; i++) await handle(event);
    const used = process.cpuUsage(started);
    return (used.user + used.system) / calls;
  };
  console.log(`\nCPU per handler call, in process (200,000 calls; the page cache not refreshed meanwhile):`);
  for (const [label, path, encoding] of [
    ["constant gzip bytes", "/constant-gzip", "gzip"],
    ["cached /feed.json gzip", "/feed.json", "gzip"],
    ["constant plain bytes", "/constant-plain", undefined],
    ["cached /feed.json plain", "/feed.json", undefined],
  ] as const) {
    console.log(`  ${label.padEnd(24)} ${(await cpuPerCall(path, encoding)).toFixed(2)} µs`);
  }
  if (bad > 0) process.exitCode = 1;
} finally {
  await Promise.all(servers.map((s) => s.close()));
  await db.close();
}
