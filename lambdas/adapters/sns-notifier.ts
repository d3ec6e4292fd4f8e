/**
 * The Notifier port on SNS: one Publish per alert, with a per-protocol body (email, SMS) and
 * the message attributes of the contract in core/alerts/attributes.ts, which subscription
 * filter policies match (kind, severity, score, amount_usd, actor, corroborated).
 * Every message also carries the alert's stable delivery id, as the `delivery_id` attribute and as
 * the email/default body's last line, so a receiver can drop a redelivery.
 */
import {
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  type SNSClient,
} from "@aws-sdk/client-sns";
import { alertAttributes } from "../core/alerts/attributes.ts";
import {
  alertEmailText,
  alertSmsText,
  alertSubject,
  deliveryId,
  type MessageOptions,
} from "../core/alerts/messages.ts";
import type { Notifier } from "../core/model/ports.ts";
import type { Alert } from "../core/model/types.ts";
import { recordAttributes } from "../core/record/record-view.ts";

/** SNS's limit is 256 KB in bytes, message and attributes together; keep headroom for the attributes. */
export const MAX_MESSAGE_BYTES = 256 * 1024 - 6 * 1024;

export interface SnsNotifierOptions extends MessageOptions {
  client: SNSClient;
  topicArn: string;
}

/** Builds the exact PublishCommand input for an alert (exported so tests and tools can inspect it). */
export function publishInput(
  alert: Alert,
  topicArn: string,
  options: MessageOptions = {},
): PublishCommandInput {
  return {
    TopicArn: topicArn,
    Subject: alertSubject(alert),
    MessageStructure: "json",
    Message: messageJson(alert, options),
    MessageAttributes: messageAttributes(alert),
  };
}

/** Creates a Notifier that publishes to one SNS topic; send() throws when Publish fails. */
export function createSnsNotifier(options: SnsNotifierOptions): Notifier {
  return {
    async send(alert) {
      const { client, topicArn, ...texts } = options;
      await client.send(new PublishCommand(publishInput(alert, topicArn, texts)));
    },
  };
}

/** The body's last line, naming the delivery id (kept when a long body is truncated). */
export function deliveryIdLine(alert: Alert): string {
  return `\n\nDelivery id: ${deliveryId(alert)}`;
}

function messageJson(alert: Alert, options: MessageOptions): string {
  const email = alertEmailText(alert, options);
  const sms = alertSmsText(alert, options);
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
  return {
    ...(alertAttributes(alert) satisfies Record<string, MessageAttributeValue>),
    delivery_id: { DataType: "String", StringValue: deliveryId(alert) },
    ...recordAttributes(alert.story),
  };
}
