/**
 * The cdk-nag gate (AwsSolutions + Serverless packs, registered by buildApp through
 * Validations.of(app).addPlugins): the stack synthesizes with zero unacknowledged findings, every
 * acknowledgement carries a real reason, and a deliberately non-compliant resource fails synth.
 * Bundling is skipped here (the packs inspect the template, not the code): stack.test.ts bundles.
 */
import { Validations } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import type { IConstruct } from "constructs";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../infra/app.ts";
import { NO_CFN_VALIDATION, SKIP_BUNDLING } from "../helpers/synth-options.ts";

/** Acknowledgements recorded on constructs: metadata entries of `{ "Annotation::<rule id>": reason }`. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([key, reason]) => ({ path: construct.node.path, id: key.replace(/^Annotation::/, ""), reason })),
  );
}

describe("cdk-nag (AwsSolutions + Serverless)", () => {
  const widest = {
    ...SKIP_BUNDLING,
    alertEmails: "a@example.org",
    alertPhones: "+15551234567",
    smsEnabled: "true",
    opsEmail: "ops@example.org",
  };

  it("finds nothing unacknowledged in the stack, with subscribers and SMS on (the widest configuration), and CDK's CloudFormation validation finds no error", () => {
    // CDK's built-in template validation only warns by default; this flag makes its errors fail synth.
    const { app } = buildApp({ context: { ...widest, "@aws-cdk/core:validateAgainstDefaultRules": true } });
    expect(() => app.synth()).not.toThrow();
  }, 180_000);

  it("finds nothing unacknowledged with X-Ray and the customer key on, which need other acknowledgements", () => {
    const { app, stack } = buildApp({
      ...NO_CFN_VALIDATION,
      context: { ...widest, xray: "true", topicEncryption: "customer" },
    });
    expect(() => app.synth()).not.toThrow();
    const ids = new Set(acknowledgements(stack).map((a) => a.id));
    expect(ids).toContain("AwsSolutions-IAM5[Resource::*]");
    expect(ids).not.toContain("Serverless-LambdaTracing");
    expect(ids).not.toContain("AwsSolutions-SNS2");
  }, 180_000);

  it("acknowledges each finding with a specific reason a reviewer can check", () => {
    const { stack } = buildApp({ ...NO_CFN_VALIDATION, context: SKIP_BUNDLING });
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(80);
    }
    // Only these rules are waived, each on a narrow construct, never the whole stack.
    expect(new Set(acks.map((a) => a.id))).toEqual(
      new Set([
        "Serverless-LambdaTracing",
        "Serverless-LambdaDLQ",
        "AwsSolutions-SQS3",
        "Serverless-SQSRedrivePolicy",
        "AwsSolutions-SNS2",
        "AwsSolutions-APIG4",
      ]),
    );
    expect(acks.map((a) => a.path)).not.toContain(stack.node.path);
    // The unencrypted-topic waiver sits on the ops topic alone, never on the alerts topic.
    expect(acks.filter((a) => a.id === "AwsSolutions-SNS2").map((a) => a.path)).toEqual([
      "Heistwatch/OpsTopic",
    ]);
  }, 180_000);

  it("fails synth when a non-compliant resource is added, proving the packs run", () => {
    const { app, stack } = buildApp({ ...NO_CFN_VALIDATION, context: SKIP_BUNDLING });
    // No point-in-time recovery: AwsSolutions-DDB3.
    new dynamodb.Table(stack, "TableWithoutPitr", {
      partitionKey: { name: "pk", type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
    expect(() => app.synth()).toThrow(/AwsSolutions-DDB3/);
  }, 180_000);
});
