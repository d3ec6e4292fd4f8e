/**
 * The synthesized template holds the contract operators rely on: storage settings, the schedule ->
 * async invocation -> poll wiring, the public API's limits, the alarms, and rights scoped to what each
 * function does. Synthesized once (with real esbuild bundling) in the widest configuration (SMS, X-Ray
 * and the customer key on) and shared by every test; test/infra/defaults.test.ts checks the defaults.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import defaultFeeds from "../../config/feeds.json" with { type: "json" };
import { buildApp } from "../../infra/app.ts";
import { NO_CFN_VALIDATION } from "../helpers/synth-options.ts";
import { FUNCTION_SIZES } from "../../infra/sizing.ts";
import { POLL_TIMEOUT } from "../../infra/stack.ts";
import { decodeFeeds } from "../../lambdas/bundled-feeds.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- synthesized CloudFormation is untyped JSON; the assertions check its shape
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

let template: Template;
let resources: Resources;
let assemblyDir: string;

const context = {
  alertEmails: JSON.stringify([
    { address: "everything@example.org" },
    { address: "big-ones@example.org", minSeverity: "high", actors: ["Lazarus Group"], minScore: 70 },
  ]),
  alertPhones: "+15551234567",
  smsEnabled: "true",
  opsEmail: "ops@example.org",
  minAlertScore: "45",
  xray: "true",
  topicEncryption: "customer",
  // Public sign-up adds a function, a queue, a route and api rights: test/signup-infra.test.ts asserts those.
  signupEnabled: "false",
};

beforeAll(() => {
  const { app, stack } = buildApp({ ...NO_CFN_VALIDATION, context });
  const assembly = app.synth();
  assemblyDir = assembly.directory;
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
}, 180_000); // three esbuild bundles: give a loaded CI machine room

function logicalIdsOf(type: string, prefix: string): string[] {
  return Object.entries(resources)
    .filter(([id, r]) => r.Type === type && id.startsWith(prefix))
    .map(([id]) => id);
}

function only(ids: string[]): string {
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

const functionId = (name: string) => only(logicalIdsOf("AWS::Lambda::Function", `${name}Function`));
const roleId = (name: string) => only(logicalIdsOf("AWS::IAM::Role", `${name}FunctionRole`));

/** Every statement of every inline policy attached to the function's role. */
function statementsOf(name: string): Statement[] {
  const role = roleId(name);
  return Object.values(resources)
    .filter((r) => r.Type === "AWS::IAM::Policy" && JSON.stringify(r.Properties.Roles).includes(role))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const ref = (id: string) => ({ "Fn::GetAtt": [id, "Arn"] });

describe("storage", () => {
  it("is one on-demand table keyed by pk, with PITR, TTL on `ttl` and the gsi1 index", () => {
    template.resourceCountIs("AWS::DynamoDB::Table", 1);
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true },
      DeletionProtectionEnabled: true,
      GlobalSecondaryIndexes: [
        {
          IndexName: "gsi1",
          KeySchema: [
            { AttributeName: "gsi1pk", KeyType: "HASH" },
            { AttributeName: "gsi1sk", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        },
      ],
    });
    template.hasResource("AWS::DynamoDB::Table", { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
  });
});

describe("functions", () => {
  it("run Node 24 on arm64 with tracing (when on), sized memory/timeout and their own log group", () => {
    template.resourceCountIs("AWS::Lambda::Function", 3);
    for (const name of ["Schedule", "Poll", "Api"]) {
      const fn = resources[functionId(name)]!.Properties;
      expect(fn.Runtime).toBe("nodejs24.x");
      expect(fn.Architectures).toEqual(["arm64"]);
      expect(fn.TracingConfig).toEqual({ Mode: "Active" });
      const size = FUNCTION_SIZES[name.toLowerCase() as keyof typeof FUNCTION_SIZES];
      expect(fn.MemorySize).toBe(size.memoryMb);
      expect(fn.Timeout).toBe(size.timeoutSeconds);
      expect(fn.Handler).toBe("index.handler");
      expect(JSON.stringify(fn.LoggingConfig)).toContain(`${name}FunctionLogs`);
    }
    template.resourceCountIs("AWS::Logs::LogGroup", 4); // three functions + API access logs
    template.allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: 30 });
  });

  it("get the env vars that name their resources", () => {
    const env = (name: string) => resources[functionId(name)]!.Properties.Environment.Variables;
    expect(env("Schedule")).toMatchObject({
      TABLE_NAME: { Ref: only(logicalIdsOf("AWS::DynamoDB::Table", "Table")) },
      POLL_FUNCTION_NAME: { Ref: functionId("Poll") },
      POLL_BATCH_SIZE: "30",
      FEED_FAILURE_ALARM_HOURS: "24",
    });
    expect(env("Poll")).toMatchObject({
      MIN_ALERT_SCORE: "45",
      POWERTOOLS_SERVICE_NAME: "heistwatch-poll",
      POLL_CONCURRENCY: String(FUNCTION_SIZES.poll.concurrency),
    });
    expect(Object.keys(env("Poll"))).toEqual(expect.arrayContaining(["TABLE_NAME", "TOPIC_ARN"]));
    expect(Object.keys(env("Api"))).toEqual(expect.arrayContaining(["TABLE_NAME", "PUBLIC_BASE_URL"]));
    expect(Object.keys(env("Poll"))).toEqual(expect.arrayContaining(["PUBLIC_BASE_URL"]));
    expect(env("Api").TOPIC_ARN).toBeUndefined();
    // The feed list is compiled into the bundles, never an env var (4 KB limit).
    expect(JSON.stringify(env("Schedule"))).not.toContain("feedburner");
  });

  it("compile the configured feed list into the schedule and poll bundles", () => {
    for (const name of ["Schedule", "Poll"]) {
      const asset = resources[functionId(name)]!.Properties.Code.S3Key.replace(".zip", "");
      const code = readFileSync(join(assemblyDir, `asset.${asset}`, "index.mjs"), "utf8");
      const expected = Buffer.from(JSON.stringify(defaultFeeds)).toString("base64");
      expect(code.includes(`"${expected}"`), `${name} bundle holds the base64 feed list`).toBe(true);
      expect(decodeFeeds(expected)).toEqual(defaultFeeds);
    }
    const names = readdirSync(assemblyDir).filter((n) => n.startsWith("asset."));
    expect(names.length).toBeGreaterThanOrEqual(3);
  });
});

describe("schedule -> async invocation -> poll", () => {
  const failureQueue = () => ref(only(logicalIdsOf("AWS::SQS::Queue", "FailureDlq")));

  it("fires the schedule Lambda every 5 minutes, with bounded retries and the failure queue", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(5 minutes)",
      State: "ENABLED",
      Targets: [
        {
          Arn: ref(functionId("Schedule")),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
          DeadLetterConfig: { Arn: failureQueue() },
        },
      ],
    });
    template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: functionId("Schedule") },
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: failureQueue() } },
    });
  });

  it("has no queue between schedule and poll: no event source mapping; a failed poll is retried once, then parked", () => {
    template.resourceCountIs("AWS::Lambda::EventSourceMapping", 0);
    template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      FunctionName: { Ref: functionId("Poll") },
      MaximumRetryAttempts: 1,
      MaximumEventAgeInSeconds: 900,
      DestinationConfig: { OnFailure: { Destination: failureQueue() } },
    });
    const poll = resources[functionId("Poll")]!.Properties;
    expect(poll.DeadLetterConfig).toEqual({ TargetArn: failureQueue() });
    expect(poll.ReservedConcurrentExecutions).toBe(2);
    expect(poll.Timeout).toBe(POLL_TIMEOUT.toSeconds());
  });

  it("parks every failure in one encrypted, TLS-only queue that is billed only when used", () => {
    template.resourceCountIs("AWS::SQS::Queue", 1);
    const queue = resources[only(logicalIdsOf("AWS::SQS::Queue", "FailureDlq"))]!.Properties;
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(queue.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const queuePolicies = Object.values(resources).filter((r) => r.Type === "AWS::SQS::QueuePolicy");
    expect(queuePolicies).toHaveLength(1);
    expect(queuePolicies[0]!.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });
});

describe("least privilege", () => {
  it("has no '*' action anywhere and no managed policy on any function role", () => {
    for (const name of ["Schedule", "Poll", "Api"]) {
      for (const statement of statementsOf(name)) {
        for (const action of actionsOf(statement)) expect(action, `${name}: ${action}`).not.toMatch(/\*/);
      }
      expect(resources[roleId(name)]!.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it("uses Resource '*' only for X-Ray, which has no resource-level permissions", () => {
    for (const name of ["Schedule", "Poll", "Api"]) {
      const wildcard = statementsOf(name).filter(
        (s) => JSON.stringify(s.Resource).includes('"*"') || s.Resource === "*",
      );
      expect(wildcard.flatMap(actionsOf).sort()).toEqual([
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
      ]);
    }
  });

  const tableArn = () => ref(only(logicalIdsOf("AWS::DynamoDB::Table", "Table")));
  const indexArn = () => ({ "Fn::Join": ["", [tableArn(), "/index/gsi1"]] });

  it("lets the poller read/write items, query gsi1, and publish alerts (with the topic key)", () => {
    const statements = statementsOf("Poll");
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: [
          "dynamodb:GetItem",
          "dynamodb:BatchGetItem",
          "dynamodb:PutItem",
          "dynamodb:UpdateItem",
          "dynamodb:BatchWriteItem",
        ],
        Resource: tableArn(),
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: "dynamodb:Query", Resource: indexArn() }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: "sns:Publish",
        Resource: { Ref: only(logicalIdsOf("AWS::SNS::Topic", "AlertsTopic")) },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: ref(only(logicalIdsOf("AWS::KMS::Key", "TopicKey"))),
      }),
    );
    const all = statements.flatMap(actionsOf);
    expect(all).not.toContain("dynamodb:DeleteItem");
    expect(all).not.toContain("dynamodb:Scan");
    expect(all).not.toContain("lambda:InvokeFunction");
  });

  it("lets the scheduler only query feed states on gsi1 and invoke the poll function", () => {
    const statements = statementsOf("Schedule");
    const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith("dynamodb:")));
    expect(dynamo).toEqual([expect.objectContaining({ Action: "dynamodb:Query", Resource: indexArn() })]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: "lambda:InvokeFunction", Resource: ref(functionId("Poll")) }),
    );
    expect(statements.flatMap(actionsOf)).not.toContain("sns:Publish");
  });

  it("lets the API only GetItem on the table and Query gsi1", () => {
    const dynamo = statementsOf("Api").filter((s) => actionsOf(s).some((a) => a.startsWith("dynamodb:")));
    expect(dynamo).toEqual([
      expect.objectContaining({ Action: "dynamodb:GetItem", Resource: tableArn() }),
      expect.objectContaining({ Action: "dynamodb:Query", Resource: indexArn() }),
    ]);
    const others = statementsOf("Api")
      .flatMap(actionsOf)
      .filter((a) => !a.startsWith("dynamodb:") && !a.startsWith("xray:") && !a.startsWith("logs:"));
    expect(others).toEqual([]);
  });
});

describe("alerts", () => {
  it("with topicEncryption=customer, encrypts both topics with a rotating customer key; denies non-TLS publishing", () => {
    template.resourceCountIs("AWS::SNS::Topic", 2);
    template.allResourcesProperties("AWS::SNS::Topic", {
      KmsMasterKeyId: ref(only(logicalIdsOf("AWS::KMS::Key", "TopicKey"))),
    });
    template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
    template.resourcePropertiesCountIs(
      "AWS::SNS::TopicPolicy",
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
          ]),
        },
      },
      2,
    );
  });

  it("lets CloudWatch alarms and AWS Budgets of this account publish to the ops topic", () => {
    const opsTopic = { Ref: only(logicalIdsOf("AWS::SNS::Topic", "OpsTopic")) };
    const policy = Object.values(resources).find(
      (r) =>
        r.Type === "AWS::SNS::TopicPolicy" &&
        JSON.stringify(r.Properties.Topics) === JSON.stringify([opsTopic]),
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as Record<string, unknown>[];
    for (const service of ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]) {
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: "Allow",
          Principal: { Service: service },
          Action: "sns:Publish",
          Resource: opsTopic,
          Condition: expect.objectContaining({
            StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
          }),
        }),
      );
    }
    // The customer key lets both services encrypt what they publish.
    template.hasResourceProperties("AWS::KMS::Key", {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] },
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
          }),
        ]),
      },
    });
  });

  it("subscribes emails and phones with filter policies and a DLQ each", () => {
    const dlq = ref(only(logicalIdsOf("AWS::SQS::Queue", "FailureDlq")));
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "everything@example.org",
      // Issue 12: every plain subscription takes each story once (new, update), never the corroborated repeat.
      FilterPolicy: { kind: ["new", "update"] },
      RedrivePolicy: { deadLetterTargetArn: dlq },
    });
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "big-ones@example.org",
      FilterPolicy: {
        kind: ["new", "update"],
        severity: ["high"],
        actor: ["Lazarus Group"],
        score: [{ numeric: [">=", 70] }],
      },
      RedrivePolicy: { deadLetterTargetArn: dlq },
    });
    // SMS defaults to smsMinSeverity (high); its DLQ is set through the escape hatch.
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "sms",
      Endpoint: "+15551234567",
      FilterPolicy: { kind: ["new", "update"], severity: ["high"] },
      RedrivePolicy: { deadLetterTargetArn: dlq },
    });
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.org",
    });
    template.resourceCountIs("AWS::SNS::Subscription", 4);
  });
});

describe("public API", () => {
  it("serves GET, HEAD and OPTIONS on each route through the API Lambda", () => {
    const routeKeys = Object.values(resources)
      .filter((r) => r.Type === "AWS::ApiGatewayV2::Route")
      .map((r) => r.Properties.RouteKey)
      .sort();
    expect(routeKeys).toEqual(
      [
        "/",
        "/feed.json",
        "/feed.xml",
        "/items/{id}",
        "/stories/{id}",
        "/status.json",
        "/incidents.json",
        "/incidents.csv",
        "/incidents.schema.json",
        "/record",
      ]
        .flatMap((p) => [`GET ${p}`, `HEAD ${p}`, `OPTIONS ${p}`])
        .sort(),
    );
    template.hasResourceProperties("AWS::ApiGatewayV2::Integration", {
      IntegrationType: "AWS_PROXY",
      PayloadFormatVersion: "2.0",
      IntegrationUri: ref(functionId("Api")),
    });
  });

  it("throttles the stage and writes JSON access logs", () => {
    const stage = Object.values(resources).find((r) => r.Type === "AWS::ApiGatewayV2::Stage")!.Properties;
    expect(stage.StageName).toBe("$default");
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 });
    const format = JSON.parse(stage.AccessLogSettings.Format);
    expect(format).toMatchObject({ requestId: "$context.requestId", status: "$context.status" });
    expect(stage.AccessLogSettings.DestinationArn).toEqual(
      ref(only(logicalIdsOf("AWS::Logs::LogGroup", "ApiAccessLogs"))),
    );
  });

  it("outputs the feed URL, page URL and both topic ARNs", () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(["FeedUrl", "PageUrl", "TopicArn", "OpsTopicArn"]),
    );
    expect(JSON.stringify(outputs.FeedUrl!.Value)).toContain("feed.json");
  });
});

describe("alarms", () => {
  const opsTopic = () => ({ Ref: only(logicalIdsOf("AWS::SNS::Topic", "OpsTopic")) });

  it("page the ops topic when the failure queue holds a message", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [
        {
          Name: "QueueName",
          Value: { "Fn::GetAtt": [only(logicalIdsOf("AWS::SQS::Queue", "FailureDlq")), "QueueName"] },
        },
      ],
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      AlarmActions: [opsTopic()],
    });
  });

  it("page on the API Lambda's errors (the async functions' failures end in the failure queue)", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: [{ Name: "FunctionName", Value: { Ref: functionId("Api") } }],
      AlarmActions: [opsTopic()],
    });
  });

  it("page when a feed has failed for more than a day, from the schedule's every-cycle line, without flapping", () => {
    template.hasResourceProperties("AWS::Logs::MetricFilter", {
      LogGroupName: { Ref: only(logicalIdsOf("AWS::Logs::LogGroup", "ScheduleFunctionLogs")) },
      FilterPattern: '{ ($.message = "feeds failing") && ($.oldestFailureHours >= 0) }',
      MetricTransformations: [
        {
          MetricNamespace: "Heistwatch",
          MetricName: "FeedFailureAgeHours",
          MetricValue: "$.oldestFailureHours",
        },
      ],
    });
    // Three 5-minute cycles per period: one lost cycle cannot clear it; recovery (no more lines) does.
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "Heistwatch",
      MetricName: "FeedFailureAgeHours",
      Statistic: "Maximum",
      Period: 900,
      EvaluationPeriods: 1,
      Threshold: 24,
      ComparisonOperator: "GreaterThanThreshold",
      TreatMissingData: "notBreaching",
      AlarmActions: [opsTopic()],
    });
  });

  it("watch the SMS spend below the account's limit when SMS is on: four alarms in all", () => {
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SNS",
      MetricName: "SMSMonthToDateSpentUSD",
      Threshold: 0.8,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      AlarmActions: [opsTopic()],
    });
    template.resourceCountIs("AWS::CloudWatch::Alarm", 4);
  });

  it("budget the account's monthly cost and alert the ops topic at 80% actual and 100% forecast", () => {
    template.hasResourceProperties("AWS::Budgets::Budget", {
      Budget: { BudgetType: "COST", TimeUnit: "MONTHLY", BudgetLimit: { Amount: 2, Unit: "USD" } },
      NotificationsWithSubscribers: [
        {
          Notification: { NotificationType: "ACTUAL", ComparisonOperator: "GREATER_THAN", Threshold: 80 },
          Subscribers: [{ SubscriptionType: "SNS", Address: opsTopic() }],
        },
        {
          Notification: {
            NotificationType: "FORECASTED",
            ComparisonOperator: "GREATER_THAN",
            Threshold: 100,
          },
          Subscribers: [{ SubscriptionType: "SNS", Address: opsTopic() }],
        },
      ],
    });
  });
});
