/**
 * Joins small batch calls made close together (one per feed, from feeds polled side by side)
 * into full DynamoDB batch requests: 20 known-id reads from each of five feeds become one
 * BatchGetItem of 100 keys, and the feed states of a whole cycle a few BatchWriteItems. A request
 * costs the same fixed work (signing, HTTP, the service's own per-request overhead) whatever it
 * carries, so fewer, fuller requests cost less. Each caller still gets its own answer, or its
 * own error when the shared request failed.
 */

export interface CoalesceOptions<I> {
  /** Most items one flush takes (the DynamoDB batch limit: 100 keys to read, 25 items to write). */
  maxBatch: number;
  /** How long the first queued item waits for company before its batch goes anyway. */
  waitMs: number;
  /** Items with the same key share one slot in a batch (a batch must not repeat a key); the last one added is sent. */
  keyOf: (item: I) => string;
}

/** Sends one batch; answers by key for every item in it (or throws for the whole batch). */
export type BatchFlush<I, R> = (items: I[]) => Promise<Map<string, R>>;

interface Slot<I, R> {
  item: I;
  waiters: Array<{ resolve: (result: R) => void; reject: (error: unknown) => void }>;
}

/**
 * Returns `add(items)`: queues the items, resolves with their answers in the same order once
 * the batches holding them are flushed, and rejects when any of those batches failed.
 */
export function coalesce<I, R>(
  flush: BatchFlush<I, R>,
  options: CoalesceOptions<I>,
): (items: I[]) => Promise<R[]> {
  let pending = new Map<string, Slot<I, R>>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = new Map();
    if (batch.size === 0) return;
    const settle = (answers: Map<string, R> | undefined, error?: unknown) => {
      for (const [key, slot] of batch) {
        const answer = answers?.get(key);
        for (const waiter of slot.waiters) {
          if (answers && answers.has(key)) waiter.resolve(answer as R);
          else waiter.reject(error ?? new Error(`batch returned no answer for ${key}`));
        }
      }
    };
    flush([...batch.values()].map((slot) => slot.item)).then(
      (answers) => settle(answers),
      (error: unknown) => settle(undefined, error),
    );
  };

  const addOne = (item: I) =>
    new Promise<R>((resolve, reject) => {
      const key = options.keyOf(item);
      const slot = pending.get(key);
      if (slot) {
        slot.item = item;
        slot.waiters.push({ resolve, reject });
      } else {
        pending.set(key, { item, waiters: [{ resolve, reject }] });
      }
      if (pending.size >= options.maxBatch) send();
      else timer ??= setTimeout(send, options.waitMs);
    });

  return (items) => Promise.all(items.map(addOne));
}
