/**
 * The Notifier port on SNS: one Publish per alert, with a per-protocol body (email, SMS) and
 * message attributes that subscription filter policies can match (score, severity, actor...).
 * Every message carries the alert's stable delivery id, as the `delivery_id` attribute and as
 * the email/default body's last line, so a receiver can drop a redelivery.
 */
import {
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  type SNSClient,
} from "@aws-sdk/client-sns";
import {
  alertEmailText,
  alertSmsText,
  alertSubject,
  deliveryId,
  independentSources,
} from "../core/alerts/messages.ts";
import type { Notifier } from "../core/model/ports.ts";
import type { Alert } from "../core/model/types.ts";
import { recordAttributes } from "../core/record/record-view.ts";

/** SNS's limit is 256 KB in bytes, message and attributes together; keep headroom for the attributes. */
export const MAX_MESSAGE_BYTES = 256 * 1024 - 6 * 1024;

export interface SnsNotifierOptions {
  client: SNSClient;
  topicArn: string;
}

/** Builds the exact PublishCommand input for an alert (exported so tests and tools can inspect it). */
export function publishInput(alert: Alert, topicArn: string): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: alertSubject(alert),
    MessageStructure: "json",
    Message: messageJson(alert),
    MessageAttributes: messageAttributes(alert),
  };
}

/** Creates a Notifier that publishes to one SNS topic; send() throws when Publish fails. */
export function createSnsNotifier(options: SnsNotifierOptions): Notifier {
  return {
    async send(alert) {
      await options.client.send(new PublishCommand(publishInput(alert, options.topicArn)));
    },
  };
}

/** The body's last line, naming the delivery id (kept when a long body is truncated). */
export function deliveryIdLine(alert: Alert): string {
  return `\n\nDelivery id: ${deliveryId(alert)}`;
}

function messageJson(alert: Alert): string {
  const email = alertEmailText(alert);
  const sms = alertSmsText(alert);
  const footer = deliveryIdLine(alert);
  const build = (body: string) =>
    JSON.stringify({ default: `${body}${footer}`, email: `${body}${footer}`, sms });
  const whole = build(email);
  if (Buffer.byteLength(whole, "utf8") <= MAX_MESSAGE_BYTES) return whole;
  // Multi-byte text counts by bytes: binary-search the longest email prefix (in code points,
  // so no emoji is split) whose message fits; the body appears twice (default and email).
  const points = Array.from(email);
  const marker = "\n[truncated]";
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    const fits =
      Buffer.byteLength(build(points.slice(0, middle).join("") + marker), "utf8") <= MAX_MESSAGE_BYTES;
    if (fits) low = middle;
    else high = middle - 1;
  }
  return build(points.slice(0, low).join("") + marker);
}

function messageAttributes(alert: Alert): Record<string, MessageAttributeValue> {
  const { story } = alert;
  const attributes: Record<string, MessageAttributeValue> = {
    score: { DataType: "Number", StringValue: String(story.score) },
    severity: { DataType: "String", StringValue: story.severity },
    corroborated: { DataType: "String", StringValue: String(independentSources(story) >= 2) },
    kind: { DataType: "String", StringValue: alert.kind },
    attribution: { DataType: "String", StringValue: story.attribution ?? "none" },
    delivery_id: { DataType: "String", StringValue: deliveryId(alert) },
  };
  // Filter policies match String.Array members individually ({"actor": ["APT38"]}).
  attributes.actor =
    story.actors.length > 0
      ? { DataType: "String.Array", StringValue: JSON.stringify(story.actors) }
      : { DataType: "String", StringValue: "none" };
  return { ...attributes, ...recordAttributes(story) };
}
