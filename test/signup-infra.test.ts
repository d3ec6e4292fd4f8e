/**
 * The synthesized stack with public sign-up on (the default): only the api role holds
 * sns:Subscribe, on the alerts topic alone; the api may write nothing but rate-limit counters;
 * POST /subscriptions reaches the api Lambda; the digest function runs daily and weekly at the
 * configured hour with rights to read stories, claim digest slots and publish to the alerts topic.
 * cdk-nag cleanliness with sign-up on is test/infra/nag.test.ts (its default includes sign-up).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../infra/app.ts";
import { NO_CFN_VALIDATION, SKIP_BUNDLING } from "./helpers/synth-options.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

let template: Template;
let resources: Resources;
let assemblyDir: string;

beforeAll(() => {
  const { app, stack } = buildApp({
    ...NO_CFN_VALIDATION,
    context: {
      opsEmail: "ops@example.org",
      digestHourUtc: "6",
      digestWeekday: "5",
      signupPerAddressPerDay: "2",
    },
  });
  assemblyDir = app.synth().directory;
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
}, 180_000);

const idsOf = (type: string, prefix: string) =>
  Object.entries(resources)
    .filter(([id, r]) => r.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** [role logical id, statement] for every inline policy statement in the template. */
function allStatements(): [string, Statement][] {
  return Object.values(resources)
    .filter((r) => r.Type === "AWS::IAM::Policy")
    .flatMap((r) =>
      (r.Properties.Roles as { Ref: string }[]).flatMap((role) =>
        (r.Properties.PolicyDocument.Statement as Statement[]).map(
          (s) => [role.Ref, s] as [string, Statement],
        ),
      ),
    );
}

function roleOf(prefix: string): string {
  const ids = idsOf("AWS::IAM::Role", prefix);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

describe("sign-up on AWS", () => {
  it("lets only the api role call sns:Subscribe, and only on the alerts topic", () => {
    const alertsTopic = idsOf("AWS::SNS::Topic", "AlertsTopic");
    expect(alertsTopic).toHaveLength(1);
    const subscribe = allStatements().filter(([, s]) =>
      actionsOf(s).some((a) => a === "sns:Subscribe" || a === "sns:*"),
    );
    expect(subscribe).toEqual([
      [
        roleOf("ApiFunctionRole"),
        { Effect: "Allow", Action: "sns:Subscribe", Resource: { Ref: alertsTopic[0] } },
      ],
    ]);
    // No topic policy hands Subscribe to anyone else either.
    for (const policy of Object.values(resources).filter((r) => r.Type === "AWS::SNS::TopicPolicy")) {
      expect(JSON.stringify(policy.Properties)).not.toContain("sns:Subscribe");
    }
  });

  it("lets the api write only rate-limit counters, and gives it the topic, DLQ and limits", () => {
    const api = roleOf("ApiFunctionRole");
    const writes = allStatements().filter(
      ([role, s]) =>
        role === api && actionsOf(s).some((a) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(a)),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0]![1]).toEqual({
      Effect: "Allow",
      Action: "dynamodb:UpdateItem",
      Resource: { "Fn::GetAtt": [idsOf("AWS::DynamoDB::Table", "Table")[0], "Arn"] },
      Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["RL#*"] } },
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("serves flagged stories"),
      Environment: {
        Variables: Match.objectLike({
          ALERTS_TOPIC_ARN: { Ref: idsOf("AWS::SNS::Topic", "AlertsTopic")[0] },
          SUBSCRIPTION_DLQ_ARN: Match.anyValue(),
          SIGNUP_PER_ADDRESS_PER_DAY: "2",
          SIGNUP_PER_CLIENT_PER_HOUR: "10",
          SIGNUP_CONFIRMATIONS_PER_DAY: "500",
        }),
      },
    });
  });

  it("routes POST /subscriptions (and only POST) to the api Lambda", () => {
    const routes = Object.values(resources)
      .filter((r) => r.Type === "AWS::ApiGatewayV2::Route")
      .map((r) => r.Properties.RouteKey as string)
      .filter((key) => key.includes("/subscriptions"));
    expect(routes).toEqual(["POST /subscriptions"]);
  });

  it("runs the digest daily and weekly at the configured UTC hour and day, with a DLQ", () => {
    const rules = Object.values(resources).filter(
      (r) => r.Type === "AWS::Events::Rule" && String(r.Properties.Description).includes("digest"),
    );
    expect(
      rules.map((r) => [r.Properties.ScheduleExpression, JSON.parse(r.Properties.Targets[0].Input)]),
    ).toEqual([
      ["cron(0 6 * * ? *)", { period: "daily" }],
      ["cron(0 6 ? * FRI *)", { period: "weekly" }],
    ]);
    for (const rule of rules) expect(rule.Properties.Targets[0].DeadLetterConfig).toBeDefined();
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("digests"),
      Environment: {
        Variables: Match.objectLike({
          DIGEST_HOUR_UTC: "6",
          DIGEST_WEEKDAY: "5",
          TOPIC_ARN: Match.anyValue(),
        }),
      },
    });
  });

  it("lets the digest function query stories, claim only digest slots and publish only to the alerts topic", () => {
    const digest = roleOf("SubscriptionsDigestFunctionRole");
    const statements = allStatements()
      .filter(([role]) => role === digest)
      .map(([, s]) => s);
    const byAction = (action: string) => statements.filter((s) => actionsOf(s).includes(action));
    expect(byAction("dynamodb:Query")).toHaveLength(1);
    expect(byAction("dynamodb:PutItem")).toEqual([
      expect.objectContaining({
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["DIGEST#*"] } },
      }),
    ]);
    expect(byAction("sns:Publish")).toEqual([
      expect.objectContaining({ Resource: { Ref: idsOf("AWS::SNS::Topic", "AlertsTopic")[0] } }),
    ]);
    for (const s of statements) {
      for (const action of actionsOf(s)) expect(action).not.toMatch(/\*$/);
      if (s.Resource === "*") expect(actionsOf(s).every((a) => a.startsWith("xray:"))).toBe(true);
    }
  });

  it("keeps nodemailer (local mode only) out of every Lambda bundle", () => {
    const bundles = readdirSync(assemblyDir)
      .filter((name) => name.startsWith("asset.") && existsSync(join(assemblyDir, name, "index.mjs")))
      .map((name) => readFileSync(join(assemblyDir, name, "index.mjs"), "utf8"));
    expect(bundles.length).toBe(4); // schedule, poll, api, digest
    expect(bundles.some((code) => code.includes("sns:Subscribe") || code.includes("SubscribeCommand"))).toBe(
      true,
    );
    for (const code of bundles) expect(code).not.toMatch(/nodemailer|smtp-connection/i);
  });

  it("with SMS on, lets the api text codes to numbers but publish to no topic, and routes the code check", () => {
    const { stack } = buildApp({ ...NO_CFN_VALIDATION, context: { ...SKIP_BUNDLING, smsEnabled: "true" } });
    const sms = Template.fromStack(stack);
    const smsResources = sms.toJSON().Resources as Resources;
    const apiRole = Object.keys(smsResources).find(
      (id) => id.startsWith("ApiFunctionRole") && smsResources[id]!.Type === "AWS::IAM::Role",
    )!;
    const statements = Object.values(smsResources)
      .filter((r) => r.Type === "AWS::IAM::Policy" && JSON.stringify(r.Properties.Roles).includes(apiRole))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
    const publish = statements.filter((s) => actionsOf(s).includes("sns:Publish"));
    expect(publish).toEqual([
      { Effect: "Deny", Action: "sns:Publish", Resource: "arn:aws:sns:*:*:*" },
      { Effect: "Allow", Action: "sns:Publish", Resource: "*" },
    ]);
    const codeWrites = statements.filter((s) => actionsOf(s).includes("dynamodb:DeleteItem"));
    expect(codeWrites).toEqual([
      expect.objectContaining({
        Action: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["SMSCODE#*"] } },
      }),
    ]);
    const routes = Object.values(smsResources)
      .filter((r) => r.Type === "AWS::ApiGatewayV2::Route")
      .map((r) => r.Properties.RouteKey as string)
      .filter((key) => key.includes("/subscriptions"));
    expect(routes.sort()).toEqual(["POST /subscriptions", "POST /subscriptions/verify"]);
    sms.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("serves flagged stories"),
      Environment: { Variables: Match.objectLike({ SMS_SIGNUP_ENABLED: "true" }) },
    });
  }, 180_000);

  it("leaves sign-up out entirely when signupEnabled is false", () => {
    const { stack } = buildApp({
      ...NO_CFN_VALIDATION,
      context: { ...SKIP_BUNDLING, signupEnabled: "false" },
    });
    const json = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(json).not.toContain("sns:Subscribe");
    expect(json).not.toContain("/subscriptions");
  }, 180_000);
});
