/**
 * Every cdk-nag finding this stack accepts, each on the narrowest construct it concerns and with the
 * reason it is safe. test/infra/nag.test.ts proves nothing else is found; the template tests prove the
 * facts the reasons rely on (e.g. the only `Resource: "*"` statements are X-Ray's).
 */
import { Validations } from "aws-cdk-lib";
import type * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import type { HeistwatchFunction } from "./constructs/function.ts";

export interface AcknowledgedParts {
  stack: Construct;
  functions: { schedule: HeistwatchFunction; poll: HeistwatchFunction; api: HeistwatchFunction };
  deadLetterQueues: sqs.Queue[];
  httpApi: apigwv2.HttpApi;
}

const XRAY_REASON =
  "X-Ray tracing (Tracing.ACTIVE) needs xray:PutTraceSegments and xray:PutTelemetryRecords, which " +
  "support no resource-level permissions, so their resource must be '*'. These are the only '*' " +
  "resources in the role (asserted by test/infra/stack.test.ts).";

/** Records the acknowledgements (Validations.of(...).acknowledge) that cdk-nag 3 honours. */
export function acknowledgeFindings(parts: AcknowledgedParts): void {
  const { functions, deadLetterQueues, httpApi } = parts;

  for (const fn of Object.values(functions)) {
    Validations.of(fn.role).acknowledge({ id: "AwsSolutions-IAM5[Resource::*]", reason: XRAY_REASON });
  }

  Validations.of(functions.poll.function).acknowledge(
    {
      id: "Serverless-LambdaDLQ",
      reason:
        "Invoked synchronously by the SQS event source mapping, where a function DLQ never applies (it only " +
        "catches asynchronous invocations). A failed record returns to PollQueue, whose redrive policy moves " +
        "it to PollDlq after 3 receives; PollDlqAlarm pages when that happens.",
    },
    {
      id: "Serverless-LambdaEventSourceMappingDestination",
      reason:
        "SQS event source mappings do not support on-failure destinations (only stream and Kafka sources " +
        "do). The failure path is PollQueue's redrive policy to PollDlq (maxReceiveCount 3), alarmed by PollDlqAlarm.",
    },
  );
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
          "This queue IS a dead-letter queue (of SNS subscriptions, the EventBridge target and async Lambda " +
          "invocations, or PollQueue); a DLQ of a DLQ only moves the problem. A CloudWatch alarm pages when it is not empty.",
      },
      {
        id: "Serverless-SQSRedrivePolicy",
        reason:
          "This queue IS a dead-letter queue; nothing consumes it, so a redrive policy would never trigger. " +
          "A CloudWatch alarm pages when it is not empty, and messages are kept 14 days for inspection.",
      },
    );
  }

  Validations.of(httpApi).acknowledge({
    id: "AwsSolutions-APIG4",
    reason:
      "The API is a public, read-only news feed (JSON Feed, RSS, HTML) meant for anonymous feed readers; it " +
      "exposes only stories already published by news sites. Abuse is bounded by stage throttling (rate and " +
      "burst limits), and its function may only Query/GetItem the table.",
  });
}
