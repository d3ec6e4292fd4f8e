/**
 * The heistwatch stack:
 * EventBridge schedule -> schedule Lambda -> async invocations -> poll Lambda -> DynamoDB + SNS alerts,
 * and an HTTP API -> api Lambda serving the flagged stories. Alarms and the budget go to an operations topic.
 *
 * Cost by design (docs/deploy.md#what-it-costs-per-month): nothing is billed while idle (no queue
 * long-polled all month, no customer key, no tracing unless asked), and at most three alarms by default.
 */
import { resolve } from "node:path";
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as budgets from "aws-cdk-lib/aws-budgets";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as destinations from "aws-cdk-lib/aws-lambda-destinations";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subs from "aws-cdk-lib/aws-sns-subscriptions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { ENV, TABLE_KEYS } from "../lambdas/contract.ts";
import type { Severity } from "../lambdas/core/model/types.ts";
import { FEEDS_FAILING_MESSAGE, OLDEST_FAILURE_FIELD } from "../lambdas/schedule-signals.ts";
import { acknowledgeFindings } from "./acknowledgements.ts";
import { type HeistwatchConfig, type SubscriberFilter, severitiesAtLeast } from "./config.ts";
import {
  bindPollInvoke,
  bindTable,
  bindTopicPublish,
  FLAGGED_INDEX,
  TABLE_ACCESS,
} from "./constructs/bind.ts";
import { HeistwatchFunction } from "./constructs/function.ts";
import { DIGEST_ENTRY, Subscriptions } from "./constructs/subscriptions.ts";
import { FUNCTION_SIZES, scheduleIntervalMinutes } from "./sizing.ts";

/** Handler entry files, relative to the project root. */
export const LAMBDA_ENTRIES = {
  schedule: "lambdas/schedule.ts",
  poll: "lambdas/poll.ts",
  api: "lambdas/api.ts",
} as const;

/**
 * Paths the public API serves (GET, HEAD, and OPTIONS for browsers' CORS preflight, e.g. when a page
 * script sends If-None-Match); anything else is a 404 from API Gateway itself, never reaching the Lambda.
 */
export const API_ROUTES = [
  "/",
  "/feed.json",
  "/feed.xml",
  "/items/{id}",
  "/stories/{id}",
  "/status.json",
  // The record of heists (core/api/incidents-route.ts).
  "/incidents.json",
  "/incidents.csv",
  "/incidents.schema.json",
  "/record",
] as const;

/**
 * The feed list reaches the schedule and poll bundles as a compile-time constant (esbuild define),
 * not an environment variable: Lambda caps all env vars at 4 KB together, which ~40 feeds exceed.
 * Base64, because the value passes through a shell command line when the bundler runs.
 */
export const FEEDS_DEFINE = "__HEISTWATCH_FEEDS_B64__";

/** The metric the schedule Lambda's "feeds failing" log line feeds (see lambdas/schedule.ts). */
export const FEED_FAILURE_METRIC = { namespace: "Heistwatch", name: "FeedFailureAgeHours" } as const;

/** The poll Lambda's timeout. */
export const POLL_TIMEOUT = Duration.seconds(FUNCTION_SIZES.poll.timeoutSeconds);

/** SNS's AWS-managed key: free, but only SNS's callers in the account may use it (not CloudWatch or Budgets). */
const SNS_MANAGED_KEY_ALIAS = "alias/aws/sns";

/**
 * The feed-failing alarm's period spans this many schedule cycles: its signal is logged every cycle
 * while a feed fails too long, so one late or lost cycle cannot clear it (see the alarm below).
 */
const FEED_FAILURE_PERIOD_CYCLES = 3;

export interface HeistwatchStackProps extends StackProps {
  config: HeistwatchConfig;
  /** Absolute path of the project root (handler entries resolve against it). */
  projectRoot: string;
}

export class HeistwatchStack extends Stack {
  constructor(scope: Construct, id: string, props: HeistwatchStackProps) {
    super(scope, id, props);
    const { config, projectRoot } = props;
    const entry = (path: string) => resolve(projectRoot, path);
    const feedsDefine = {
      [FEEDS_DEFINE]: JSON.stringify(Buffer.from(JSON.stringify(config.feeds)).toString("base64")),
    };

    // ---- Storage: one table, the contract in docs/store-and-alerts.md ----
    const table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      deletionProtection: config.tableDeletionProtection,
      removalPolicy: {
        retain: RemovalPolicy.RETAIN,
        snapshot: RemovalPolicy.SNAPSHOT,
        destroy: RemovalPolicy.DESTROY,
      }[config.tableRemovalPolicy],
    });
    table.addGlobalSecondaryIndex({
      indexName: FLAGGED_INDEX,
      partitionKey: { name: TABLE_KEYS.gsi1PartitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.gsi1SortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });

    // ---- Topics: alerts for subscribers, ops for alarms and the budget ----
    // AWS-managed encryption by default: a customer key costs $1/month and buys nothing here but
    // letting CloudWatch write to an encrypted ops topic, whose alarm texts hold no secrets.
    const customerKey = config.topicEncryption === "customer" ? this.topicKey() : undefined;
    const alertsTopic = new sns.Topic(this, "AlertsTopic", {
      displayName: "heistwatch",
      masterKey: customerKey ?? kms.Alias.fromAliasName(this, "SnsManagedKey", SNS_MANAGED_KEY_ALIAS),
      enforceSSL: true,
    });
    const opsTopic = new sns.Topic(this, "OpsTopic", {
      displayName: "heistwatch ops",
      masterKey: customerKey,
      enforceSSL: true,
    });
    // enforceSSL leaves the topic a policy with only a Deny, replacing SNS's default policy: without
    // these Allows no alarm and no budget alert would ever reach the topic.
    for (const [service, sourceArn] of [
      ["cloudwatch.amazonaws.com", `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`],
      ["budgets.amazonaws.com", `arn:${this.partition}:budgets::${this.account}:*`],
    ] as const) {
      opsTopic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `Allow${service.split(".")[0]}Publish`,
          principals: [new iam.ServicePrincipal(service)],
          actions: ["sns:Publish"],
          resources: [opsTopic.topicArn],
          conditions: {
            StringEquals: { "aws:SourceAccount": this.account },
            ArnLike: { "aws:SourceArn": sourceArn },
          },
        }),
      );
    }
    if (!config.opsEmail) {
      Annotations.of(this).addWarningV2(
        "heistwatch:no-ops-email",
        "No opsEmail is set: alarms and the budget alert go to the ops topic, which nobody is subscribed " +
          "to. Deploy with -c opsEmail=you@example.org (or subscribe to OpsTopicArn yourself).",
      );
    }

    // One queue parks every failure: undeliverable alerts, failed cycles, polls that failed their retry.
    // One queue is one alarm; each message says where it came from.
    const failureQueue = this.deadLetterQueue("FailureDlq");
    // SNS delivers undeliverable notifications here (the SMS subscription's redrive is set by hand below).
    for (const topic of [alertsTopic, opsTopic]) {
      failureQueue.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal("sns.amazonaws.com")],
          actions: ["sqs:SendMessage"],
          resources: [failureQueue.queueArn],
          conditions: { ArnEquals: { "aws:SourceArn": topic.topicArn } },
        }),
      );
    }
    for (const subscriber of config.alertEmails) {
      alertsTopic.addSubscription(
        new subs.EmailSubscription(subscriber.address, {
          filterPolicy: filterPolicyFor(subscriber),
          deadLetterQueue: failureQueue,
        }),
      );
    }
    if (config.smsEnabled) {
      for (const subscriber of config.alertPhones) {
        const subscription = alertsTopic.addSubscription(
          new subs.SmsSubscription(subscriber.address, {
            filterPolicy: filterPolicyFor(subscriber, config.smsMinSeverity),
          }),
        );
        // aws-cdk-lib's SmsSubscription drops deadLetterQueue, so set the redrive policy directly.
        const cfn = subscription.node.defaultChild as sns.CfnSubscription;
        cfn.redrivePolicy = { deadLetterTargetArn: failureQueue.queueArn };
      }
    }
    if (config.opsEmail) {
      opsTopic.addSubscription(
        new subs.EmailSubscription(config.opsEmail, { deadLetterQueue: failureQueue }),
      );
    }

    // ---- Schedule -> async invocations -> poll ----
    const pollFn = new HeistwatchFunction(this, "PollFunction", {
      entry: entry(LAMBDA_ENTRIES.poll),
      description: "heistwatch: polls the feeds it is given, stores and classifies articles, sends alerts",
      serviceName: "heistwatch-poll",
      memorySize: FUNCTION_SIZES.poll.memoryMb,
      timeout: POLL_TIMEOUT,
      tracing: config.xray,
      logRetentionDays: config.logRetentionDays,
      define: feedsDefine,
      reservedConcurrentExecutions:
        config.pollReservedConcurrency > 0 ? config.pollReservedConcurrency : undefined,
      environment: {
        [ENV.pollConcurrency]: String(FUNCTION_SIZES.poll.concurrency),
        ...(config.minAlertScore === undefined ? {} : { [ENV.minAlertScore]: String(config.minAlertScore) }),
        ...(config.storyWindowHours === undefined
          ? {}
          : { [ENV.storyWindowHours]: String(config.storyWindowHours) }),
      },
      // Polling is idempotent: retry a failed invocation once, then park it; the next cycle polls anew.
      retryAttempts: 1,
      maxEventAge: Duration.minutes(15),
      deadLetterQueue: failureQueue,
      onFailure: new destinations.SqsDestination(failureQueue),
    });
    bindTable(pollFn, table, TABLE_ACCESS.poller);
    bindTopicPublish(pollFn, alertsTopic, customerKey);

    const scheduleFn = new HeistwatchFunction(this, "ScheduleFunction", {
      entry: entry(LAMBDA_ENTRIES.schedule),
      description: "heistwatch: picks the feeds due for a poll and starts the poller on them",
      serviceName: "heistwatch-schedule",
      memorySize: FUNCTION_SIZES.schedule.memoryMb,
      timeout: Duration.seconds(FUNCTION_SIZES.schedule.timeoutSeconds),
      tracing: config.xray,
      logRetentionDays: config.logRetentionDays,
      define: feedsDefine,
      environment: {
        [ENV.pollBatchSize]: String(config.pollBatchSize),
        [ENV.feedFailureAlarmHours]: String(config.feedFailureAlarmHours),
      },
      // A failed run is superseded by the next scheduled one; retry once, then park it for a look.
      retryAttempts: 1,
      maxEventAge: Duration.minutes(5),
      deadLetterQueue: failureQueue,
      onFailure: new destinations.SqsDestination(failureQueue),
    });
    bindTable(scheduleFn, table, TABLE_ACCESS.scheduler);
    bindPollInvoke(scheduleFn, pollFn.function);

    // Scheduled EventBridge rules are free, and the target is the function itself: nothing idles between cycles.
    const rule = new events.Rule(this, "ScheduleRule", {
      description: "heistwatch: start a polling cycle",
      schedule: events.Schedule.expression(config.schedule),
    });
    rule.addTarget(
      new targets.LambdaFunction(scheduleFn.function, {
        retryAttempts: 2,
        maxEventAge: Duration.minutes(10),
        deadLetterQueue: failureQueue,
      }),
    );

    // ---- Public API ----
    const apiFn = new HeistwatchFunction(this, "ApiFunction", {
      entry: entry(LAMBDA_ENTRIES.api),
      description: "heistwatch: serves flagged stories as JSON Feed, RSS and HTML",
      serviceName: "heistwatch-api",
      memorySize: FUNCTION_SIZES.api.memoryMb,
      timeout: Duration.seconds(FUNCTION_SIZES.api.timeoutSeconds),
      tracing: config.xray,
      logRetentionDays: config.logRetentionDays,
    });
    bindTable(apiFn, table, TABLE_ACCESS.api);

    const httpApi = new apigwv2.HttpApi(this, "HttpApi", {
      description: "heistwatch public feed",
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, "ApiAccessLogs", {
      retention: config.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = new apigwv2.HttpStage(this, "ApiStage", {
      httpApi,
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: config.apiThrottleRate, burstLimit: config.apiThrottleBurst },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            requestTime: "$context.requestTime",
            method: "$context.httpMethod",
            path: "$context.path",
            status: "$context.status",
            responseLength: "$context.responseLength",
            latencyMs: "$context.responseLatency",
            integrationError: "$context.integrationErrorMessage",
          }),
        ),
      },
    });
    const integration = new HttpLambdaIntegration("ApiIntegration", apiFn.function, {
      payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
    });
    for (const path of API_ROUTES) {
      httpApi.addRoutes({
        path,
        methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.HEAD, apigwv2.HttpMethod.OPTIONS],
        integration,
      });
    }
    const baseUrl = stage.url; // ends with "/"
    apiFn.addEnvironment(ENV.publicBaseUrl, baseUrl);
    // Alerts link each story's page on this API.
    pollFn.addEnvironment(ENV.publicBaseUrl, baseUrl);

    if (config.websubHubUrl) {
      // WebSub: the feeds name the hub; the poller pings it with the feeds' public URLs.
      apiFn.addEnvironment(ENV.websubHubUrl, config.websubHubUrl);
      pollFn.addEnvironment(ENV.websubHubUrl, config.websubHubUrl);
      pollFn.addEnvironment(ENV.publicBaseUrl, baseUrl);
    }

    // ---- Public sign-up and digests (infra/constructs/subscriptions.ts) ----
    if (config.signup.enabled) {
      new Subscriptions(this, "Subscriptions", {
        config: config.signup,
        smsEnabled: config.smsEnabled,
        logRetentionDays: config.logRetentionDays,
        apiFunction: apiFn,
        httpApi,
        integration,
        table,
        alertsTopic,
        topicKey: customerKey,
        failureQueue,
        tracing: config.xray,
        digestEntry: entry(DIGEST_ENTRY),
      });
    }

    // ---- Alarms -> ops topic: three by default (docs/deploy.md#alarms says what each watches) ----
    const alarmAction = new cwActions.SnsAction(opsTopic);
    const alarm = (id: string, props: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, id, props);
      created.addAlarmAction(alarmAction);
      return created;
    };
    alarm("FailuresAlarm", {
      alarmDescription:
        "heistwatch: something failed for good: a polling cycle or a poll after its retry, or an alert SNS " +
        "could not deliver (messages waiting in FailureDlq; each names its source)",
      metric: failureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // The schedule and poll functions are invoked asynchronously, so their lasting failures land in
    // FailureDlq above; only the API's (synchronous) errors need their own alarm.
    alarm("ApiErrorsAlarm", {
      alarmDescription: "heistwatch: the public API's Lambda returned errors",
      metric: apiFn.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // The schedule Lambda logs the oldest failure age every cycle while any feed has failed longer than
    // the threshold, from the stored feed states: a steady signal even though the failing feed itself is
    // retried only every few hours. The period spans several cycles, so one lost cycle cannot clear it;
    // when the feed recovers the line stops, the data goes missing, and the alarm returns to OK.
    // The metric only exists (and is only billed) in hours when a feed is failing that long.
    const feedFailureFilter = new logs.MetricFilter(this, "FeedFailureAgeFilter", {
      logGroup: scheduleFn.logGroup,
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue("$.message", "=", FEEDS_FAILING_MESSAGE),
        logs.FilterPattern.numberValue(`$.${OLDEST_FAILURE_FIELD}`, ">=", 0),
      ),
      metricNamespace: FEED_FAILURE_METRIC.namespace,
      metricName: FEED_FAILURE_METRIC.name,
      metricValue: `$.${OLDEST_FAILURE_FIELD}`,
      unit: cloudwatch.Unit.COUNT,
    });
    alarm("FeedFailingAlarm", {
      alarmDescription: `heistwatch: a feed has been failing for more than ${config.feedFailureAlarmHours} hours (the schedule logs name it: "${FEEDS_FAILING_MESSAGE}")`,
      metric: feedFailureFilter.metric({
        period: feedFailurePeriod(config.schedule),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: config.feedFailureAlarmHours,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (config.smsEnabled) {
      alarm("SmsSpendAlarm", {
        alarmDescription:
          `heistwatch: the account's SMS spend this month reached ${config.smsSpendAlarmUsd} USD; AWS stops ` +
          `sending SMS at the account's limit (${config.smsSpendLimitUsd} USD)`,
        metric: new cloudwatch.Metric({
          namespace: "AWS/SNS",
          metricName: "SMSMonthToDateSpentUSD",
          period: Duration.hours(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: config.smsSpendAlarmUsd,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    // ---- Budget: the operator hears of a surprise bill before the invoice ----
    if (config.budgetUsd > 0) {
      const toOps = [{ subscriptionType: "SNS", address: opsTopic.topicArn }];
      new budgets.CfnBudget(this, "Budget", {
        budget: {
          budgetType: "COST",
          timeUnit: "MONTHLY",
          budgetLimit: { amount: config.budgetUsd, unit: "USD" },
        },
        notificationsWithSubscribers: [
          {
            notification: {
              notificationType: "ACTUAL",
              comparisonOperator: "GREATER_THAN",
              threshold: 80,
              thresholdType: "PERCENTAGE",
            },
            subscribers: toOps,
          },
          {
            notification: {
              notificationType: "FORECASTED",
              comparisonOperator: "GREATER_THAN",
              threshold: 100,
              thresholdType: "PERCENTAGE",
            },
            subscribers: toOps,
          },
        ],
      });
    }

    // ---- Outputs ----
    new CfnOutput(this, "FeedUrl", {
      value: `${baseUrl}feed.json`,
      description: "JSON Feed 1.1 of flagged stories",
    });
    new CfnOutput(this, "PageUrl", { value: baseUrl, description: "HTML page of flagged stories" });
    new CfnOutput(this, "TopicArn", {
      value: alertsTopic.topicArn,
      description: "SNS topic of story alerts",
    });
    new CfnOutput(this, "OpsTopicArn", {
      value: opsTopic.topicArn,
      description: "SNS topic of operational alarms",
    });
    new CfnOutput(this, "TableName", { value: table.tableName });

    acknowledgeFindings({
      functions: { schedule: scheduleFn, poll: pollFn, api: apiFn },
      xray: config.xray,
      deadLetterQueues: [failureQueue],
      opsTopic: customerKey ? undefined : opsTopic,
      httpApi,
    });
  }

  /** The customer-managed key (topicEncryption=customer): rotating, usable by CloudWatch and Budgets for the ops topic. */
  private topicKey(): kms.Key {
    const key = new kms.Key(this, "TopicKey", {
      description: "heistwatch: encrypts the alerts and operations topics",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch alarms and budget alerts publish to the encrypted ops topic, so those services must use the key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [
          new iam.ServicePrincipal("cloudwatch.amazonaws.com"),
          new iam.ServicePrincipal("budgets.amazonaws.com"),
        ],
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: ["*"], // in a key policy "*" means this key
        conditions: { StringEquals: { "aws:SourceAccount": this.account } },
      }),
    );
    return key;
  }

  /** A queue that only parks failures: encrypted, TLS-only, kept for the longest SQS allows. */
  private deadLetterQueue(id: string): sqs.Queue {
    return new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
  }
}

/** The feed-failing alarm's period: FEED_FAILURE_PERIOD_CYCLES schedule cycles, whole minutes, at most a day. */
export function feedFailurePeriod(schedule: string): Duration {
  const minutes = Math.ceil(scheduleIntervalMinutes(schedule) * FEED_FAILURE_PERIOD_CYCLES);
  return Duration.minutes(Math.min(Math.max(minutes, 5), 24 * 60));
}

/**
 * The SNS filter policy for one subscriber. Attributes come from the SNS notifier (the contract in
 * lambdas/core/alerts/attributes.ts): severity (String), actor (String.Array), score (Number).
 * `kind` is always limited to new and update, so a story that becomes corroborated later is not
 * told twice (its one `corroborated` message is for corroborated-only subscriptions).
 */
export function filterPolicyFor(
  filter: SubscriberFilter,
  defaultMinSeverity?: Severity,
): Record<string, sns.SubscriptionFilter> | undefined {
  const policy: Record<string, sns.SubscriptionFilter> = {
    kind: sns.SubscriptionFilter.stringFilter({ allowlist: ["new", "update"] }),
  };
  const minSeverity = filter.minSeverity ?? defaultMinSeverity;
  if (minSeverity && minSeverity !== "low") {
    policy.severity = sns.SubscriptionFilter.stringFilter({ allowlist: severitiesAtLeast(minSeverity) });
  }
  if (filter.actors) policy.actor = sns.SubscriptionFilter.stringFilter({ allowlist: filter.actors });
  if (filter.minScore !== undefined) {
    policy.score = sns.SubscriptionFilter.numericFilter({ greaterThanOrEqualTo: filter.minScore });
  }
  return Object.keys(policy).length > 0 ? policy : undefined;
}
