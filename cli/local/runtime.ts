/**
 * Local mode's wiring: the embedded DynamoDB behind the same Store as in AWS, the same pipeline,
 * console/webhook notifiers, the polite scheduler, and the same API handler over node:http.
 * `start`, `poll` and `demo` are thin commands over this.
 */
import { createHttpFetcher } from "../../lambdas/adapters/http-fetcher.ts";
import { createWebSubPinger } from "../../lambdas/adapters/websub-ping.ts";
import { announceNewStories } from "../../lambdas/core/publish/websub.ts";
import { setMaxListeners } from "node:events";
import { createDynamoStore, type DynamoStore } from "../../lambdas/adapters/dynamo-store.ts";
import { createTable } from "../../lambdas/adapters/table.ts";
import { type ApiGatewayHandler, createApiGatewayHandler } from "../../lambdas/core/api/apigw.ts";
import { createApi, DEFAULT_SITE } from "../../lambdas/core/api/app.ts";
import type { FetchOptions } from "../../lambdas/adapters/http-fetcher.ts";
import {
  fetchForPoll,
  type PipelineDeps,
  type PollOutcome,
  retryPendingAlerts,
  storeFetchedPoll,
} from "../../lambdas/core/polling/pipeline.ts";
import type { Clock, Log, Notifier } from "../../lambdas/core/model/ports.ts";
import { dueFeeds } from "../../lambdas/core/polling/next-poll.ts";
import type { FeedConfig, FeedState } from "../../lambdas/core/model/types.ts";
import { DEFAULT_SHUTDOWN_GRACE_MS, type LocalConfig } from "./config.ts";
import { type EmbeddedDynamo, startEmbeddedDynamo } from "./embedded-dynamo.ts";
import { createHostGate, type HostGate } from "./host-gate.ts";
import { type ApiServer, startApiServer } from "./http-adapter.ts";
import {
  createConsoleNotifier,
  createFanoutNotifier,
  createWebhookNotifier,
  type NamedNotifier,
} from "./notifiers.ts";
import {
  type CycleSummary,
  errorText,
  formatCrashLine,
  formatCycleSummary,
  offlineHint,
  formatFeedLine,
  type OutcomeLike,
  terminalSafe,
} from "./progress.ts";
import { runFeedsInStages } from "./scheduler.ts";
import { createLocalSubscriptionStack, type LocalSubscriptionStack } from "./subscriptions.ts";

/** Flagged articles stored in a cycle (new stories or new sources: the feeds changed). */
function flaggedIn(outcomes: OutcomeLike[]): number {
  return outcomes.reduce((sum, outcome) => sum + outcome.flagged, 0);
}

/** The table's name inside the embedded DynamoDB (any valid name works: the store takes it as given). */
export const LOCAL_TABLE_NAME = "heistwatch";

/** Where local mode writes what a person reads. */
export interface Output {
  /** Progress lines and alert cards (stdout). */
  out(text: string): void;
  /** Problems (stderr). */
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

export interface LocalStackOptions {
  config: LocalConfig;
  feeds: FeedConfig[];
  /** Null: in-memory (nothing persisted). */
  dataDir: string | null;
  output: Output;
  /** Print pipeline info/warn logs too (default: errors only; progress lines say the rest). */
  verbose?: boolean;
  clock?: Clock;
  /** Extra fetch settings (tests shorten timeouts). */
  fetchOptions?: FetchOptions;
  /** Extra pipeline settings (e.g. maxAlertAgeHours). */
  pipeline?: Partial<Pick<PipelineDeps, "maxAlertAgeHours" | "storyWindowHours" | "minAlertScore">>;
}

export interface LocalStack {
  store: DynamoStore;
  /** Public sign-up: subscribers in the embedded DynamoDB, mail through SMTP (see subscriptions.ts). */
  subscriptions: LocalSubscriptionStack;
  dynamo: EmbeddedDynamo;
  /** Runs one poll cycle over the due feeds, printing progress. Throws only on systemic failure. */
  runCycle(signal?: AbortSignal): Promise<CycleSummary>;
  /** Serves the API (same handler as the Lambda) on config.port/host. */
  serveApi(port?: number): Promise<ApiServer>;
  /** Closes the API server (if any) and the embedded DynamoDB (flushing LevelDB). Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the embedded DynamoDB (creating the table on first use) and wires the pipeline around it.
 * Throws DataDirError when the data directory cannot be used.
 */
export async function openLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { config, feeds, output } = options;
  const clock = options.clock ?? (() => new Date());
  const dynamo = await startEmbeddedDynamo(options.dataDir);
  try {
    await createTable(dynamo.client, LOCAL_TABLE_NAME);
  } catch (error) {
    await dynamo.close();
    throw error;
  }
  const store = createDynamoStore({
    client: dynamo.client,
    tableName: LOCAL_TABLE_NAME,
    clock,
    coalesceMs: STORE_COALESCE_MS,
  });
  const log = consoleLog(output, options.verbose ?? false);
  let api: ApiServer | undefined;
  const subscriptions = createLocalSubscriptionStack({
    config,
    client: dynamo.client,
    tableName: LOCAL_TABLE_NAME,
    clock,
    log,
    output,
    baseUrl: () =>
      (config.publicUrl ?? api?.url ?? `http://${config.host}:${config.port}`).replace(/\/+$/, ""),
  });
  const notifier = localNotifier(config, output, subscriptions.mailSink);
  const gate: HostGate = createHostGate(config.hostGapMs);
  let cycleNumber = 0;

  const fetcher = createHttpFetcher({
    ...options.fetchOptions,
    allowAddresses: [...config.allowPrivateAddresses, ...(options.fetchOptions?.allowAddresses ?? [])],
  });
  // Fetches get their own signal: shutdown first stops new feeds, and aborts in-flight fetches
  // only if they outlast the grace period (an aborted fetch counts as a feed failure).
  const deps = (fetchSignal?: AbortSignal): PipelineDeps => ({
    store,
    notifier,
    clock,
    log,
    threshold: config.threshold,
    ...(config.storyWindowHours === undefined ? {} : { storyWindowHours: config.storyWindowHours }),
    ...options.pipeline,
    fetcher,
    ...(fetchSignal ? { signal: fetchSignal } : {}),
  });

  // WebSub: the hub is told about the feeds this process serves, by the URL the feeds name
  // themselves with (the configured public URL, else the API's address once it listens).
  const pinger = config.websubHub
    ? createWebSubPinger({ hubUrl: config.websubHub, allowAddresses: config.allowPrivateAddresses })
    : undefined;
  const websub = () =>
    pinger
      ? { pinger, baseUrl: config.publicUrl ?? api?.url ?? `http://${config.host}:${config.port}` }
      : undefined;

  async function runCycle(signal?: AbortSignal): Promise<CycleSummary> {
    const cycle = ++cycleNumber;
    const started = performance.now();
    const fetchAbort = new AbortController();
    // Every in-flight fetch listens on this one signal; more than 10 is expected, not a leak.
    setMaxListeners(0, fetchAbort.signal);
    const onStop = () =>
      setTimeout(() => fetchAbort.abort(), config.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS).unref();
    signal?.addEventListener("abort", onStop, { once: true });
    try {
      const pipeline = deps(fetchAbort.signal);
      const retriedAlerts = await retryPendingAlerts(pipeline);
      const states = await store.listFeedStates();
      const now = clock();
      const due = dueFeeds(feeds, states, now);
      const dueIds = new Set(due.map((f) => f.id));
      output.out(`\ncycle ${cycle}: polling ${due.length} of ${feeds.length} feeds`);
      const waiting = waitingOutcomes(
        feeds.filter((f) => !dueIds.has(f.id)),
        states,
      );
      for (const outcome of waiting) output.out(formatFeedLine(outcome));

      // This process alone writes the feed states (the data directory is locked), so the ones just
      // listed are current: each poll starts from them instead of reading its own again.
      const stateOf = new Map(states.map((state) => [state.feedId, state]));
      const runs = await runFeedsInStages(
        due,
        (feed) => fetchForPoll(feed, pipeline, { state: stateOf.get(feed.id) ?? null }),
        (fetched) => storeFetchedPoll(fetched, pipeline),
        {
          concurrency: config.concurrency,
          gate,
          signal,
          onDone: (run) => {
            if (run.status === "done") output.out(formatFeedLine(run.result));
            else if (run.status === "threw") output.out(formatCrashLine(run.feed.name, run.error));
          },
        },
      );
      const outcomes: OutcomeLike[] = [...waiting];
      let notStarted = 0;
      for (const run of runs) {
        if (run.status === "done") outcomes.push(run.result);
        else if (run.status === "not-started") notStarted++;
        else outcomes.push(crashOutcome(run.feed, run.error));
      }
      const summary: CycleSummary = {
        cycle,
        configured: feeds.length,
        due: due.length,
        outcomes,
        notStarted,
        retriedAlerts,
        durationMs: performance.now() - started,
      };
      output.out(formatCycleSummary(summary));
      await announceNewStories(websub(), flaggedIn(outcomes), log);
      const hint = offlineHint(summary);
      if (hint) output.out(hint);
      await subscriptions.sendDueDigests(store);
      return summary;
    } finally {
      signal?.removeEventListener("abort", onStop);
    }
  }

  return {
    store,
    subscriptions,
    dynamo,
    runCycle,
    async serveApi(port = config.port) {
      // Links use the configured public URL, else the address the server listens on (known once
      // it listens), never a request's Host header.
      const ready: { handler?: ApiGatewayHandler } = {};
      api = await startApiServer((event) => ready.handler!(event), {
        port,
        host: config.host,
        ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
        onError: (error) => output.err(`api: request failed: ${errorText(error)}`),
      });
      const baseUrl = (config.publicUrl ?? api.url).replace(/\/+$/, "");
      ready.handler = createApiGatewayHandler(
        createApi({
          reader: store,
          feedStates: store,
          log,
          site: {
            ...DEFAULT_SITE,
            title: "heistwatch (local)",
            baseUrl,
            ...(config.websubHub ? { hubUrl: config.websubHub } : {}),
          },
          subscriptions: subscriptions.routes,
        }),
      );
      return api;
    },
    async close() {
      await api?.close().catch(() => undefined);
      subscriptions.close();
      await dynamo.close();
    },
  };
}

/**
 * Feeds polled side by side share batch requests made within this long of each other (see
 * dynamo-coalesce.ts): a few milliseconds per feed, against hundreds of requests fewer per cycle.
 */
const STORE_COALESCE_MS = 10;

/** Whether a cycle's failures are systemic (the store, not the feeds): every polled feed failed on storage. */
export function isSystemicFailure(summary: CycleSummary): boolean {
  const polled = summary.outcomes.filter((o) => o.status !== "skipped");
  return (
    polled.length > 0 &&
    polled.every((o) => o.status === "failed" && (o.kind === "store" || o.kind === "internal"))
  );
}

function localNotifier(config: LocalConfig, output: Output, mailSink: NamedNotifier | null): Notifier {
  const sinks: NamedNotifier[] = [{ name: "console", notifier: createConsoleNotifier((t) => output.out(t)) }];
  if (config.webhookUrl)
    sinks.push({ name: "webhook", notifier: createWebhookNotifier({ url: config.webhookUrl }) });
  if (mailSink) sinks.push(mailSink);
  const fanout = createFanoutNotifier(sinks);
  return {
    async send(alert) {
      // Local sinks are one "everything" subscriber: each story once (new), then its escalations;
      // the corroborated message exists for corroborated-only subscriptions (docs/deploy.md).
      if (alert.kind !== "new" && alert.kind !== "update") return;
      try {
        await fanout.send(alert);
      } catch (error) {
        output.err(
          `alert "${terminalSafe(alert.story.title, 80)}" not delivered: ${errorText(error)}; it stays pending and is retried next cycle`,
        );
        throw error;
      }
    },
  };
}

function waitingOutcomes(feeds: FeedConfig[], states: FeedState[]): PollOutcome[] {
  const byId = new Map(states.map((s) => [s.feedId, s]));
  return feeds.map((feed) => {
    const state = byId.get(feed.id);
    const next = state?.nextPollAt ? new Date(state.nextPollAt).toISOString().slice(11, 19) : "later";
    const why = state?.consecutiveFailures
      ? `backing off after ${state.consecutiveFailures} failure${state.consecutiveFailures === 1 ? "" : "s"} (${state.lastStatus}); next try ${next} UTC`
      : `next poll ${next} UTC`;
    return {
      feedId: feed.id,
      feedName: feed.name,
      status: "skipped",
      message: why,
      fetched: 0,
      new: 0,
      flagged: 0,
      alerts: 0,
      durationMs: 0,
    };
  });
}

function crashOutcome(feed: FeedConfig, error: unknown): PollOutcome {
  return {
    feedId: feed.id,
    feedName: feed.name,
    status: "failed",
    kind: "internal",
    message: errorText(error),
    fetched: 0,
    new: 0,
    flagged: 0,
    alerts: 0,
    durationMs: 0,
  };
}

/** The pipeline's Log for a terminal: errors always, the rest only when verbose; one line each. */
function consoleLog(output: Output, verbose: boolean): Log {
  const line = (level: string, message: string, extra?: Record<string, unknown>) =>
    output.err(
      `${level}: ${terminalSafe(message)}${extra ? ` ${terminalSafe(JSON.stringify(extra), 400)}` : ""}`,
    );
  return {
    debug: () => {},
    info: (message, extra) => verbose && line("info", message, extra),
    warn: (message, extra) => verbose && line("warn", message, extra),
    error: (message, extra) => line("error", message, extra),
  };
}
