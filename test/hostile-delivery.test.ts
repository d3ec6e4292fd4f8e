/**
 * Issue 14: after a crash during a webhook POST the receiver got that alert twice (redelivered
 * after the lease). At-least-once stays, but every delivery of one alert now carries the same
 * delivery id (header and body field, on webhooks and SNS), so receivers can deduplicate.
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createWebhookNotifier } from "../cli/local/notifiers.ts";
import { createSnsNotifier } from "../lambdas/adapters/sns-notifier.ts";
import type { Alert } from "../lambdas/core/model/types.ts";
import { startServer } from "./helpers/http-server.ts";
import { storyRecord } from "./helpers/store-fixtures.ts";

const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

const alert = (overrides: Parameters<typeof storyRecord>[0] = {}, kind: Alert["kind"] = "new"): Alert => ({
  kind,
  reasons: kind === "update" ? ["attribution upgraded to confirmed"] : [],
  story: storyRecord(overrides).story,
});

describe("webhook delivery id", () => {
  it("is the same header and body field when an alert is redelivered after a failed POST", async () => {
    const received: { header: string | undefined; body: { delivery_id?: string } }[] = [];
    let calls = 0;
    const hook = await startServer({
      "/hook": async (req, res) => {
        let data = "";
        for await (const chunk of req) data += chunk;
        received.push({
          header: req.headers["x-heistwatch-delivery"] as string | undefined,
          body: JSON.parse(data),
        });
        // The first POST arrives, but the answer is lost (the sender crashes or times out).
        if (++calls === 1) res.destroy();
        else res.end("ok");
      },
    });
    try {
      await expect(createWebhookNotifier({ url: hook.url("/hook") }).send(alert())).rejects.toThrow();
      // After a restart, the pending alert is sent again by a new notifier.
      await createWebhookNotifier({ url: hook.url("/hook") }).send(alert());
      expect(received).toHaveLength(2);
      const [first, second] = received;
      expect(first!.header).toMatch(/^[0-9a-f]{32}$/);
      expect(first!.body.delivery_id).toBe(first!.header);
      expect(second!.header).toBe(first!.header);
      expect(second!.body.delivery_id).toBe(first!.header);
    } finally {
      await hook.close();
    }
  });
});

describe("SNS delivery id", () => {
  it("is a message attribute and the body's last line, stable across redeliveries, new for an update", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    const client = () =>
      createSnsNotifier({ client: new SNSClient({ region: "us-east-1" }), topicArn: "arn:t" });
    await client().send(alert());
    await client().send(alert({ sources: storyRecord().story.sources.slice(0, 1) }));
    await client().send(alert({ attribution: "confirmed" }, "update"));
    const inputs = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    const ids = inputs.map((input) => input.MessageAttributes?.delivery_id?.StringValue);
    expect(ids[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
    for (const [index, input] of inputs.entries()) {
      const body = JSON.parse(input.Message!) as { default: string; email: string };
      expect(body.email.endsWith(`\n\nDelivery id: ${ids[index]}`)).toBe(true);
      expect(body.default).toBe(body.email);
    }
  });
});
