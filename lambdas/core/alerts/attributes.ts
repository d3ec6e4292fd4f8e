/**
 * The message-attribute contract: what every published alert carries for subscription filter
 * policies to match (documented in docs/deploy.md, "Message attributes and filter policies").
 * kind, severity, score, amount_usd (only when stated), actor, corroborated,
 * news_for_corroborated, attribution. Pure: the SNS adapter passes these through as they are, and
 * local mode matches the same attributes (subscriptions/attributes.ts).
 */
import type { Alert } from "../model/types.ts";
import { isCorroborated } from "../stories/corroboration.ts";

/** An SNS message attribute (the shape PublishCommand takes). */
export interface AlertAttribute {
  DataType: "String" | "Number" | "String.Array";
  StringValue: string;
}

/**
 * SNS compares numbers only within -1e9..1e9 (five decimals); a larger amount is sent as the
 * largest it can compare, so `amount_usd >= 1e8` still matches a $1.5 billion theft.
 */
export const SNS_NUMBER_MAX = 1_000_000_000;

/** The attributes of one alert, in contract order. */
export function alertAttributes(alert: Alert): Record<string, AlertAttribute> {
  const { story } = alert;
  const attributes: Record<string, AlertAttribute> = {
    kind: { DataType: "String", StringValue: alert.kind },
    severity: { DataType: "String", StringValue: story.severity },
    score: { DataType: "Number", StringValue: String(story.score) },
  };
  if (story.amountUsd !== null && Number.isFinite(story.amountUsd) && story.amountUsd > 0) {
    const amount = Math.min(Math.round(story.amountUsd), SNS_NUMBER_MAX);
    attributes.amount_usd = { DataType: "Number", StringValue: String(amount) };
  }
  // Filter policies match String.Array members one by one ({"actor": ["APT38"]}); no actor, no attribute.
  if (story.actors.length > 0) {
    attributes.actor = { DataType: "String.Array", StringValue: JSON.stringify(story.actors) };
  }
  attributes.corroborated = { DataType: "String", StringValue: String(isCorroborated(story)) };
  attributes.news_for_corroborated = {
    DataType: "String",
    StringValue: String(isNewsForCorroborated(alert)),
  };
  attributes.attribution = { DataType: "String", StringValue: story.attribution ?? "none" };
  return attributes;
}

/**
 * Whether subscribers of corroborated stories only are to get this message: the first message
 * that says corroborated=true (a `new` of a story corroborated from the start, or the one
 * `corroborated` message), then the updates of a corroborated story, except the update that
 * accompanies a `corroborated` message whose state it already carries (the arrival that
 * corroborated the story also escalated it). So each subscriber gets one message per arrival.
 */
export function isNewsForCorroborated(alert: Pick<Alert, "kind" | "story" | "newsForCorroborated">): boolean {
  if (alert.kind === "corroborated") return true;
  return isCorroborated(alert.story) && alert.newsForCorroborated !== false;
}
