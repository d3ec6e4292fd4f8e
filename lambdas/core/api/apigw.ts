/**
 * Translation between API Gateway HTTP API events (payload format 2.0) and the API core's
 * request/response shape. Types only from aws-lambda; no SDK. The local node:http server
 * builds the same events, so `npm start` exercises this code too.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import type { RepeatLookup } from "./answer-cache.ts";
import type { ApiApp } from "./app.ts";
import type { ApiRequest, ApiResponse } from "./http.ts";

/** The Lambda handler signature the API exposes (and the local server calls). */
export type ApiGatewayHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

// Links are built from the domain API Gateway (or the local server) says it answered on, never
// from the client's Host header; and only from a plain host[:port].
const HOST = /^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$/;

/**
 * The front of rawPath that names a non-default stage ("/prod"), or "": HTTP APIs keep a named
 * stage at the front of rawPath, and routes are written without it.
 */
function stagePrefix(rawPath: string, stage: string | undefined): string {
  if (!stage || stage === "$default") return "";
  const prefix = `/${stage}`;
  return rawPath === prefix || rawPath.startsWith(`${prefix}/`) ? prefix : "";
}

/** The origin links are built on: API Gateway's own domain and scheme, with a named stage's prefix. */
function originOf(host: string | undefined, proto: "http" | "https", prefix: string): string | undefined {
  return host && HOST.test(host) ? `${proto}://${host}${prefix}` : undefined;
}

// API Gateway (and the local server) set x-forwarded-proto to their own scheme.
const protoOf = (header: string | undefined): "http" | "https" => (header === "http" ? "http" : "https");

/** The request as the core sees it; a named stage's "/stage" prefix moves from the path to the origin. */
export function fromApiGatewayEvent(event: APIGatewayProxyEventV2): ApiRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;

  const rawPath = event.rawPath || "/";
  const prefix = stagePrefix(rawPath, event.requestContext?.stage);
  return {
    method: (event.requestContext?.http?.method ?? "GET").toUpperCase(),
    path: rawPath.slice(prefix.length) || "/",
    rawQuery: event.rawQueryString ?? "",
    headers,
    origin: originOf(event.requestContext?.domainName, protoOf(headers["x-forwarded-proto"]), prefix),
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

/**
 * Wraps the API core as a payload-2.0 Lambda handler. A repeated feed request (see
 * answer-cache.ts) is answered from the event's own fields, with no ApiRequest built, and gets
 * the very result object the first such request got: a hit allocates nothing here. That relies
 * on payload 2.0's lower-case header names (API Gateway's and the local server's events have
 * them); a body, or a method other than GET or HEAD, always goes the whole way.
 */
export function createApiGatewayHandler(app: ApiApp): ApiGatewayHandler {
  const results = new WeakMap<ApiResponse, APIGatewayProxyStructuredResultV2>();
  const resultOf = (response: ApiResponse) => {
    let result = results.get(response);
    if (!result) results.set(response, (result = toApiGatewayResult(response)));
    return result;
  };
  // The origin of the last request, reused while domain, scheme and stage stay the same.
  let seen = { host: "", proto: "https", prefix: "", origin: undefined as string | undefined };
  const repeated = (event: APIGatewayProxyEventV2, repeat: RepeatLookup) => {
    const context = event.requestContext;
    const method = context?.http?.method;
    if ((method !== "GET" && method !== "HEAD") || event.body !== undefined || !event.headers)
      return undefined;
    const { headers } = event;
    const rawPath = event.rawPath || "/";
    const prefix = stagePrefix(rawPath, context.stage);
    const host = context.domainName ?? "";
    const proto = protoOf(headers["x-forwarded-proto"]);
    if (host !== seen.host || proto !== seen.proto || prefix !== seen.prefix) {
      seen = { host, proto, prefix, origin: originOf(host, proto, prefix) };
    }
    const path = prefix ? rawPath.slice(prefix.length) || "/" : rawPath;
    const { rawQueryString = "" } = event;
    return repeat(
      method,
      path,
      rawQueryString,
      seen.origin,
      headers["accept-encoding"],
      headers["if-none-match"],
    );
  };
  return async (event) => {
    const hit = app.repeat && repeated(event, app.repeat);
    return resultOf(hit ?? (await app(fromApiGatewayEvent(event))));
  };
}
