/**
 * Every cdk-nag finding this stack accepts, each on the narrowest construct it concerns and with the
 * reason it is safe. test/infra/nag.test.ts proves nothing else is found; the template tests prove the
 * facts the reasons rely on (e.g. the only `Resource: "*"` statements are X-Ray's).
 */
import { Validations } from "aws-cdk-lib";
import type * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { HeistwatchFunction } from "./constructs/function.ts";

export interface AcknowledgedParts {
  functions: { schedule: HeistwatchFunction; poll: HeistwatchFunction; api: HeistwatchFunction };
  /** Whether X-Ray tracing is on (the `xray` setting). */
  xray: boolean;
  deadLetterQueues: sqs.Queue[];
  /** The ops topic, when it is unencrypted (topicEncryption=aws-managed). */
  opsTopic: sns.Topic | undefined;
  httpApi: apigwv2.HttpApi;
}

const XRAY_REASON =
  "X-Ray tracing (Tracing.ACTIVE) needs xray:PutTraceSegments and xray:PutTelemetryRecords, which " +
  "support no resource-level permissions, so their resource must be '*'. These are the only '*' " +
  "resources in the role (asserted by test/infra/stack.test.ts).";

const NO_TRACING_REASON =
  "X-Ray is off by default to keep the idle bill near zero: every invocation would be a billed trace " +
  "(~$0.27/month at the default schedule, more than all compute), and each function already logs one " +
  "structured summary line per run. Turn it on with -c xray=true when debugging latency.";

/** Records the acknowledgements (Validations.of(...).acknowledge) that cdk-nag 3 honours. */
export function acknowledgeFindings(parts: AcknowledgedParts): void {
  const { functions, deadLetterQueues, httpApi, opsTopic } = parts;

  for (const fn of Object.values(functions)) {
    if (parts.xray) {
      Validations.of(fn.role).acknowledge({ id: "AwsSolutions-IAM5[Resource::*]", reason: XRAY_REASON });
    } else {
      Validations.of(fn.function).acknowledge({ id: "Serverless-LambdaTracing", reason: NO_TRACING_REASON });
    }
  }

  Validations.of(functions.api.function).acknowledge({
    id: "Serverless-LambdaDLQ",
    reason:
      "Invoked synchronously by the HTTP API: the caller receives the error and a function DLQ (which only " +
      "catches asynchronous invocations) would never receive anything. Errors raise ApiErrorsAlarm.",
  });

  for (const queue of deadLetterQueues) {
    Validations.of(queue).acknowledge(
      {
        id: "AwsSolutions-SQS3",
        reason:
          "This queue IS the dead-letter queue (of SNS subscriptions, the EventBridge target and the async " +
          "Lambda invocations); a DLQ of a DLQ only moves the problem. FailuresAlarm pages when it is not empty.",
      },
      {
        id: "Serverless-SQSRedrivePolicy",
        reason:
          "This queue IS the dead-letter queue; nothing consumes it, so a redrive policy would never trigger. " +
          "FailuresAlarm pages when it is not empty, and messages are kept 14 days for inspection.",
      },
    );
  }

  if (opsTopic) {
    Validations.of(opsTopic).acknowledge({
      id: "AwsSolutions-SNS2",
      reason:
        "CloudWatch alarms and AWS Budgets cannot publish to a topic under SNS's AWS-managed key, and a " +
        "customer key costs $1/month, more than the rest of the idle stack. The ops topic carries only alarm " +
        "and budget texts (no subscriber data), over TLS only (enforceSSL). -c topicEncryption=customer " +
        "encrypts it with a customer key.",
    });
  }

  Validations.of(httpApi).acknowledge({
    id: "AwsSolutions-APIG4",
    reason:
      "The API is a public, read-only news feed (JSON Feed, RSS, HTML) meant for anonymous feed readers; it " +
      "exposes only stories already published by news sites. Abuse is bounded by stage throttling (rate and " +
      "burst limits), and its function may only Query/GetItem the table.",
  });
}
