/**
 * Progress a person can read: one line per feed per cycle, and a cycle summary with timings.
 * Every piece of text that came from a feed or a server is stripped of control characters, so a
 * hostile feed cannot move the cursor or recolour the terminal (ANSI escape injection).
 */
import type { PollOutcome } from "../../lambdas/core/polling/pipeline.ts";
import { oneLine } from "../../lambdas/core/text/characters.ts";
import { truncate } from "../../lambdas/core/text/truncate.ts";

/** What the pipeline reports for one feed. */
export type OutcomeLike = PollOutcome;

export interface CycleSummary {
  cycle: number;
  /** Feeds configured, and of those, due this cycle (the rest wait for their backoff). */
  configured: number;
  due: number;
  outcomes: OutcomeLike[];
  /** Feeds not started because shutdown began. */
  notStarted: number;
  /** Alerts from earlier cycles re-sent at the start of this one. */
  retriedAlerts: number;
  durationMs: number;
}

/**
 * Text safe to print on one terminal line (the text policy's `oneLine`: no controls, so no ANSI
 * escapes; no bidi or zero-width characters), capped at `max` code points.
 */
export function terminalSafe(text: string, max = 200): string {
  return truncate(oneLine(text), max);
}

const STATUS_LABEL: Record<OutcomeLike["status"], string> = {
  ok: "ok",
  "not-modified": "not modified",
  failed: "FAILED",
  skipped: "skipped",
};

/** `  ok            The Record                    25 items, 3 new, 1 flagged, 1 alert   412 ms` */
export function formatFeedLine(outcome: OutcomeLike): string {
  const label = STATUS_LABEL[outcome.status].padEnd(12);
  const name = terminalSafe(outcome.feedName, 32).padEnd(32);
  let detail: string;
  switch (outcome.status) {
    case "ok": {
      const parts = [`${outcome.fetched} items`, `${outcome.new} new`, `${outcome.flagged} flagged`];
      if (outcome.alerts > 0) parts.push(plural(outcome.alerts, "alert"));
      detail = parts.join(", ");
      break;
    }
    case "not-modified":
      detail = "unchanged since last poll";
      break;
    case "failed":
      detail = terminalSafe(
        [outcome.kind, outcome.message].filter((s): s is string => Boolean(s)).join(": ") || "unknown error",
      );
      break;
    case "skipped":
      detail = terminalSafe(outcome.message ?? "not due yet");
      break;
  }
  if (outcome.status === "skipped") return `  ${label}  ${name}  ${detail}`;
  return `  ${label}  ${name}  ${detail.padEnd(44)}  ${formatMs(outcome.durationMs).padStart(7)}`;
}

/** The line for a feed whose poll threw instead of returning an outcome (a bug or a store failure). */
export function formatCrashLine(feedName: string, error: unknown): string {
  return `  ${"FAILED".padEnd(12)}  ${terminalSafe(feedName, 32).padEnd(32)}  ${terminalSafe(errorText(error))}`;
}

/** `cycle 3 done in 4.2 s: 38 feeds due of 40 (30 ok, 5 not modified, 3 failed), 41 new, 2 flagged, 1 alert` */
export function formatCycleSummary(summary: CycleSummary): string {
  const count = (status: OutcomeLike["status"]) => summary.outcomes.filter((o) => o.status === status).length;
  const statuses = [
    `${count("ok")} ok`,
    `${count("not-modified")} not modified`,
    `${count("failed")} failed`,
    ...(count("skipped") ? [`${count("skipped")} skipped`] : []),
    ...(summary.notStarted ? [`${summary.notStarted} not started (shutting down)`] : []),
  ].join(", ");
  const sum = (key: "new" | "flagged" | "alerts") => summary.outcomes.reduce((n, o) => n + o[key], 0);
  const alerts = sum("alerts") + summary.retriedAlerts;
  const polled = summary.outcomes.filter((o) => o.status !== "skipped");
  const durations = polled.map((o) => o.durationMs).sort((a, b) => a - b);
  const slowest = polled.reduce<OutcomeLike | undefined>(
    (worst, o) => (!worst || o.durationMs > worst.durationMs ? o : worst),
    undefined,
  );
  const timing =
    durations.length > 0
      ? `; per feed median ${formatMs(durations[Math.floor(durations.length / 2)]!)}, slowest ${terminalSafe(slowest!.feedName, 32)} ${formatMs(slowest!.durationMs)}`
      : "";
  return (
    `cycle ${summary.cycle} done in ${formatMs(summary.durationMs)}: ` +
    `${summary.due} of ${plural(summary.configured, "feed")} due (${statuses}), ` +
    `${sum("new")} new, ${sum("flagged")} flagged, ${plural(alerts, "alert")}` +
    (summary.retriedAlerts ? ` (${summary.retriedAlerts} retried)` : "") +
    timing
  );
}

/**
 * A hint when every polled feed failed to connect (dns / network): the usual cause is a machine
 * with no network or a proxy, not sixteen broken sites. Null when the cycle looks otherwise.
 */
export function offlineHint(summary: CycleSummary): string | null {
  const polled = summary.outcomes.filter((o) => o.status !== "skipped");
  const offline = polled.filter((o) => o.status === "failed" && (o.kind === "dns" || o.kind === "network"));
  if (polled.length < 2 || offline.length !== polled.length) return null;
  return (
    "hint: every feed failed to connect (dns/network): is this machine offline or behind a proxy? " +
    "The loop keeps trying; `npm run demo` works with no network."
  );
}

/** 412 ms, 4.2 s, 3 min 5 s */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** A readable one-line reason from anything thrown. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`;
  return String(error);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
