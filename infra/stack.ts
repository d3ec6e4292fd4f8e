/**
 * The heistwatch stack, as DESIGN.md draws it:
 * EventBridge schedule -> schedule Lambda -> SQS -> poll Lambda -> DynamoDB + SNS alerts,
 * and an HTTP API -> api Lambda serving the flagged stories. Alarms go to an operations topic.
 */
import { resolve } from "node:path";
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as apigw from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as destinations from "aws-cdk-lib/aws-lambda-destinations";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as logs from "aws-cdk-lib/aws-logs";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subs from "aws-cdk-lib/aws-sns-subscriptions";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { ENV, TABLE_KEYS } from "../lambdas/contract.ts";
import type { Severity } from "../lambdas/core/model/types.ts";
import { acknowledgeFindings } from "./acknowledgements.ts";
import { type HeistwatchConfig, type SubscriberFilter, severitiesAtLeast } from "./config.ts";
import {
  bindQueueSend,
  bindTable,
  bindTopicPublish,
  FLAGGED_INDEX,
  TABLE_ACCESS,
} from "./constructs/bind.ts";
import { HeistwatchFunction } from "./constructs/function.ts";

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
] as const;

/**
 * The feed list reaches the schedule and poll bundles as a compile-time constant (esbuild define),
 * not an environment variable: Lambda caps all env vars at 4 KB together, which ~40 feeds exceed.
 * Base64, because the value passes through a shell command line when the bundler runs.
 */
export const FEEDS_DEFINE = "__HEISTWATCH_FEEDS_B64__";

/** The metric the poll Lambda's "feed failing" log lines feed (see lambdas/poll.ts). */
export const FEED_FAILURE_METRIC = { namespace: "Heistwatch", name: "FeedFailureAgeHours" } as const;

/** The poll Lambda's timeout; the queue's visibility timeout is six times this (AWS's guidance). */
export const POLL_TIMEOUT = Duration.seconds(60);

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

    // ---- Topics: alerts for subscribers, ops for alarms; both encrypted with one rotating key ----
    const key = new kms.Key(this, "TopicKey", {
      description: "heistwatch: encrypts the alerts and operations topics",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    // CloudWatch alarms publish to the encrypted ops topic, so the service must use the key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: ["*"], // in a key policy "*" means this key
        conditions: { StringEquals: { "aws:SourceAccount": this.account } },
      }),
    );
    const alertsTopic = new sns.Topic(this, "AlertsTopic", {
      displayName: "heistwatch",
      masterKey: key,
      enforceSSL: true,
    });
    const opsTopic = new sns.Topic(this, "OpsTopic", {
      displayName: "heistwatch ops",
      masterKey: key,
      enforceSSL: true,
    });

    const subscriptionDlq = this.deadLetterQueue("SubscriptionDlq");
    // SNS delivers undeliverable notifications here (the SMS subscription's redrive is set by hand below).
    for (const topic of [alertsTopic, opsTopic]) {
      subscriptionDlq.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal("sns.amazonaws.com")],
          actions: ["sqs:SendMessage"],
          resources: [subscriptionDlq.queueArn],
          conditions: { ArnEquals: { "aws:SourceArn": topic.topicArn } },
        }),
      );
    }
    for (const subscriber of config.alertEmails) {
      alertsTopic.addSubscription(
        new subs.EmailSubscription(subscriber.address, {
          filterPolicy: filterPolicyFor(subscriber),
          deadLetterQueue: subscriptionDlq,
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
        cfn.redrivePolicy = { deadLetterTargetArn: subscriptionDlq.queueArn };
      }
    }
    if (config.opsEmail) {
      opsTopic.addSubscription(
        new subs.EmailSubscription(config.opsEmail, { deadLetterQueue: subscriptionDlq }),
      );
    }

    // ---- Schedule -> queue -> poll ----
    const scheduleDlq = this.deadLetterQueue("ScheduleDlq");
    const pollDlq = this.deadLetterQueue("PollDlq");
    const pollQueue = new sqs.Queue(this, "PollQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(POLL_TIMEOUT.toSeconds() * 6),
      // A poll request older than a few cycles is stale: the scheduler will enqueue a fresh one.
      retentionPeriod: Duration.hours(1),
      deadLetterQueue: { queue: pollDlq, maxReceiveCount: 3 },
    });

    const scheduleFn = new HeistwatchFunction(this, "ScheduleFunction", {
      entry: entry(LAMBDA_ENTRIES.schedule),
      description: "heistwatch: picks the feeds due for a poll and queues one message each",
      serviceName: "heistwatch-schedule",
      memorySize: 256,
      timeout: Duration.seconds(30),
      logRetentionDays: config.logRetentionDays,
      define: feedsDefine,
      // A failed run is superseded by the next scheduled one; retry once, then park it for a look.
      retryAttempts: 1,
      maxEventAge: Duration.minutes(5),
      deadLetterQueue: scheduleDlq,
      onFailure: new destinations.SqsDestination(scheduleDlq),
    });
    bindTable(scheduleFn, table, TABLE_ACCESS.scheduler);
    bindQueueSend(scheduleFn, pollQueue);

    const rule = new events.Rule(this, "ScheduleRule", {
      description: "heistwatch: start a polling cycle",
      schedule: events.Schedule.expression(config.schedule),
    });
    rule.addTarget(
      new targets.LambdaFunction(scheduleFn.function, {
        retryAttempts: 2,
        maxEventAge: Duration.minutes(10),
        deadLetterQueue: scheduleDlq,
      }),
    );

    const pollFn = new HeistwatchFunction(this, "PollFunction", {
      entry: entry(LAMBDA_ENTRIES.poll),
      description: "heistwatch: polls the queued feeds, stores and classifies articles, sends alerts",
      serviceName: "heistwatch-poll",
      // cheerio's DOM costs many times a page's size; 512 MB also buys proportionally more CPU.
      memorySize: 512,
      timeout: POLL_TIMEOUT,
      logRetentionDays: config.logRetentionDays,
      define: feedsDefine,
      reservedConcurrentExecutions:
        config.pollReservedConcurrency > 0 ? config.pollReservedConcurrency : undefined,
      environment:
        config.minAlertScore === undefined ? {} : { [ENV.minAlertScore]: String(config.minAlertScore) },
    });
    bindTable(pollFn, table, TABLE_ACCESS.poller);
    bindTopicPublish(pollFn, alertsTopic, key);
    pollFn.function.addEventSource(
      new SqsEventSource(pollQueue, {
        batchSize: config.pollBatchSize,
        reportBatchItemFailures: true,
        // Matches the reserved concurrency, so the poller never receives more than it may run.
        maxConcurrency: Math.max(2, config.pollReservedConcurrency),
      }),
    );

    // ---- Public API ----
    const apiFn = new HeistwatchFunction(this, "ApiFunction", {
      entry: entry(LAMBDA_ENTRIES.api),
      description: "heistwatch: serves flagged stories as JSON Feed, RSS and HTML",
      serviceName: "heistwatch-api",
      memorySize: 256,
      timeout: Duration.seconds(10),
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

    // ---- Alarms -> ops topic ----
    const alarmAction = new cwActions.SnsAction(opsTopic);
    const alarm = (id: string, props: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, id, props);
      created.addAlarmAction(alarmAction);
      return created;
    };
    for (const [id, queue, what] of [
      ["PollDlqAlarm", pollDlq, "poll requests failed three times"],
      ["ScheduleDlqAlarm", scheduleDlq, "scheduled polling cycles failed"],
      ["SubscriptionDlqAlarm", subscriptionDlq, "alerts could not be delivered to a subscriber"],
    ] as const) {
      alarm(id, {
        alarmDescription: `heistwatch: ${what} (messages waiting in ${id.replace("Alarm", "")})`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    for (const [id, fn] of [
      ["ScheduleErrorsAlarm", scheduleFn],
      ["PollErrorsAlarm", pollFn],
      ["ApiErrorsAlarm", apiFn],
    ] as const) {
      alarm(id, {
        alarmDescription: `heistwatch: ${id.replace("ErrorsAlarm", "").toLowerCase()} Lambda errors`,
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    // The poll Lambda logs `feedFailureAgeHours` for every failing feed; the filter turns it into a metric.
    const feedFailureFilter = new logs.MetricFilter(this, "FeedFailureAgeFilter", {
      logGroup: pollFn.logGroup,
      filterPattern: logs.FilterPattern.numberValue("$.feedFailureAgeHours", ">=", 0),
      metricNamespace: FEED_FAILURE_METRIC.namespace,
      metricName: FEED_FAILURE_METRIC.name,
      metricValue: "$.feedFailureAgeHours",
      unit: cloudwatch.Unit.COUNT,
    });
    alarm("FeedFailingAlarm", {
      alarmDescription: `heistwatch: a feed has been failing for more than ${config.feedFailureAlarmHours} hours (see the poll logs for "feed failing")`,
      metric: feedFailureFilter.metric({ period: Duration.hours(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: config.feedFailureAlarmHours,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (config.smsEnabled) {
      alarm("SmsSpendAlarm", {
        alarmDescription: `heistwatch: the account's SMS spend this month passed ${config.smsSpendAlarmUsd} USD`,
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
      stack: this,
      functions: { schedule: scheduleFn, poll: pollFn, api: apiFn },
      deadLetterQueues: [scheduleDlq, pollDlq, subscriptionDlq],
      httpApi,
    });
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
