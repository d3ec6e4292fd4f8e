/**
 * Lambda handler for the public API (API Gateway HTTP API, payload 2.0): GET /, /feed.json,
 * /feed.xml, /items/{id}, /stories/{id}, /status.json, and POST /subscriptions (public sign-up).
 * Thin: configuration and clients are built once per container; the work is in core/api and
 * core/subscriptions.
 *
 * Environment: TABLE_NAME (required); PUBLIC_BASE_URL (optional absolute http(s) URL used in
 * feed links, e.g. a custom domain; defaults to the domain the request arrived on);
 * SITE_TITLE (optional); ALERTS_TOPIC_ARN (sign-up on when set); SUBSCRIPTION_DLQ_ARN
 * (optional); SMS_SIGNUP_ENABLED ("true": phone sign-up with an SMS code); SIGNUP_* limits
 * (see core/subscriptions/limits.ts).
 *
 * Every log line of an invocation carries the Lambda request id (function_request_id) and API
 * Gateway's request id (api_request_id), so a 500 a reader reports can be found in the logs.
 */

import { SNSClient } from "@aws-sdk/client-sns";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { ENV } from "./contract.ts";
import { createDynamoRateLimiter, createDynamoSmsCodeStore } from "./adapters/dynamo-subscriptions.ts";
import { createSnsSmsSender } from "./adapters/sns-sms-sender.ts";
import type { SubscriptionRoutes } from "./core/api/subscription-routes.ts";
import { createSmsCodeRegistrar, verifySmsCode } from "./core/subscriptions/sms-verification.ts";
import { createDynamoClient, createDynamoStore } from "./adapters/dynamo-store.ts";
import { createSnsSubscriber } from "./adapters/sns-subscriber.ts";
import { createApiGatewayHandler } from "./core/api/apigw.ts";
import { createApi, DEFAULT_SITE } from "./core/api/app.ts";
import { readApiConfig } from "./core/api/config.ts";
import { readSignupLimits } from "./core/subscriptions/limits.ts";
import { asLog, logger } from "./logger.ts";

const config = readApiConfig(process.env);
const log = asLog(logger);
const dynamo = createDynamoClient();
const store = createDynamoStore({ client: dynamo, tableName: config.tableName });
const topicArn = process.env[ENV.alertsTopicArn]?.trim();

const handle = createApiGatewayHandler(
  createApi({
    reader: store,
    feedStates: store,
    log,
    // A burst of readers costs one query per page per 5 s; answers say max-age=60 anyway.
    cacheTtlMs: 5_000,
    site: {
      title: config.siteTitle ?? DEFAULT_SITE.title,
      description: DEFAULT_SITE.description,
      baseUrl: config.publicBaseUrl,
      hubUrl: config.websubHubUrl,
    },
    ...(topicArn ? { subscriptions: signupRoutes(topicArn) } : {}),
  }),
);

/** Sign-up on AWS: email through SNS's own double opt-in; phones (when enabled) after an SMS code. */
function signupRoutes(alertsTopicArn: string): SubscriptionRoutes {
  const sns = new SNSClient({});
  const clock = () => new Date();
  const subscriber = createSnsSubscriber({
    client: sns,
    topicArn: alertsTopicArn,
    deadLetterQueueArn: process.env[ENV.subscriptionDlqArn]?.trim() || undefined,
    log,
  });
  const smsEnabled = process.env[ENV.smsSignupEnabled] === "true";
  const codes = createDynamoSmsCodeStore({ client: dynamo, tableName: config.tableName });
  const smsCodes = createSmsCodeRegistrar({ store: codes, sender: createSnsSmsSender(sns), clock });
  return {
    signup: {
      registrar: {
        register: (request, policy) =>
          request.channel === "sms"
            ? smsCodes.register(request, policy)
            : subscriber.register(request, policy),
      },
      limiter: createDynamoRateLimiter({ client: dynamo, tableName: config.tableName }),
      limits: readSignupLimits(process.env, ENV.signupLimitsPrefix),
      smsEnabled,
      clock,
    },
    ...(smsEnabled
      ? {
          smsVerify: (body, contentType) =>
            verifySmsCode({ store: codes, subscribe: subscriber, clock }, body, contentType),
        }
      : {}),
  };
}

export async function handler(
  event: APIGatewayProxyEventV2,
  context?: Context,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (context) logger.addContext(context);
  logger.appendKeys({ api_request_id: event.requestContext?.requestId });
  try {
    return await handle(event);
  } finally {
    logger.removeKeys(["api_request_id"]);
  }
}
