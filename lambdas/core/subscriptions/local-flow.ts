/**
 * Subscriptions in local mode, with real mail: double opt-in through our own confirmation link,
 * alerts and digests mailed to confirmed subscribers whose filter policy matches (the same policy
 * JSON AWS would set), one-click unsubscribe. Pure over the SubscriberStore and Mailer ports.
 */
import { alertEmailText, alertSubject } from "../alerts/messages.ts";
import type { Clock, Log, Notifier, StoryReader } from "../model/ports.ts";
import type { Alert } from "../model/types.ts";
import { alertAttributes } from "./attributes.ts";
import {
  buildDigests,
  type DigestSchedule,
  digestSubject,
  digestText,
  scheduledSlot,
  storiesBetween,
  digestWindow,
} from "./digest.ts";
import { confirmationMail, withUnsubscribe } from "./mails.ts";
import { matchesFilterPolicy } from "./match-policy.ts";
import type { Mailer, Subscriber, SubscriberStore } from "./ports.ts";
import type { SubscriptionRegistrar } from "./signup.ts";
import { hashToken, isToken, newToken } from "./tokens.ts";
import type { DigestPeriod, MessageAttributes } from "./types.ts";
import { randomUUID } from "node:crypto";

/** A pending sign-up's link works this long. */
export const CONFIRM_TTL_MS = 3 * 86_400_000;

export interface LocalSubscriptionsDeps {
  store: SubscriberStore;
  mailer: Mailer;
  /** The public base URL links point at (known once the server listens). */
  baseUrl: () => string;
  clock: Clock;
  log: Log;
}

export interface LocalSubscriptions {
  registrar: SubscriptionRegistrar;
  /** Confirms by the token of a confirmation link; false for an unknown or expired one. */
  confirm(token: string): Promise<boolean>;
  /** Ends the subscription of an unsubscribe link at once; false when the token is unknown. */
  unsubscribe(token: string): Promise<boolean>;
  /** Mails an alert to each confirmed subscriber whose policy matches it. */
  notifier: Notifier;
  /** Sends the digests whose scheduled time has passed and that were not sent yet; returns mails sent. */
  sendDueDigests(schedule: DigestSchedule, reader: StoryReader): Promise<number>;
}

export function createLocalSubscriptions(deps: LocalSubscriptionsDeps): LocalSubscriptions {
  const { store, mailer, clock } = deps;
  const link = (path: string, token: string) => `${deps.baseUrl()}${path}?token=${encodeURIComponent(token)}`;
  const unsubscribeUrl = (subscriber: Subscriber) =>
    link("/subscriptions/unsubscribe", subscriber.unsubscribeToken);
  // Which subscribers already got an alert, so a retry after a partial failure mails only the rest.
  const delivered = new Map<string, Set<string>>();

  async function deliver(
    attributes: MessageAttributes,
    compose: (subscriber: Subscriber) => { subject: string; text: string },
    key: string,
  ): Promise<number> {
    const subscribers = await store.listConfirmed();
    const done = delivered.get(key) ?? new Set<string>();
    const failures: string[] = [];
    let sent = 0;
    for (const subscriber of subscribers) {
      if (subscriber.channel !== "email" || done.has(subscriber.id)) continue;
      if (!matchesFilterPolicy(subscriber.policy, attributes)) continue;
      try {
        const { subject, text } = compose(subscriber);
        await mailer.send(
          withUnsubscribe({ to: subscriber.address, subject, text }, unsubscribeUrl(subscriber)),
        );
        done.add(subscriber.id);
        sent++;
      } catch (error) {
        failures.push((error as Error).message ?? String(error));
      }
    }
    delivered.delete(key);
    if (failures.length > 0) {
      delivered.set(key, done);
      while (delivered.size > 1000) delivered.delete(delivered.keys().next().value!);
      throw new Error(`mail to ${failures.length} subscriber(s) failed: ${failures[0]}`);
    }
    return sent;
  }

  return {
    registrar: {
      async register(request, policy) {
        const existing = await store.findByAddress(request.address);
        // A confirmed subscription is never changed and nothing is sent: the answer is the same anyway.
        if (existing?.status === "confirmed") return;
        const now = clock();
        const subscriber: Subscriber = {
          id: existing?.id ?? randomUUID(),
          channel: request.channel,
          address: request.address,
          filters: {
            minSeverity: request.minSeverity,
            actors: request.actors,
            corroboratedOnly: request.corroboratedOnly,
            digest: request.digest,
          },
          policy,
          status: "pending",
          unsubscribeToken: existing?.unsubscribeToken ?? newToken(),
          createdAt: now.toISOString(),
        };
        const token = newToken();
        const saved = await store.savePending(
          subscriber,
          hashToken(token),
          new Date(now.getTime() + CONFIRM_TTL_MS),
        );
        if (!saved) return;
        await mailer.send(confirmationMail(request, link("/subscriptions/confirm", token)));
      },
    },

    async confirm(token) {
      if (!isToken(token)) return false;
      const subscriber = await store.confirm(hashToken(token), clock());
      if (subscriber) deps.log.info("subscription confirmed", { id: subscriber.id });
      return subscriber !== null;
    },

    async unsubscribe(token) {
      if (!isToken(token)) return false;
      const removed = await store.remove(token);
      if (removed) deps.log.info("subscription ended", { id: removed.id });
      return removed !== null;
    },

    notifier: {
      async send(alert: Alert) {
        await deliver(
          alertAttributes(alert),
          () => ({ subject: alertSubject(alert), text: alertEmailText(alert) }),
          `${alert.story.id}|${alert.kind}|${alert.reasons.join(",")}`,
        );
      },
    },

    async sendDueDigests(schedule, reader) {
      const now = clock();
      let sent = 0;
      for (const period of ["daily", "weekly"] as DigestPeriod[]) {
        const slot = scheduledSlot(period, now, schedule);
        // Only the latest slot counts: a machine asleep for days sends one digest, not a backlog.
        if (!(await store.claimDigestSlot(slot.key))) continue;
        const window = digestWindow(period, slot.at);
        const stories = await storiesBetween(reader, window.from, window.to);
        for (const digest of buildDigests(period, stories, slot.at)) {
          sent += await deliver(
            digest.attributes,
            () => ({ subject: digestSubject(digest), text: digestText(digest) }),
            `${slot.key}|${digest.tier}`,
          );
        }
      }
      return sent;
    },
  };
}
