/** Sends one transactional SMS straight to a number (sign-up codes), not through a topic. */
import { PublishCommand, type PublishCommandInput, type SNSClient } from "@aws-sdk/client-sns";
import type { SmsSender } from "../core/subscriptions/sms-verification.ts";

export function smsPublishInput(phone: string, text: string): PublishCommandInput {
  return {
    PhoneNumber: phone,
    Message: text,
    // Transactional: delivered with priority (a code is useless an hour later).
    MessageAttributes: { "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" } },
  };
}

export function createSnsSmsSender(client: SNSClient): SmsSender {
  return {
    async send(phone, text) {
      await client.send(new PublishCommand(smsPublishInput(phone, text)));
    },
  };
}
