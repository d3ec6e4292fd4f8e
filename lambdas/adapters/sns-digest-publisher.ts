/**
 * Publishes digests to the alerts topic: one message per digest (period and severity tier) with
 * attributes that only digest subscribers' filter policies accept (kind=digest, period, severity).
 */
import {
  type MessageAttributeValue,
  PublishCommand,
  type PublishCommandInput,
  type SNSClient,
} from "@aws-sdk/client-sns";
import { type Digest, digestSubject, digestText } from "../core/subscriptions/digest.ts";
import type { MessageAttributes } from "../core/subscriptions/types.ts";

/** The SDK's shape of message attributes (String.Array travels as a JSON array in StringValue). */
export function toSnsAttributes(attributes: MessageAttributes): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    out[name] = {
      DataType: attribute.type,
      StringValue:
        attribute.type === "String.Array" ? JSON.stringify(attribute.value) : String(attribute.value),
    };
  }
  return out;
}

/** SNS caps a message at 256 KB; a digest lists at most 50 stories, far below it. */
export function digestPublishInput(digest: Digest, topicArn: string): PublishCommandInput {
  const text = digestText(digest);
  const sms = `${digestSubject(digest)}. Details by mail or on the page.`;
  return {
    TopicArn: topicArn,
    Subject: digestSubject(digest),
    MessageStructure: "json",
    Message: JSON.stringify({ default: text, email: text, sms }),
    MessageAttributes: toSnsAttributes(digest.attributes),
  };
}

export async function publishDigest(client: SNSClient, topicArn: string, digest: Digest): Promise<void> {
  await client.send(new PublishCommand(digestPublishInput(digest, topicArn)));
}
