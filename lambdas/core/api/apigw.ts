/**
 * Translation between API Gateway HTTP API events (payload format 2.0) and the API core's
 * request/response shape. Types only from aws-lambda; no SDK. The local node:http server
 * builds the same events, so `npm start` exercises this code too.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { ApiApp } from "./app.ts";
import type { ApiRequest, ApiResponse } from "./http.ts";

/** The Lambda handler signature the API exposes (and the local server calls). */
export type ApiGatewayHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

// Links are built from the domain API Gateway (or the local server) says it answered on, never
// from the client's Host header; and only from a plain host[:port].
const HOST = /^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$/;

/** The request as the core sees it; a named stage's "/stage" prefix moves from the path to the origin. */
export function fromApiGatewayEvent(event: APIGatewayProxyEventV2): ApiRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;

  const stage = event.requestContext?.stage;
  let path = event.rawPath || "/";
  let prefix = "";
  // HTTP APIs keep a non-default stage name at the front of rawPath; routes are written without it.
  if (stage && stage !== "$default" && (path === `/${stage}` || path.startsWith(`/${stage}/`))) {
    prefix = `/${stage}`;
    path = path.slice(prefix.length) || "/";
  }

  const host = event.requestContext?.domainName;
  const proto = headers["x-forwarded-proto"] === "http" ? "http" : "https";
  return {
    method: (event.requestContext?.http?.method ?? "GET").toUpperCase(),
    path,
    rawQuery: event.rawQueryString ?? "",
    headers,
    origin: host && HOST.test(host) ? `${proto}://${host}${prefix}` : undefined,
    requestId: event.requestContext?.requestId,
    ...(event.body !== undefined
      ? { body: event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body }
      : {}),
    clientIp: event.requestContext?.http?.sourceIp,
  };
}

/** The core's answer as an API Gateway structured result. */
export function toApiGatewayResult(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  // Compressed answers travel base64-encoded; API Gateway decodes them before sending.
  if (response.base64Body !== undefined) {
    return {
      statusCode: response.status,
      headers: response.headers,
      body: response.base64Body,
      isBase64Encoded: true,
    };
  }
  return {
    statusCode: response.status,
    headers: response.headers,
    body: response.body,
    isBase64Encoded: false,
  };
}

/** Wraps the API core as a payload-2.0 Lambda handler. */
export function createApiGatewayHandler(app: ApiApp): ApiGatewayHandler {
  return async (event) => toApiGatewayResult(await app(fromApiGatewayEvent(event)));
}
