/**
 * The local scheduler: polls a set of feeds with bounded concurrency and per-host politeness, and
 * repeats cycles on an interval until stopped. Generic over `pollOne`, so it knows nothing of
 * fetching, storing or alerting, and tests drive it with plain functions.
 */
import pLimit from "p-limit";
import type { FeedConfig } from "../../lambdas/core/model/types.ts";
import { abortableSleep, GateAbortedError, type HostGate, hostOf } from "./host-gate.ts";

/** One feed's result in a cycle: the poll's own result, or what it threw, or "not started". */
export type FeedRun<O> =
  | { feed: FeedConfig; status: "done"; result: O }
  | { feed: FeedConfig; status: "threw"; error: unknown }
  | { feed: FeedConfig; status: "not-started" };

export interface RunFeedsOptions<O> {
  concurrency: number;
  gate: HostGate;
  /** Aborting stops starting new feeds; feeds already started finish (their own timeouts bound them). */
  signal?: AbortSignal;
  /** Called as each feed finishes, in completion order (for progress lines). */
  onDone?: (run: FeedRun<O>) => void;
}

/**
 * Polls every feed once: at most `concurrency` at a time, one at a time per host with the gate's
 * gap, each isolated (one throwing never stops the others). Resolves in the input order.
 */
export async function runFeeds<O>(
  feeds: FeedConfig[],
  pollOne: (feed: FeedConfig, signal?: AbortSignal) => Promise<O>,
  options: RunFeedsOptions<O>,
): Promise<FeedRun<O>[]> {
  return runFeedsInStages(feeds, pollOne, async (result: O) => result, options);
}

/**
 * Like runFeeds for a poll in two stages: `fetchOne` talks to the feed's host and holds the host
 * (gate) and a fetch slot; `finishOne` (storing, scoring, alerting) runs after both are freed, at
 * most `concurrency` at a time, so it overlaps the next fetches instead of delaying them. A feed
 * whose fetch has finished is always finished, even after the signal aborts: nothing fetched is
 * dropped. Resolves in the input order.
 */
export async function runFeedsInStages<F, O>(
  feeds: FeedConfig[],
  fetchOne: (feed: FeedConfig, signal?: AbortSignal) => Promise<F>,
  finishOne: (fetched: F, feed: FeedConfig) => Promise<O>,
  options: RunFeedsOptions<O>,
): Promise<FeedRun<O>[]> {
  const fetchSlots = pLimit(options.concurrency);
  const finishSlots = pLimit(options.concurrency);
  const { signal, gate } = options;
  return Promise.all(
    interleaveByHost(feeds).map(async ({ feed, index }) => {
      let run: FeedRun<O>;
      try {
        const fetched = await gate.run(
          hostOf(feed.url),
          () =>
            fetchSlots(async () => {
              if (signal?.aborted) throw new GateAbortedError("stopped before its turn");
              return fetchOne(feed, signal);
            }),
          signal,
        );
        run = { feed, status: "done", result: await finishSlots(() => finishOne(fetched, feed)) };
      } catch (error) {
        run =
          error instanceof GateAbortedError
            ? { feed, status: "not-started" }
            : { feed, status: "threw", error };
      }
      options.onDone?.(run);
      return { index, run };
    }),
  ).then((runs) => runs.sort((a, b) => a.index - b.index).map((r) => r.run));
}

/**
 * Orders feeds round-robin across hosts (a, b, c, a, b, a...), so the first slots go to distinct
 * hosts instead of queueing behind one host's politeness gap.
 */
export function interleaveByHost(feeds: FeedConfig[]): Array<{ feed: FeedConfig; index: number }> {
  const byHost = new Map<string, Array<{ feed: FeedConfig; index: number }>>();
  feeds.forEach((feed, index) => {
    const host = hostOf(feed.url);
    const list = byHost.get(host) ?? [];
    list.push({ feed, index });
    byHost.set(host, list);
  });
  const queues = [...byHost.values()];
  const out: Array<{ feed: FeedConfig; index: number }> = [];
  for (let round = 0; out.length < feeds.length; round++) {
    for (const queue of queues) {
      const next = queue[round];
      if (next) out.push(next);
    }
  }
  return out;
}

export interface LoopOptions {
  /** Time between the starts of two cycles; a cycle that overruns is followed at once by the next. */
  intervalMs: number;
  signal: AbortSignal;
  /** Runs one cycle; an error it throws is reported to onCycleError and the loop goes on. */
  cycle: (signal: AbortSignal) => Promise<void>;
  onCycleError: (error: unknown) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** Runs cycles until the signal aborts; resolves after the last cycle has finished. */
export async function runLoop(options: LoopOptions): Promise<void> {
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;
  while (!options.signal.aborted) {
    const started = now();
    try {
      await options.cycle(options.signal);
    } catch (error) {
      options.onCycleError(error);
    }
    if (options.signal.aborted) break;
    await sleep(Math.max(0, started + options.intervalMs - now()), options.signal);
  }
}
