/**
 * Phone sign-up with SMS on: the real api handler texts a six-digit code (one transactional
 * Publish straight to the number, SNS mocked) and subscribes the number only once the right code
 * comes back; wrong, reused, exhausted and expired codes get a 400 naming `code` and subscribe
 * nothing. Rate limits and code store on dynalite.
 */
import { PublishCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createDynamoSmsCodeStore } from "../lambdas/adapters/dynamo-subscriptions.ts";
import { buildFilterPolicy } from "../lambdas/core/subscriptions/policy.ts";
import {
  createSmsCodeRegistrar,
  SMS_CODE_MAX_ATTEMPTS,
  verifySmsCode,
} from "../lambdas/core/subscriptions/sms-verification.ts";
import type { SignupRequest } from "../lambdas/core/subscriptions/types.ts";
import { SignupError } from "../lambdas/core/subscriptions/validate.ts";
import { apiPost, expectedSubscribe, TOPIC_ARN, useApiLambda } from "./helpers/api-lambda.ts";

const TABLE = "signup-sms";
const PHONE = "+447700900123";
const api = useApiLambda({
  table: TABLE,
  env: { SMS_SIGNUP_ENABLED: "true" },
  snsAnswers: (sns) => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    sns.on(SubscribeCommand).resolves({ SubscriptionArn: `${TOPIC_ARN}:sms-1` });
  },
});
const snsMock = api.sns;
const handler = api.handler;

function post(path: string, body: string, ip = "198.51.100.9"): APIGatewayProxyEventV2 {
  return apiPost(path, body, { ip, requestId: "r" });
}

/** Signs the number up and returns the code from the one SMS sent. */
async function signUpAndReadCode(phone: string, extra = ""): Promise<string> {
  const result = await handler(post("/subscriptions", `phone=${encodeURIComponent(phone)}${extra}`));
  expect(result.statusCode).toBe(202);
  const sms = snsMock.commandCalls(PublishCommand).at(-1)!.args[0].input;
  return /heistwatch code: ([0-9]{6})\./.exec(sms.Message ?? "")![1]!;
}

const verify = (phone: string, code: string) =>
  handler(post("/subscriptions/verify", `phone=${encodeURIComponent(phone)}&code=${code}`));

describe("phone sign-up proven by an SMS code", () => {
  it("texts a code, asks for it, and subscribes the number only with the right one", async () => {
    const answer = await handler(
      post("/subscriptions", `phone=${encodeURIComponent(PHONE)}&min_severity=high`),
    );
    expect(answer.statusCode).toBe(202);
    const page = String(answer.body);
    expect(page).toContain("Check your phone");
    expect(page).toContain('action="https://alerts.example.org/subscriptions/verify"');
    expect(page).toContain(`name="phone" value="${PHONE}"`);
    const publishes = snsMock.commandCalls(PublishCommand);
    expect(publishes).toHaveLength(1);
    const input = publishes[0]!.args[0].input;
    expect(input).toEqual({
      PhoneNumber: PHONE,
      Message: expect.stringMatching(
        /^heistwatch code: [0-9]{6}\. Enter it on the page to get alerts\. Not you\? Ignore this\.$/,
      ),
      MessageAttributes: { "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" } },
    });
    expect(input.TopicArn).toBeUndefined();
    expect(snsMock.commandCalls(SubscribeCommand)).toHaveLength(0);
    const code = /([0-9]{6})/.exec(input.Message!)![1]!;

    const wrong = await verify(PHONE, code === "000000" ? "111111" : "000000");
    expect(wrong.statusCode).toBe(400);
    expect(String(wrong.body)).toContain("code:");
    expect(snsMock.commandCalls(SubscribeCommand)).toHaveLength(0);

    const right = await verify(PHONE, code);
    expect(right.statusCode).toBe(200);
    expect(String(right.body)).toContain("Subscribed");
    const subscribes = snsMock.commandCalls(SubscribeCommand);
    expect(subscribes).toHaveLength(1);
    expect(subscribes[0]!.args[0].input).toEqual(
      expectedSubscribe("sms", PHONE, { severity: ["high"], kind: ["new", "update"] }),
    );

    // A code works once.
    expect((await verify(PHONE, code)).statusCode).toBe(400);
    expect(snsMock.commandCalls(SubscribeCommand)).toHaveLength(1);
  });

  it(`voids the code after ${SMS_CODE_MAX_ATTEMPTS} wrong attempts`, async () => {
    const phone = "+15555550123";
    const code = await signUpAndReadCode(phone);
    const other = code === "123456" ? "654321" : "123456";
    for (let i = 0; i < SMS_CODE_MAX_ATTEMPTS; i++) expect((await verify(phone, other)).statusCode).toBe(400);
    expect((await verify(phone, code)).statusCode).toBe(400);
    expect(snsMock.commandCalls(SubscribeCommand)).toHaveLength(0);
  });

  it("refuses malformed verify requests with a 4xx naming the field", async () => {
    for (const [body, field] of [
      ["phone=%2B447700900123&code=12345", "code"],
      ["phone=%2B447700900123&code=1234567", "code"],
      ["phone=%2B447700900123&code=12a456", "code"],
      ["phone=447700900123&code=123456", "phone"],
      ["code=123456", "phone"],
      [`phone=%2B447700900123&code=${"1".repeat(2000)}`, "body"],
    ] as const) {
      const result = await handler(post("/subscriptions/verify", body));
      expect(result.statusCode).toBeGreaterThanOrEqual(400);
      expect(result.statusCode).toBeLessThan(500);
      expect(String(result.body)).toContain(`${field}:`);
    }
    expect(snsMock.calls()).toHaveLength(0);
  });

  it("refuses an expired code", async () => {
    let now = new Date("2026-03-10T10:00:00Z");
    const store = createDynamoSmsCodeStore({ client: api.db.client, tableName: TABLE });
    const texts: string[] = [];
    const subscribed: SignupRequest[] = [];
    const request: SignupRequest = {
      channel: "sms",
      address: "+15555550199",
      minSeverity: "low",
      actors: [],
      corroboratedOnly: false,
      digest: "none",
    };
    const registrar = createSmsCodeRegistrar({
      store,
      sender: { send: async (_p, t) => void texts.push(t) },
      clock: () => now,
    });
    await registrar.register(request, buildFilterPolicy(request));
    const code = /([0-9]{6})/.exec(texts[0]!)![1]!;
    now = new Date("2026-03-10T10:10:01Z");
    const deps = {
      store,
      subscribe: { register: async (r: SignupRequest) => void subscribed.push(r) },
      clock: () => now,
    };
    await expect(verifySmsCode(deps, `phone=%2B15555550199&code=${code}`, undefined)).rejects.toBeInstanceOf(
      SignupError,
    );
    expect(subscribed).toEqual([]);
    // Within ten minutes the same flow subscribes.
    now = new Date("2026-03-10T10:00:00Z");
    await registrar.register(request, buildFilterPolicy(request));
    const fresh = /([0-9]{6})/.exec(texts[1]!)![1]!;
    now = new Date("2026-03-10T10:09:00Z");
    await expect(verifySmsCode(deps, `phone=%2B15555550199&code=${fresh}`, undefined)).resolves.toEqual(
      request,
    );
    expect(subscribed).toEqual([request]);
  });
});
