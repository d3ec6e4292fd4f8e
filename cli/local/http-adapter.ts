/**
 * A small node:http server that runs an API Gateway (HTTP API, payload 2.0) Lambda handler
 * locally: each request becomes an APIGatewayProxyEventV2, the handler is called exactly as
 * Lambda would call it, and its structured result is written back. `npm start` serves the
 * public feed with it, so local mode exercises the same handler code as AWS.
 *
 * The client's Host header never decides where links point: the event's domain and scheme
 * are the server's own address (or the configured public URL), as API Gateway's are its own,
 * so one request with a forged Host cannot poison a shared cache for everyone.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";

/** Any payload-2.0 handler (the API Lambda's `handler` fits). */
export type HttpApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

export interface ApiServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Interface to listen on; default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
  /** Where handler crashes are reported; default console.error. */
  onError?: (error: unknown) => void;
  /**
   * The public URL clients reach this server at (e.g. behind a reverse proxy); its host and
   * scheme become the event's domainName and x-forwarded-proto. Default: the listening address.
   */
  publicUrl?: string;
}

export interface ApiServer {
  /** Base URL, e.g. "http://127.0.0.1:8787". */
  url: string;
  close(): Promise<void>;
}

// API Gateway's own payload limit is 10 MB; this API takes no bodies, so 1 MB is plenty.
const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLargeError extends Error {
  constructor() {
    super(`request body larger than ${MAX_BODY_BYTES} bytes`);
    this.name = "BodyTooLargeError";
  }
}

const NO_BODY = Buffer.alloc(0);

/** The request body; a request with neither Content-Length nor Transfer-Encoding has none (RFC 9112 6.3). */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const { headers } = req;
  if (headers["transfer-encoding"] === undefined && (headers["content-length"] ?? "0") === "0")
    return NO_BODY;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Where the server is reached: the domain and scheme events report, whatever the client sent as Host. */
export interface ServerOrigin {
  /** host[:port], e.g. "127.0.0.1:8787". */
  domainName: string;
  protocol: "http" | "https";
}

/**
 * The event API Gateway would send for this request (headers lower-cased, repeats joined by
 * commas). domainName and x-forwarded-proto come from `origin`, never from the request.
 */
export function toHttpApiEvent(
  req: IncomingMessage,
  body: Buffer,
  origin: ServerOrigin,
  now = new Date(),
): APIGatewayProxyEventV2 {
  const target = req.url ?? "/";
  const queryAt = target.indexOf("?");
  const rawPath = (queryAt === -1 ? target : target.slice(0, queryAt)) || "/";
  const rawQueryString = queryAt === -1 ? "" : target.slice(queryAt + 1);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (name === "cookie") {
      cookies.push(...String(value).split(/;\s*/).filter(Boolean));
      continue;
    }
    headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  // API Gateway sets this header for its own scheme; a client's value is never believed.
  headers["x-forwarded-proto"] = origin.protocol;
  headers["x-forwarded-for"] = req.socket.remoteAddress ?? "127.0.0.1";

  const queryStringParameters: Record<string, string> = {};
  if (rawQueryString) {
    for (const [name, value] of new URLSearchParams(rawQueryString)) {
      queryStringParameters[name] =
        name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
    }
  }

  const method = (req.method ?? "GET").toUpperCase();
  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: "local",
      apiId: "local",
      domainName: origin.domainName,
      domainPrefix: origin.domainName.split(".")[0] ?? origin.domainName,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies.length) event.cookies = cookies;
  if (Object.keys(queryStringParameters).length) event.queryStringParameters = queryStringParameters;
  if (body.length) {
    event.body = body.toString("base64");
    event.isBase64Encoded = true;
  }
  return event;
}

/** A structured result as it goes on the wire: status, headers (with Content-Length) and body bytes. */
interface WireAnswer {
  status: number;
  headers: Record<string, string | number | string[]>;
  /** Empty for 204 and 304. */
  body: Buffer;
}

function toWire(result: APIGatewayProxyStructuredResultV2): WireAnswer {
  const status = result.statusCode ?? 200;
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers["Set-Cookie"] = result.cookies;
  // 204 and 304 carry no body and no length; a HEAD keeps the length the GET would have had.
  if (status === 204 || status === 304) return { status, headers, body: NO_BODY };
  const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8") : NO_BODY;
  headers["Content-Length"] = body.length;
  return { status, headers, body };
}

/**
 * Wire forms by result object. A handler that returns the same result object again (the API's
 * repeated feed answers, a constant) has its headers and bytes prepared once; results are not
 * changed after they are returned.
 */
const wireByResult = new WeakMap<APIGatewayProxyStructuredResultV2, WireAnswer>();

/** Writes a handler result the way API Gateway would (a bare string or object becomes a JSON 200). */
function writeResult(req: IncomingMessage, res: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (
    typeof result === "string" ||
    result === null ||
    typeof result !== "object" ||
    !("statusCode" in result)
  ) {
    const body = typeof result === "string" ? result : JSON.stringify(result);
    res.writeHead(200, { "Content-Type": "application/json" }).end(req.method === "HEAD" ? undefined : body);
    return;
  }
  let wire = wireByResult.get(result);
  if (!wire) wireByResult.set(result, (wire = toWire(result)));
  res.writeHead(wire.status, wire.headers);
  res.end(req.method === "HEAD" || wire.body.length === 0 ? undefined : wire.body);
}

/**
 * Serves `handler` over HTTP on host:port (default host 127.0.0.1).
 * @throws Error naming the port when it is already in use.
 */
export async function startApiServer(handler: HttpApiHandler, options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? "127.0.0.1";
  const onError = options.onError ?? ((error: unknown) => console.error("api server: handler failed", error));

  let origin: ServerOrigin = { domainName: "localhost", protocol: "http" };
  // Every error is answered inside; the promise is handled here, never left floating.
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const body = await readBody(req);
      const result = await handler(toHttpApiEvent(req, body, origin));
      writeResult(req, res, result);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        res.writeHead(413, { "Content-Type": "application/json", Connection: "close" });
        res.end(JSON.stringify({ message: "Request Entity Too Large" }));
        return;
      }
      // Like API Gateway on a Lambda crash: a generic answer, details only in the local log.
      onError(error);
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ message: "Internal Server Error" }));
      } else {
        res.destroy();
      }
    }
  };
  const server = createServer((req, res) => void serve(req, res));
  // Keep-alive connections must not hold close() open for the 5 s default.
  server.keepAliveTimeout = 2_000;

  await new Promise<void>((resolve, reject) => {
    const onListenError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          new Error(
            `port ${options.port} on ${host} is already in use: stop the other server or choose another port`,
          ),
        );
      } else if (error.code === "EACCES") {
        reject(
          new Error(`not allowed to listen on port ${options.port} on ${host}: choose a port above 1023`),
        );
      } else {
        reject(error);
      }
    };
    server.once("error", onListenError);
    server.listen(options.port, host, () => {
      server.off("error", onListenError);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  const publicUrl = new URL(options.publicUrl ?? url);
  origin = { domainName: publicUrl.host, protocol: publicUrl.protocol === "https:" ? "https" : "http" };
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
