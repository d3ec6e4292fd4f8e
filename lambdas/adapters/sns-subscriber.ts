/**
 * The AWS registrar: subscribes an address to the alerts topic with the subscriber's filters as
 * the subscription's filter policy. SNS's own confirmation mail is the double opt-in, and its
 * unsubscribe link is in every mail it delivers.
 *
 * An address already subscribed with other filters makes SNS refuse ("already exists with
 * different attributes"): that is swallowed, so a repeated sign-up never changes an existing
 * subscription and the caller answers exactly as for a new address.
 */
import {
  InvalidParameterException,
  type SNSClient,
  SubscribeCommand,
  type SubscribeCommandInput,
} from "@aws-sdk/client-sns";
import type { Log } from "../core/model/ports.ts";
import type { SubscriptionRegistrar } from "../core/subscriptions/signup.ts";
import type { FilterPolicy, SignupRequest } from "../core/subscriptions/types.ts";

export interface SnsSubscriberOptions {
  client: SNSClient;
  topicArn: string;
  /** Where SNS parks notifications it could not deliver to this subscriber (optional). */
  deadLetterQueueArn?: string;
  log: Log;
}

/** The exact Subscribe input for a sign-up (exported for tests and tools). */
export function subscribeInput(
  request: SignupRequest,
  policy: FilterPolicy,
  topicArn: string,
  deadLetterQueueArn?: string,
): SubscribeCommandInput {
  const attributes: Record<string, string> = {
    FilterPolicyScope: "MessageAttributes",
    FilterPolicy: JSON.stringify(policy),
  };
  if (deadLetterQueueArn)
    attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: deadLetterQueueArn });
  return {
    TopicArn: topicArn,
    Protocol: request.channel === "email" ? "email" : "sms",
    Endpoint: request.address,
    Attributes: attributes,
    // The ARN even while confirmation is pending, for the log line (not "pending confirmation").
    ReturnSubscriptionArn: true,
  };
}

export function createSnsSubscriber(options: SnsSubscriberOptions): SubscriptionRegistrar {
  return {
    async register(request, policy) {
      try {
        const result = await options.client.send(
          new SubscribeCommand(subscribeInput(request, policy, options.topicArn, options.deadLetterQueueArn)),
        );
        // The address itself is not logged: the log is not a subscriber list.
        options.log.info("subscription requested", {
          channel: request.channel,
          subscriptionArn: result.SubscriptionArn,
        });
      } catch (error) {
        if (
          error instanceof InvalidParameterException &&
          /already exists|different attributes/i.test(error.message)
        ) {
          options.log.info("sign-up for an address already subscribed with other filters: left unchanged", {
            channel: request.channel,
          });
          return;
        }
        throw error;
      }
    },
  };
}
