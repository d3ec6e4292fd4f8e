import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createSnsNotifier, deliveryIdLine, MAX_MESSAGE_BYTES } from "../lambdas/adapters/sns-notifier.ts";
import {
  alertEmailText,
  alertSmsText,
  alertSubject,
  deliveryId,
  smsLength,
} from "../lambdas/core/alerts/messages.ts";
import type { Alert } from "../lambdas/core/model/types.ts";
import { storyRecord } from "./helpers/store-fixtures.ts";

const sns = mockClient(SNSClient);
const topicArn = "arn:aws:sns:us-east-1:123456789012:heistwatch-alerts";
afterEach(() => sns.reset());

function notifier() {
  return createSnsNotifier({ client: new SNSClient({ region: "us-east-1" }), topicArn });
}

describe("SNS notifier", () => {
  it("publishes one JSON-structured message with email and SMS bodies and filterable attributes", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m1" });
    const story = storyRecord({ actors: ["Lazarus Group", "APT38"] }).story;
    const alert: Alert = { kind: "new", reasons: [], story };
    await notifier().send(alert);

    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toEqual({
      TopicArn: topicArn,
      Subject: "[HIGH] Lazarus Group drains $50 million from ExampleSwap",
      MessageStructure: "json",
      Message: JSON.stringify({
        default: `${alertEmailText(alert)}${deliveryIdLine(alert)}`,
        email: `${alertEmailText(alert)}${deliveryIdLine(alert)}`,
        sms: alertSmsText(alert),
      }),
      MessageAttributes: {
        kind: { DataType: "String", StringValue: "new" },
        severity: { DataType: "String", StringValue: "high" },
        score: { DataType: "Number", StringValue: "80" },
        amount_usd: { DataType: "Number", StringValue: "50000000" },
        actor: { DataType: "String.Array", StringValue: '["Lazarus Group","APT38"]' },
        corroborated: { DataType: "String", StringValue: "false" },
        news_for_corroborated: { DataType: "String", StringValue: "false" },
        attribution: { DataType: "String", StringValue: "attributed" },
        delivery_id: { DataType: "String", StringValue: deliveryId(alert) },
        target: { DataType: "String", StringValue: "unknown" },
      },
    });
    const body = JSON.parse(input.Message!) as { sms: string };
    expect(smsLength(body.sms).length).toBeLessThanOrEqual(160);
  });

  it("marks updates, corroboration by two feeds, and a story without actor", async () => {
    sns.on(PublishCommand).resolves({});
    const base = storyRecord({ actors: [] }).story;
    const story = {
      ...base,
      sources: [
        ...base.sources,
        {
          ...base.sources[0]!,
          articleId: "a2",
          feedId: "feed-b",
          name: "Feed B",
          url: "https://b.example/1",
          title: "Other",
        },
      ],
    };
    const alert: Alert = { kind: "update", reasons: ["attribution upgraded to confirmed"], story };
    await notifier().send(alert);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.Subject).toBe(alertSubject(alert));
    expect(input.Subject!.startsWith("[HIGH] Update: ")).toBe(true);
    expect(input.MessageAttributes?.corroborated?.StringValue).toBe("true");
    expect(input.MessageAttributes?.news_for_corroborated?.StringValue).toBe("true");
    expect(input.MessageAttributes?.kind?.StringValue).toBe("update");
    // Issue 12's contract: actor is a String.Array, left out when no actor is named.
    expect(input.MessageAttributes?.actor).toBeUndefined();
  });

  it("links the story page in both bodies, leaves out an unstated amount and caps a huge one", async () => {
    sns.on(PublishCommand).resolves({});
    const client = new SNSClient({ region: "us-east-1" });
    const withPage = createSnsNotifier({ client, topicArn, pageBaseUrl: "https://site.example" });
    await withPage.send({ kind: "new", reasons: [], story: storyRecord({ amountUsd: null }).story });
    await withPage.send({
      kind: "corroborated",
      reasons: [],
      story: storyRecord({ amountUsd: 1.5e9 }).story,
    });
    const [first, second] = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    const body = JSON.parse(first!.Message!) as { email: string; sms: string };
    expect(body.email).toContain("https://site.example/stories/s1");
    expect(body.sms.endsWith(" https://site.example/stories/s1")).toBe(true);
    expect(first!.MessageAttributes?.amount_usd).toBeUndefined();
    // SNS compares numbers only up to 1e9: a larger amount is sent as 1e9.
    expect(second!.MessageAttributes?.amount_usd).toEqual({ DataType: "Number", StringValue: "1000000000" });
    expect(second!.MessageAttributes?.kind?.StringValue).toBe("corroborated");
    expect(second!.Subject).toBe("[HIGH] Corroborated: Lazarus Group drains $50 million from ExampleSwap");
  });

  it("sanitises hostile subjects and caps the message by bytes", async () => {
    sns.on(PublishCommand).resolves({});
    const title = `Bad\r\ntitle\u0000 ${"汉".repeat(3000)}`;
    const sources = Array.from({ length: 100 }, (_, i) => ({
      articleId: `a${i}`,
      feedId: `f${i}`,
      name: "源".repeat(200),
      url: `https://x.example/${i}`,
      title: "题".repeat(500),
      publishedAt: "2025-01-10T10:00:00.000Z",
    }));
    await notifier().send({ kind: "new", reasons: [], story: { ...storyRecord({ title }).story, sources } });
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.Subject).not.toMatch(/[\r\n\u0000]/);
    expect(Array.from(input.Subject!).length).toBeLessThan(100);
    const bytes = Buffer.byteLength(input.Message!, "utf8");
    expect(bytes).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(bytes).toBeGreaterThan(MAX_MESSAGE_BYTES - 10_000);
    const body = JSON.parse(input.Message!) as { email: string; sms: string };
    // The delivery id line follows the truncation marker, so it survives truncation.
    expect(body.email).toMatch(/\[truncated\]\n\nDelivery id: [0-9a-f]{32}$/);
  });

  it("throws when Publish fails, so the caller keeps the alert pending", async () => {
    sns.on(PublishCommand).rejects(new Error("Throttling"));
    await expect(notifier().send({ kind: "new", reasons: [], story: storyRecord().story })).rejects.toThrow(
      "Throttling",
    );
  });
});
