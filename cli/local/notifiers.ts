/**
 * Local-mode notifiers: alert cards on the console, and a POST to a Slack- or Discord-style
 * incoming webhook. A failed webhook throws, so the pipeline keeps the alert pending and retries
 * it on a later cycle; the fan-out remembers which sinks already delivered, so a retry does not
 * print the same card twice.
 */
import { deliveryId } from "../../lambdas/core/alerts/messages.ts";
import type { Notifier } from "../../lambdas/core/model/ports.ts";
import type { Alert } from "../../lambdas/core/model/types.ts";
import { truncate } from "../../lambdas/core/text/truncate.ts";
import { alertPlainLines, formatAlertCard } from "./alert-card.ts";

/** Prints each alert as a card through `write` (default: stdout). Never fails. */
export function createConsoleNotifier(
  write: (text: string) => void = (t) => process.stdout.write(t),
): Notifier {
  return {
    async send(alert) {
      write(`\n${formatAlertCard(alert)}\n\n`);
    },
  };
}

/** A webhook that did not accept the alert (network error, timeout or non-2xx answer). */
export class WebhookError extends Error {
  override name = "WebhookError";
}

export interface WebhookOptions {
  url: string;
  /** Per-request deadline (default 10 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Header carrying the alert's stable delivery id (also in the body as `delivery_id`). */
export const DELIVERY_ID_HEADER = "X-Heistwatch-Delivery";

/**
 * POSTs `{ text, content, username, allowed_mentions, delivery_id }`: Slack reads `text` (mrkdwn,
 * with &, < and > escaped as Slack asks), Discord reads `content` (markdown escaped, mentions
 * disabled). Every POST of the same alert (a retry after a failure or a crash) carries the same
 * delivery id, in the body and in the X-Heistwatch-Delivery header, so a receiver can drop
 * repeats. Throws WebhookError naming the webhook's host (never the full URL: its path is the secret).
 */
export function createWebhookNotifier(options: WebhookOptions): Notifier {
  const doFetch = options.fetch ?? fetch;
  const host = new URL(options.url).host;
  return {
    async send(alert) {
      const payload = webhookPayload(alert);
      const body = JSON.stringify(payload);
      let response: Response;
      try {
        response = await doFetch(options.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "heistwatch (local mode)",
            [DELIVERY_ID_HEADER]: payload.delivery_id,
          },
          body,
          redirect: "error",
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        const reason = (error as Error).name === "TimeoutError" ? "no answer in time" : causeText(error);
        throw new WebhookError(`webhook ${host} unreachable: ${reason}`);
      }
      // Drain the body so the connection can be reused; its content is not needed.
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) {
        throw new WebhookError(`webhook ${host} answered HTTP ${response.status}`);
      }
    },
  };
}

/** The JSON body sent to the webhook. */
export interface WebhookPayload {
  username: string;
  text: string;
  content: string;
  allowed_mentions: { parse: string[] };
  /** The same for every delivery of this alert: receivers deduplicate on it. */
  delivery_id: string;
}

/** The JSON body sent to the webhook (lengths in code points, as Slack and Discord count). */
export function webhookPayload(alert: Alert): WebhookPayload {
  const lines = alertPlainLines(alert);
  return {
    username: "heistwatch",
    text: truncate(lines.map(slackEscape).join("\n"), 3000),
    // Discord rejects content over 2000 characters.
    content: truncate(lines.map(discordEscape).join("\n"), 1900),
    allowed_mentions: { parse: [] },
    delivery_id: deliveryId(alert),
  };
}

/** Slack mrkdwn: only &, < and > are control characters (they form links and mentions). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Discord markdown: backslash-escape formatting characters; break @mentions with a zero-width space. */
export function discordEscape(text: string): string {
  // URLs stay clickable unescaped; everything else gets its markdown neutralised.
  if (/^https?:\/\/\S+$/.test(text)) return text;
  return text.replace(/([\\*_~`|>#[\]()-])/g, "\\$1").replace(/@/g, "@\u200b");
}

function causeText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

/** One destination of a fan-out, named for error messages. */
export interface NamedNotifier {
  name: string;
  notifier: Notifier;
}

/**
 * Sends each alert to every sink. If any sink fails it throws (so the alert stays pending), but it
 * remembers the sinks that succeeded for that alert and skips them on the retry.
 */
export function createFanoutNotifier(sinks: NamedNotifier[], memory = 2000): Notifier {
  const delivered = new Map<string, Set<string>>();
  return {
    async send(alert) {
      const key = alertKey(alert);
      const done = delivered.get(key) ?? new Set<string>();
      const failures: string[] = [];
      for (const sink of sinks) {
        if (done.has(sink.name)) continue;
        try {
          await sink.notifier.send(alert);
          done.add(sink.name);
        } catch (error) {
          failures.push(`${sink.name}: ${(error as Error).message ?? String(error)}`);
        }
      }
      if (failures.length === 0) {
        delivered.delete(key);
        return;
      }
      delivered.delete(key);
      delivered.set(key, done);
      while (delivered.size > memory) delivered.delete(delivered.keys().next().value!);
      throw new Error(`alert not delivered (${failures.join("; ")})`);
    },
  };
}

function alertKey(alert: Alert): string {
  return `${alert.story.id}|${alert.kind}|${alert.reasons.join(",")}`;
}
