/**
 * Per-host politeness: at most one request in flight to a host, and at least `gapMs` between the
 * end of one request to a host and the start of the next. Feeds on different hosts run freely.
 */

export interface HostGate {
  /** Runs `task` when `host` is free and its gap has passed; resolves/rejects with the task. */
  run<T>(host: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/** Thrown into waiting tasks when the signal aborts before their turn came. */
export class GateAbortedError extends Error {
  override name = "GateAbortedError";
}

/** Creates a gate; `now` and `sleep` are injectable so tests need not wait on the wall clock. */
export function createHostGate(
  gapMs: number,
  deps: { now?: () => number; sleep?: (ms: number, signal?: AbortSignal) => Promise<void> } = {},
): HostGate {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? abortableSleep;
  // Per host: the tail of its queue, and when its last request finished.
  const tails = new Map<string, Promise<void>>();
  const lastDone = new Map<string, number>();

  return {
    run(host, task, signal) {
      const previous = tails.get(host) ?? Promise.resolve();
      const result = previous.then(async () => {
        if (signal?.aborted) throw new GateAbortedError("stopped before its turn");
        const wait = (lastDone.get(host) ?? Number.NEGATIVE_INFINITY) + gapMs - now();
        if (wait > 0) await sleep(wait, signal);
        if (signal?.aborted) throw new GateAbortedError("stopped before its turn");
        try {
          return await task();
        } finally {
          lastDone.set(host, now());
        }
      });
      const tail = result.then(
        () => {},
        () => {},
      );
      tails.set(host, tail);
      // Forget idle hosts so a long-running process does not grow the map forever.
      void tail.then(() => {
        if (tails.get(host) === tail) tails.delete(host);
      });
      return result;
    },
  };
}

/** setTimeout as a promise that resolves early (without throwing) when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * The server a feed URL talks to, as politeness sees it: hostname plus an explicit port
 * (default ports dropped), so two local test servers on one address count as two hosts.
 */
export function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}
