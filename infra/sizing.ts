/**
 * Function sizes and the schedule's cadence, kept free of aws-cdk-lib so the stack and the cost model
 * (`heistwatch cost`) read the same numbers.
 */
import { POLL_FEEDS_AT_ONCE } from "../lambdas/contract.ts";

/** Memory (MB) and timeout (s) of each function. */
export const FUNCTION_SIZES = {
  /** Lists feed states and starts a few async invocations: the runtime's own floor is plenty. */
  schedule: { memoryMb: 128, timeoutSeconds: 30 },
  /**
   * Memory: the measured peak over large real feeds, with headroom (docs/deploy.md#poll-memory).
   * Concurrency: feeds fetched at once by one invocation (env POLL_CONCURRENCY); polling is mostly
   * waiting on the network, so overlap shortens the billed duration, and the cap bounds peak memory.
   */
  poll: { memoryMb: 256, timeoutSeconds: 60, concurrency: POLL_FEEDS_AT_ONCE },
  /** Renders at most 100 stories from one Query. */
  api: { memoryMb: 256, timeoutSeconds: 10 },
  /** Reads at most a week of stories and publishes three digests, once a day. */
  digest: { memoryMb: 128, timeoutSeconds: 60 },
} as const;

/** How many times a day a schedule expression fires (rate exactly; cron from its minute and hour fields). */
export function cyclesPerDay(schedule: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (rate) {
    const n = Number(rate[1]);
    const minutes = rate[2]!.startsWith("minute") ? n : rate[2]!.startsWith("hour") ? n * 60 : n * 1440;
    return 1440 / minutes;
  }
  const cron = /^cron\((\S+) (\S+) /.exec(schedule);
  if (!cron) throw new Error(`not a schedule expression: ${schedule}`);
  // Day, month and weekday fields are taken as "every day": an upper bound, which is what a cost estimate wants.
  return cronFieldCount(cron[1]!, 60) * cronFieldCount(cron[2]!, 24);
}

/** Minutes between cycles, on average. */
export function scheduleIntervalMinutes(schedule: string): number {
  return 1440 / cyclesPerDay(schedule);
}

/** Values a cron minute or hour field matches: `*`, `n`, `a-b`, `*\/n`, `a-b/n`, and lists of them. */
function cronFieldCount(field: string, size: number): number {
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    let from = 0;
    let to = size - 1;
    if (range !== "*" && range !== "?") {
      const [a, b] = range!.split("-");
      from = Number(a);
      to = b === undefined ? (stepText === undefined ? from : size - 1) : Number(b);
    }
    if (![from, to, step].every(Number.isInteger) || step < 1) return size; // unknown syntax: assume every value
    for (let v = from; v <= to && v < size; v += step) values.add(v);
  }
  return Math.max(1, values.size);
}
