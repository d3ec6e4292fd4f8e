/**
 * Lambda handler for the public API (API Gateway HTTP API, payload 2.0): GET /, /feed.json,
 * /feed.xml and /items/{id}, and POST /subscriptions (public sign-up). Thin: configuration and
 * clients are built once per container; the work is in core/api and core/subscriptions.
 *
 * Environment: TABLE_NAME (required); PUBLIC_BASE_URL (optional absolute http(s) URL used in
 * feed links, e.g. a custom domain; defaults to the domain the request arrived on);
 * SITE_TITLE (optional); ALERTS_TOPIC_ARN (sign-up on when set); SUBSCRIPTION_DLQ_ARN
 * (optional); SIGNUP_* limits (see core/subscriptions/limits.ts).
 */

import { SNSClient } from "@aws-sdk/client-sns";
import { ENV } from "./contract.ts";
import { createDynamoRateLimiter } from "./adapters/dynamo-subscriptions.ts";
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

export const handler = createApiGatewayHandler(
  createApi({
    reader: store,
    log,
    // A burst of readers costs one query per page per 5 s; answers say max-age=60 anyway.
    cacheTtlMs: 5_000,
    site: {
      title: config.siteTitle ?? DEFAULT_SITE.title,
      description: DEFAULT_SITE.description,
      baseUrl: config.publicBaseUrl,
    },
    ...(topicArn
      ? {
          subscriptions: {
            signup: {
              registrar: createSnsSubscriber({
                client: new SNSClient({}),
                topicArn,
                deadLetterQueueArn: process.env[ENV.subscriptionDlqArn]?.trim() || undefined,
                log,
              }),
              limiter: createDynamoRateLimiter({ client: dynamo, tableName: config.tableName }),
              limits: readSignupLimits(process.env, ENV.signupLimitsPrefix),
              // Phone sign-ups need a proof-of-ownership code first (not built yet): refused on AWS.
              smsEnabled: false,
              clock: () => new Date(),
            },
          },
        }
      : {}),
  }),
);
