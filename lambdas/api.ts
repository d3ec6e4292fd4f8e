/**
 * Lambda handler for the public API (API Gateway HTTP API, payload 2.0): GET /, /feed.json,
 * /feed.xml, /items/{id}, /stories/{id} and /status.json. Thin: configuration and clients are built once per container;
 * the work is in core/api.
 *
 * Environment: TABLE_NAME (required); PUBLIC_BASE_URL (optional absolute http(s) URL used in
 * feed links, e.g. a custom domain; defaults to the domain the request arrived on);
 * SITE_TITLE (optional).
 *
 * Every log line of an invocation carries the Lambda request id (function_request_id) and API
 * Gateway's request id (api_request_id), so a 500 a reader reports can be found in the logs.
 */

import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { createDynamoClient, createDynamoStore } from "./adapters/dynamo-store.ts";
import { createApiGatewayHandler } from "./core/api/apigw.ts";
import { createApi, DEFAULT_SITE } from "./core/api/app.ts";
import { readApiConfig } from "./core/api/config.ts";
import { asLog, logger } from "./logger.ts";

const config = readApiConfig(process.env);
const log = asLog(logger);
const store = createDynamoStore({ client: createDynamoClient(), tableName: config.tableName });

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
    },
  }),
);

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
