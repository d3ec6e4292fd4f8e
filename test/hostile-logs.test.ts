/**
 * Issue 14: `heistwatch parse` printed a server's reason phrase with C1 control characters to
 * stderr, and the api Lambda's log lines carried no request id.
 */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { command as parseCommand } from "../cli/commands/parse.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";

describe("heistwatch parse on stderr", () => {
  it("prints a hostile reason phrase without control or bidi characters, on one line", async () => {
    // A raw server: node:http would refuse to send such a reason phrase.
    const server = createServer((socket) => {
      socket.once("data", () => {
        socket.end(
          Buffer.concat([
            Buffer.from("HTTP/1.1 503 Busy "),
            Buffer.from([0x9b, 0x33, 0x31, 0x6d, 0x85, 0x1b]),
            Buffer.from("[2J\u202Eevil\r\ncontent-length: 0\r\nconnection: close\r\n\r\n", "latin1"),
          ]),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const { port } = server.address() as AddressInfo;
    const lines: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      lines.push(args.join(" "));
    });
    try {
      const code = await parseCommand.run([
        `http://127.0.0.1:${port}/feed.xml`,
        "--allow-address",
        "127.0.0.1",
      ]);
      expect(code).toBe(1);
    } finally {
      spy.mockRestore();
      server.close();
    }
    const text = lines.join("\n");
    expect(lines).toHaveLength(1);
    expect(text).toContain("503");
    expect(text).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E]/);
  });
});

describe("api Lambda log lines", () => {
  let db: LocalDynamo;
  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => {
    await db.close();
  });

  it("carry the Lambda request id and API Gateway's request id", async () => {
    // No table: the store fails, the API answers 500 and logs the error.
    vi.stubEnv("TABLE_NAME", "no-such-table");
    vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", db.endpoint);
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "test");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test");
    vi.stubEnv("POWERTOOLS_DEV", "false");
    // Powertools writes error lines to stderr and the rest to stdout; capture both.
    const written: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    };
    const spies = [
      vi.spyOn(process.stdout, "write").mockImplementation(capture),
      vi.spyOn(process.stderr, "write").mockImplementation(capture),
    ];
    try {
      vi.resetModules();
      const { handler } = await import("../lambdas/api.ts");
      const result = await handler(
        {
          version: "2.0",
          routeKey: "$default",
          rawPath: "/feed.json",
          rawQueryString: "",
          headers: {},
          requestContext: {
            domainName: "abc.execute-api.us-east-1.amazonaws.com",
            stage: "$default",
            requestId: "apigw-req-42",
            http: {
              method: "GET",
              path: "/feed.json",
              protocol: "HTTP/1.1",
              sourceIp: "1.1.1.1",
              userAgent: "t",
            },
          },
          isBase64Encoded: false,
        } as never,
        {
          awsRequestId: "lambda-req-7",
          functionName: "api",
          functionVersion: "$LATEST",
          memoryLimitInMB: "256",
          invokedFunctionArn: "arn:aws:lambda:us-east-1:1:function:api",
        } as never,
      );
      expect(result.statusCode).toBe(500);
    } finally {
      for (const spy of spies) spy.mockRestore();
      vi.unstubAllEnvs();
    }
    const entries = written
      .join("")
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const failure = entries.find((e) => e.message === "api request failed");
    expect(failure).toMatchObject({ function_request_id: "lambda-req-7", api_request_id: "apigw-req-42" });
  });
});
