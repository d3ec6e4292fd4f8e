/**
 * Message attributes of an alert, in the shape subscription filter policies match (see
 * types.ts for the contract). Pure, so the SNS notifier and the local mailer derive them the
 * same way and a filter means the same thing on both paths.
 */
import { independentSources } from "../alerts/messages.ts";
import type { Alert, Severity } from "../model/types.ts";
import type { DigestPeriod, MessageAttributes } from "./types.ts";

/** What an alert says about itself; `kind` is wider than Alert["kind"] so publishers may add kinds. */
export interface AlertLike {
  kind: Alert["kind"] | "corroborated";
  story: Alert["story"];
}

/** Attributes of one instant alert (new, update or corroborated). */
export function alertAttributes(alert: AlertLike): MessageAttributes {
  const { story } = alert;
  const attributes: MessageAttributes = {
    kind: { type: "String", value: alert.kind },
    severity: { type: "String", value: story.severity },
    score: { type: "Number", value: story.score },
    corroborated: { type: "String", value: String(independentSources(story) >= 2) },
    // Filter policies match String.Array members one by one; an empty array would match nothing
    // and SNS rejects it, so "none" stands for no named actor.
    actor:
      story.actors.length > 0
        ? { type: "String.Array", value: story.actors }
        : { type: "String", value: "none" },
  };
  if (story.amountUsd !== null) attributes.amount_usd = { type: "Number", value: story.amountUsd };
  return attributes;
}

/**
 * Attributes of one digest: its period, the severity tier it lists (stories at or above it) and
 * every actor named in it, so digest subscribers' policies pick exactly one tier's digest.
 */
export function digestAttributes(period: DigestPeriod, tier: Severity, actors: string[]): MessageAttributes {
  return {
    kind: { type: "String", value: "digest" },
    period: { type: "String", value: period },
    severity: { type: "String", value: tier },
    actor: actors.length > 0 ? { type: "String.Array", value: actors } : { type: "String", value: "none" },
  };
}
