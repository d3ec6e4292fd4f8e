/**
 * The api Lambda's sign-up on the AWS path: the real handler module (lambdas/api.ts), its rate
 * limits on dynalite, SNS through aws-sdk-client-mock. Asserts the exact Subscribe command, that a
 * repeated sign-up for a confirmed address changes nothing, every abuse limit, and that hostile
 * sign-ups get a 4xx naming the field and send nothing.
 */
import { InvalidParameterException, SubscribeCommand } from "@aws-sdk/client-sns";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { apiPost, expectedSubscribe, TOPIC_ARN, useApiLambda } from "./helpers/api-lambda.ts";

const api = useApiLambda({
  table: "signup-aws",
  env: {
    PUBLIC_BASE_URL: "https://alerts.example.org",
    SIGNUP_PER_CLIENT_PER_HOUR: "10",
    SIGNUP_PER_ADDRESS_PER_DAY: "3",
    SIGNUP_CONFIRMATIONS_PER_DAY: "30",
  },
  snsAnswers: (sns) =>
    sns.on(SubscribeCommand).resolves({ SubscriptionArn: `${TOPIC_ARN}:0f0e0d0c-pending` }),
});
const snsMock = api.sns;
const handler = api.handler;

function post(
  body: string,
  options: { ip?: string; type?: string; path?: string } = {},
): APIGatewayProxyEventV2 {
  return apiPost(options.path ?? "/subscriptions", body, {
    ip: options.ip ?? "198.51.100.7",
    ...(options.type ? { type: options.type } : {}),
  });
}

/** A JSON sign-up of one address from one client. */
const signUpJson = (email: string, ip: string) =>
  handler(post(JSON.stringify({ email }), { ip, type: "application/json" }));

const errorOf = (result: APIGatewayProxyStructuredResultV2) =>
  (JSON.parse(String(result.body)) as { error: { status: number; code: string; parameter?: string } }).error;

describe("POST /subscriptions on AWS", () => {
  it("subscribes the address to the alerts topic with the filters as its filter policy", async () => {
    const result = await handler(
      post(
        "email=Reader%40Example.org&min_severity=medium&actors=Lazarus+Group%2C+APT38&digest=none&website=",
        { ip: "203.0.113.1" },
      ),
    );
    expect(result.statusCode).toBe(202);
    expect(result.headers?.["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(result.headers?.["Cache-Control"]).toBe("no-store");
    expect(String(result.body)).toContain("Check your inbox");
    const calls = snsMock.commandCalls(SubscribeCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual(
      expectedSubscribe("email", "reader@example.org", {
        severity: ["medium", "high"],
        kind: ["new", "update"],
        actor: ["Lazarus Group", "APT38"],
      }),
    );
    expect(snsMock.calls()).toHaveLength(1);
  });

  it("takes JSON too, a digest subscription with its period and tier", async () => {
    const result = await handler(
      post(JSON.stringify({ email: "digest@example.org", digest: "weekly", min_severity: "high" }), {
        ip: "203.0.113.2",
        type: "application/json",
      }),
    );
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(String(result.body))).toEqual({
      status: "pending",
      message: expect.stringContaining("Check your inbox"),
    });
    const input = snsMock.commandCalls(SubscribeCommand)[0]!.args[0].input;
    expect(JSON.parse(input.Attributes!.FilterPolicy!)).toEqual({
      kind: ["digest"],
      period: ["weekly"],
      severity: ["high"],
    });
  });

  it("answers a repeated sign-up for a confirmed address exactly as a new one and changes nothing", async () => {
    const fresh = await handler(post("email=new.one%40example.org", { ip: "203.0.113.3" }));
    // SNS refuses to alter a subscription that exists with other attributes.
    snsMock.on(SubscribeCommand).rejects(
      new InvalidParameterException({
        message:
          "Invalid parameter: Attributes Reason: Subscription already exists with different attributes",
        $metadata: {},
      }),
    );
    const again = await handler(
      post("email=confirmed%40example.org&min_severity=low", { ip: "203.0.113.3" }),
    );
    expect(again.statusCode).toBe(fresh.statusCode);
    expect(again.body).toBe(fresh.body);
    // Only Subscribe calls: nothing that could change a subscription (SetSubscriptionAttributes, Unsubscribe).
    expect(snsMock.calls().map((call) => call.args[0].constructor.name)).toEqual([
      "SubscribeCommand",
      "SubscribeCommand",
    ]);
  });

  it("refuses phone numbers (SMS sign-up is off) and every hostile sign-up with a 4xx naming the field, sending nothing", async () => {
    const hostile: [string, string, number, string][] = [
      ["CR/LF header injection", "email=victim%40example.org%0D%0ABcc%3A+all%40example.org", 400, "email"],
      ["LF alone", "email=victim%40example.org%0Ato%3A+x%40example.org", 400, "email"],
      ["two recipients", "email=a%40example.org%2Cb%40example.org", 400, "email"],
      ["display name", "email=Eve+%3Ceve%40example.org%3E", 400, "email"],
      ["Cyrillic lookalike", `email=${encodeURIComponent("pаypal@example.org")}`, 400, "email"],
      ["punycode lookalike domain", "email=reader%40xn--exmple-4nf.org", 400, "email"],
      ["fullwidth at sign", `email=${encodeURIComponent("eve＠example.org")}`, 400, "email"],
      ["no domain", "email=eve%40", 400, "email"],
      ["no dot in domain", "email=eve%40localhost", 400, "email"],
      ["numeric TLD", "email=eve%40example.123", 400, "email"],
      ["label starting with a hyphen", "email=eve%40-example.org", 400, "email"],
      ["double dot", "email=eve..x%40example.org", 400, "email"],
      ["10 KB email", `email=${"a".repeat(10_000)}%40example.org`, 413, "body"],
      ["10 KB actors", `email=eve%40example.org&actors=${"A".repeat(10_000)}`, 413, "body"],
      ["long actor name", `email=eve%40example.org&actors=${"A".repeat(61)}`, 400, "actors"],
      ["six actors", "email=eve%40example.org&actors=a,b,c,d,e,f", 400, "actors"],
      ["markup in actors", "email=eve%40example.org&actors=%3Cscript%3E", 400, "actors"],
      ["honeypot filled", "email=eve%40example.org&website=http%3A%2F%2Fspam.example", 400, "website"],
      ["unknown severity", "email=eve%40example.org&min_severity=critical", 400, "min_severity"],
      ["unknown digest", "email=eve%40example.org&digest=hourly", 400, "digest"],
      ["unknown field", "email=eve%40example.org&admin=true", 400, "admin"],
      ["repeated field", "email=eve%40example.org&email=eve2%40example.org", 400, "email"],
      ["nothing", "", 400, "email"],
      ["both email and phone", "email=eve%40example.org&phone=%2B447700900123", 400, "phone"],
      ["valid E.164 while SMS is off", "phone=%2B447700900123", 400, "phone"],
      ["national format", "phone=07700900123", 400, "phone"],
      ["spaces", "phone=%2B44+7700+900123", 400, "phone"],
      ["dashes", "phone=%2B1-555-123-4567", 400, "phone"],
      ["00 prefix", "phone=00447700900123", 400, "phone"],
      ["leading zero country code", "phone=%2B0447700900123", 400, "phone"],
      ["too long", "phone=%2B1234567890123456", 400, "phone"],
      ["too short", "phone=%2B12345", 400, "phone"],
      ["letters", "phone=%2B44770090ABCD", 400, "phone"],
      ["CR/LF in phone", "phone=%2B447700900123%0D%0A", 400, "phone"],
      ["Arabic-Indic digits", `phone=${encodeURIComponent("+٤٤٧٧٠٠٩٠٠١٢٣")}`, 400, "phone"],
    ];
    for (const [name, body, status, field] of hostile) {
      const result = await handler(post(body, { ip: "192.0.2.66" }));
      expect({ name, status: result.statusCode }).toEqual({ name, status });
      expect({ name, page: String(result.body) }).toEqual({
        name,
        page: expect.stringContaining(`${field}:`),
      });
    }
    const json = await handler(
      post(JSON.stringify({ email: "eve@example.org\r\nBcc: all@example.org" }), {
        type: "application/json",
      }),
    );
    expect(json.statusCode).toBe(400);
    expect(errorOf(json)).toMatchObject({ status: 400, code: "invalid_email", parameter: "email" });
    const notJson = await handler(post("{", { type: "application/json" }));
    expect(errorOf(notJson)).toMatchObject({ status: 400, parameter: "body" });
    const xml = await handler(post("<x/>", { type: "application/xml" }));
    expect(errorOf(xml)).toMatchObject({ status: 415, parameter: "body" });
    expect(snsMock.calls()).toHaveLength(0);
  });

  it("limits sign-ups per client, per address and per day across the site, sending nothing past a limit", async () => {
    // Per client: 10 an hour from one IP; the 11th is refused.
    for (let i = 0; i < 10; i++) {
      const ok = await handler(
        post(JSON.stringify({ email: `client${i}@example.org` }), {
          ip: "198.51.100.10",
          type: "application/json",
        }),
      );
      expect(ok.statusCode).toBe(202);
    }
    const tooManyFromClient = await signUpJson("client10@example.org", "198.51.100.10");
    expect(tooManyFromClient.statusCode).toBe(429);
    expect(errorOf(tooManyFromClient)).toMatchObject({ code: "too_many_signups", parameter: "client" });
    expect(snsMock.commandCalls(SubscribeCommand)).toHaveLength(10);

    // Per address: 3 a day, whatever the client.
    for (let i = 0; i < 3; i++) {
      const ok = await signUpJson("target@example.org", `198.51.100.${20 + i}`);
      expect(ok.statusCode).toBe(202);
    }
    const tooManyForAddress = await signUpJson("TARGET@example.org", "198.51.100.30");
    expect(tooManyForAddress.statusCode).toBe(429);
    expect(errorOf(tooManyForAddress)).toMatchObject({ code: "too_many_signups", parameter: "email" });
    expect(snsMock.commandCalls(SubscribeCommand)).toHaveLength(13);

    // Global: 30 confirmations a day across the site; the tests above accepted 4, this one 13 so far.
    for (let i = 0; i < 30 - 4 - 13; i++) {
      const ok = await signUpJson(`many${i}@example.org`, `198.51.101.${i}`);
      expect(ok.statusCode).toBe(202);
    }
    const capped = await signUpJson("one.more@example.org", "198.51.102.1");
    expect(capped.statusCode).toBe(429);
    expect(errorOf(capped)).toMatchObject({ code: "daily_cap_reached", parameter: "email" });
    expect(snsMock.commandCalls(SubscribeCommand)).toHaveLength(26);
  });

  it("serves no local confirm or unsubscribe links on AWS (SNS hosts them) and refuses GET on /subscriptions", async () => {
    const get = (path: string) => {
      const event = post("", { path });
      event.requestContext.http.method = "GET";
      return handler(event);
    };
    expect((await get("/subscriptions/confirm")).statusCode).toBe(404);
    expect((await get("/subscriptions/unsubscribe")).statusCode).toBe(404);
    expect((await get("/subscriptions")).statusCode).toBe(405);
    expect(snsMock.calls()).toHaveLength(0);
  });
});
