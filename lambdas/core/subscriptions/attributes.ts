/**
 * Message attributes of an alert, in the shape subscription filter policies match (see
 * types.ts for the contract). Read from the very attributes the SNS notifier publishes
 * (alerts/attributes.ts), so the local mailer and AWS match one set and a filter means the same
 * thing on both paths. Pure.
 */
import { alertAttributes as publishedAttributes } from "../alerts/attributes.ts";
import type { Alert, Severity } from "../model/types.ts";
import type { DigestPeriod, MessageAttribute, MessageAttributes } from "./types.ts";

/** What an alert says about itself. */
export type AlertLike = Pick<Alert, "kind" | "story"> &
  Partial<Pick<Alert, "reasons" | "newsForCorroborated">>;

/** Attributes of one instant alert (new, update or corroborated), as SNS would match them. */
export function alertAttributes(alert: AlertLike): MessageAttributes {
  return matchableAttributes(publishedAttributes({ reasons: [], ...alert }));
}

/** Published attributes (PublishCommand's MessageAttributes) in the shape match-policy.ts reads. */
export function matchableAttributes(
  published: Record<string, { DataType?: string; StringValue?: string }>,
): MessageAttributes {
  return Object.fromEntries(
    Object.entries(published).map(([name, attribute]) => [name, asMatched(attribute)]),
  );
}

function asMatched(attribute: { DataType?: string; StringValue?: string }): MessageAttribute {
  const text = attribute.StringValue ?? "";
  if (attribute.DataType === "Number") return { type: "Number", value: Number(text) };
  if (attribute.DataType === "String.Array")
    return { type: "String.Array", value: JSON.parse(text) as string[] };
  return { type: "String", value: text };
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
