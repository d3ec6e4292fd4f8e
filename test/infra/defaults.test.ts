/**
 * The stack at its default settings is what `heistwatch cost` prices: no customer KMS key, no queue
 * long-polled all month (no event source mapping), no X-Ray, at most three alarms, and a budget.
 * The cost model's counts are checked against this template, and synth warns when no one would
 * receive the alarms. Synthesized once, without bundling (the template is what is checked).
 */
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../infra/app.ts";
import { NO_CFN_VALIDATION, SKIP_BUNDLING } from "../helpers/synth-options.ts";
import { estimateMonthlyCost } from "../../infra/cost.ts";
import { loadPriceBook } from "../../cli/commands/cost.ts";
import { PROJECT_ROOT } from "../../infra/app.ts";
import { parseConfig } from "../../infra/config.ts";
import { resolve } from "node:path";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
let template: Template;
let resources: Resources;
let annotations: Annotations;

beforeAll(() => {
  const { app, stack } = buildApp({ ...NO_CFN_VALIDATION, context: SKIP_BUNDLING });
  app.synth();
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
  annotations = Annotations.fromStack(stack);
}, 180_000);

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe("the default stack", () => {
  it("has no customer KMS key: alerts use SNS's AWS-managed key, the ops topic (alarm texts only) none", () => {
    template.resourceCountIs("AWS::KMS::Key", 0);
    const topics = Object.fromEntries(
      ofType("AWS::SNS::Topic").map(([id, r]) => [id.replace(/[0-9A-F]{8}$/, ""), r]),
    );
    expect(topics.AlertsTopic!.Properties.KmsMasterKeyId).toEqual({
      "Fn::Join": [
        "",
        [
          "arn:",
          { Ref: "AWS::Partition" },
          ":kms:",
          { Ref: "AWS::Region" },
          ":",
          { Ref: "AWS::AccountId" },
          ":alias/aws/sns",
        ],
      ],
    });
    expect(topics.OpsTopic!.Properties.KmsMasterKeyId).toBeUndefined();
    // Nobody needs a KMS grant for the AWS-managed key.
    const actions = ofType("AWS::IAM::Policy").flatMap(([, r]) =>
      (r.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => s.Action),
    );
    expect(actions.filter((a) => a.startsWith("kms:"))).toEqual([]);
  });

  it("long-polls no queue: no event source mapping, one dead-letter queue", () => {
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 0);
    template.resourceCountIs("AWS::SQS::Queue", 1);
  });

  it("traces nothing with X-Ray and grants no X-Ray rights", () => {
    for (const [, fn] of ofType("AWS::Lambda::Function")) {
      expect(fn.Properties.TracingConfig?.Mode ?? "PassThrough").not.toBe("Active");
    }
    expect(JSON.stringify(ofType("AWS::IAM::Policy"))).not.toContain("xray:");
  });

  it("has at most three alarms, all notifying the ops topic, and a budget alerting it", () => {
    const alarms = ofType("AWS::CloudWatch::Alarm");
    expect(alarms.length).toBeLessThanOrEqual(3);
    const opsTopic = { Ref: ofType("AWS::SNS::Topic").find(([id]) => id.startsWith("OpsTopic"))![0] };
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toEqual([opsTopic]);
    template.resourceCountIs("AWS::Budgets::Budget", 1);
    template.hasResourceProperties("AWS::Budgets::Budget", {
      NotificationsWithSubscribers: Match.arrayWith([
        Match.objectLike({ Subscribers: [{ SubscriptionType: "SNS", Address: opsTopic }] }),
      ]),
    });
  });

  it("warns at synth that no opsEmail means nobody receives the alarms", () => {
    annotations.hasWarning("/Heistwatch", Match.stringLikeRegexp("No opsEmail is set"));
  });

  it("agrees with the cost model, which prices 20 feeds every 5 minutes at no more than $0.50 a month", () => {
    const config = parseConfig(() => undefined, { baseDir: PROJECT_ROOT });
    const book = loadPriceBook(resolve(PROJECT_ROOT, "config", "prices.json"));
    const estimate = estimateMonthlyCost({ ...config, feedCount: 20 }, book);
    expect(config.schedule).toBe("rate(5 minutes)");
    expect(estimate.totalUsd).toBeLessThanOrEqual(0.5);
    expect(estimate.resources).toMatchObject({
      alarms: ofType("AWS::CloudWatch::Alarm").length,
      kmsKeys: ofType("AWS::KMS::Key").length,
      budgets: ofType("AWS::Budgets::Budget").length,
      customMetrics: ofType("AWS::Logs::MetricFilter").length,
      tracing: false,
    });
    const memory = Object.fromEntries(
      ofType("AWS::Lambda::Function").map(([id, r]) => [
        id.replace(/Function.*/, ""),
        r.Properties.MemorySize,
      ]),
    );
    const lines = estimate.lines.map((line) => `${line.item}: ${line.arithmetic}`).join("\n");
    expect(lines).toContain(`x ${memory.Poll} MB`);
    expect(lines).toContain(`x ${memory.Schedule} MB`);
    expect(lines).toContain(`x ${memory.Api} MB`);
  });
});

describe("with an opsEmail", () => {
  it("does not warn", () => {
    const { stack } = buildApp({
      ...NO_CFN_VALIDATION,
      context: { ...SKIP_BUNDLING, opsEmail: "ops@example.org" },
    });
    expect(Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("opsEmail"))).toEqual([]);
  }, 180_000);
});
