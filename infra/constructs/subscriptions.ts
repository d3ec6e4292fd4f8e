/**
 * Public sign-up and digests on AWS:
 * - POST /subscriptions on the HTTP API, served by the api function, which alone may call
 *   sns:Subscribe, and only on the alerts topic; its rate-limit counters are the only items it
 *   may write (dynamodb:LeadingKeys "RL#*").
 * - A digest function on two EventBridge rules (daily at the configured UTC hour, weekly on the
 *   configured day), publishing one digest per severity tier; it may write only digest slots.
 * SNS's own confirmation mail is the double opt-in; phones sign up only with SMS on, proven by a
 * code (see docs/deploy.md#public-sign-up).
 */
import { Duration, Validations } from "aws-cdk-lib";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import type { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as destinations from "aws-cdk-lib/aws-lambda-destinations";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { ENV, KEY_PREFIX } from "../../lambdas/contract.ts";
import { FUNCTION_SIZES } from "../sizing.ts";
import { SIGNUP_LIMIT_ENV } from "../../lambdas/core/subscriptions/limits.ts";
import type { SignupConfig } from "../config.ts";
import { bindTable, bindTopicPublish } from "./bind.ts";
import { HeistwatchFunction } from "./function.ts";

/** The sign-up route (POST only; GET/HEAD of it would only ever be a 405). */
export const SIGNUP_ROUTE = "/subscriptions";
export const DIGEST_ENTRY = "lambdas/digest.ts";

export interface SubscriptionsProps {
  config: SignupConfig;
  /** The operator enabled SMS: the public may sign up numbers, proven by an SMS code. */
  smsEnabled: boolean;
  logRetentionDays: number;
  apiFunction: HeistwatchFunction;
  httpApi: apigwv2.HttpApi;
  integration: HttpLambdaIntegration;
  table: { tableName: string; tableArn: string };
  alertsTopic: sns.ITopic;
  /** The topics' customer-managed key, when topicEncryption=customer (publishing then needs it). */
  topicKey?: kms.IKey;
  /** The stack's one failure queue: undeliverable notifications, a failed digest run. */
  failureQueue: sqs.IQueue;
  /** X-Ray tracing on the functions (the `xray` setting). */
  tracing: boolean;
  /** Absolute path of lambdas/digest.ts. */
  digestEntry: string;
}

/** The limits as the api reads them (core/subscriptions/limits.ts names the suffixes). */
function signupLimitEnv(config: SignupConfig): Record<string, number> {
  return {
    [SIGNUP_LIMIT_ENV.perClientPerHour]: config.perClientPerHour,
    [SIGNUP_LIMIT_ENV.perAddressPerDay]: config.perAddressPerDay,
    [SIGNUP_LIMIT_ENV.confirmationsPerDay]: config.confirmationsPerDay,
  };
}

export class Subscriptions extends Construct {
  readonly digestFunction: HeistwatchFunction;

  /**
   * Phone sign-up: the api texts a code straight to the number (sns:Publish without a topic, which
   * IAM can only grant on "*"; a Deny on every topic keeps it from publishing anywhere else), keeps
   * the pending sign-up under SMSCODE#, and subscribes the number once the code is right.
   */
  private allowSmsSignup(props: SubscriptionsProps): void {
    const role = props.apiFunction.role;
    role.addToPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ["sns:Publish"],
        resources: ["arn:aws:sns:*:*:*"],
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ["sns:Publish"], resources: ["*"] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        resources: [props.table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIX.smsCode}*`] } },
      }),
    );
    Validations.of(role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Two '*' resources: X-Ray's xray:PutTraceSegments/PutTelemetryRecords (no resource-level permissions), and " +
        "sns:Publish for SMS sign-up codes sent straight to a phone number, which has no ARN to grant; a Deny " +
        "on arn:aws:sns:*:*:* in the same role keeps it from publishing to any topic (test/signup-infra.test.ts).",
    });
    props.apiFunction.addEnvironment(ENV.smsSignupEnabled, "true");
    props.httpApi.addRoutes({
      path: `${SIGNUP_ROUTE}/verify`,
      methods: [apigwv2.HttpMethod.POST],
      integration: props.integration,
    });
  }

  constructor(scope: Construct, id: string, props: SubscriptionsProps) {
    super(scope, id);
    const { config, apiFunction, alertsTopic, table } = props;

    // ---- Sign-up: the api function subscribes, to the alerts topic only ----
    apiFunction.role.addToPolicy(
      new iam.PolicyStatement({ actions: ["sns:Subscribe"], resources: [alertsTopic.topicArn] }),
    );
    apiFunction.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:UpdateItem"],
        resources: [table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIX.rateLimit}*`] } },
      }),
    );
    apiFunction.addEnvironment(ENV.alertsTopicArn, alertsTopic.topicArn);
    apiFunction.addEnvironment(ENV.subscriptionDlqArn, props.failureQueue.queueArn);
    for (const [suffix, value] of Object.entries(signupLimitEnv(config))) {
      apiFunction.addEnvironment(`${ENV.signupLimitsPrefix}${suffix}`, String(value));
    }
    props.httpApi.addRoutes({
      path: SIGNUP_ROUTE,
      methods: [apigwv2.HttpMethod.POST],
      integration: props.integration,
    });
    if (props.smsEnabled) this.allowSmsSignup(props);

    // ---- Digests ----
    this.digestFunction = new HeistwatchFunction(this, "DigestFunction", {
      entry: props.digestEntry,
      description: "heistwatch: publishes the daily and weekly digests to the alerts topic",
      serviceName: "heistwatch-digest",
      memorySize: FUNCTION_SIZES.digest.memoryMb,
      timeout: Duration.seconds(FUNCTION_SIZES.digest.timeoutSeconds),
      tracing: props.tracing,
      logRetentionDays: props.logRetentionDays,
      environment: {
        [ENV.digestHourUtc]: String(config.digestHourUtc),
        [ENV.digestWeekday]: String(config.digestWeekday),
      },
      // A digest slot is claimed before publishing, so a retry would send nothing: park failures instead.
      retryAttempts: 0,
      maxEventAge: Duration.hours(1),
      deadLetterQueue: props.failureQueue,
      onFailure: new destinations.SqsDestination(props.failureQueue),
    });
    // Reads stories on the index; writes only its own slot claims.
    bindTable(this.digestFunction, table, { table: [], index: ["dynamodb:Query"] });
    this.digestFunction.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:PutItem"],
        resources: [table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [`${KEY_PREFIX.digestSlot}*`] } },
      }),
    );
    bindTopicPublish(this.digestFunction, alertsTopic, props.topicKey);

    const weekdays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    for (const [ruleId, period, schedule] of [
      ["DailyDigestRule", "daily", events.Schedule.cron({ minute: "0", hour: String(config.digestHourUtc) })],
      [
        "WeeklyDigestRule",
        "weekly",
        events.Schedule.cron({
          minute: "0",
          hour: String(config.digestHourUtc),
          weekDay: weekdays[config.digestWeekday],
        }),
      ],
    ] as const) {
      new events.Rule(this, ruleId, {
        description: `heistwatch: publish the ${period} digest`,
        schedule,
      }).addTarget(
        new targets.LambdaFunction(this.digestFunction.function, {
          event: events.RuleTargetInput.fromObject({ period }),
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: props.failureQueue,
        }),
      );
    }

    if (props.tracing) {
      Validations.of(this.digestFunction.role).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason:
          "X-Ray tracing (Tracing.ACTIVE) needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support " +
          "no resource-level permissions; they are the only '*' resources in the role.",
      });
    } else {
      Validations.of(this.digestFunction.function).acknowledge({
        id: "Serverless-LambdaTracing",
        reason:
          "X-Ray is off unless -c xray=true (billed per trace); the digest logs one summary line per run.",
      });
    }
  }
}
