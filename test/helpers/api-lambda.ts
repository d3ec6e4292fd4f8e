/**
 * The real api Lambda module (lambdas/api.ts) for tests of the AWS path: its table on dynalite,
 * SNS through aws-sdk-client-mock, and its environment stubbed as the stack sets it.
 * `useApiLambda` registers the hooks: start dynalite, create the table, stub the environment and
 * import the handler (beforeAll); reset the SNS mock and apply the test file's default answers
 * (beforeEach); unstub and stop (afterAll).
 * It mocks the SDK client prototypes (and stubs the environment): a file using it runs isolated
 * (listed in ISOLATED in vitest.config.ts).
 */
import { SNSClient } from "@aws-sdk/client-sns";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, vi } from "vitest";
import { createTable } from "../../lambdas/adapters/table.ts";
import { type LocalDynamo, startDynalite } from "./dynalite.ts";

export const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:Heistwatch-AlertsTopic";
export const DLQ_ARN = "arn:aws:sqs:eu-west-1:123456789012:Heistwatch-SubscriptionDlq";

export type ApiHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface ApiLambdaOptions {
  /** The table the handler uses (created on dynalite). */
  table: string;
  /** Environment besides the table, topic, queue, endpoint, region, credentials and log level. */
  env?: Record<string, string>;
  /** The SNS mock's answers, set again before each test. */
  snsAnswers?: (sns: AwsClientStub<SNSClient>) => void;
}

export interface ApiLambda {
  readonly sns: AwsClientStub<SNSClient>;
  readonly db: LocalDynamo;
  /** Calls the handler (imported once the environment is stubbed). */
  handler: ApiHandler;
}

export function useApiLambda(options: ApiLambdaOptions): ApiLambda {
  const sns = mockClient(SNSClient);
  let db: LocalDynamo | undefined;
  let imported: ApiHandler | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (!value) throw new Error("the api Lambda starts in beforeAll: use it inside a test");
    return value;
  };

  beforeAll(async () => {
    db = await startDynalite();
    await createTable(db.client, options.table);
    const env: Record<string, string> = {
      TABLE_NAME: options.table,
      ALERTS_TOPIC_ARN: TOPIC_ARN,
      SUBSCRIPTION_DLQ_ARN: DLQ_ARN,
      ...options.env,
      AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      POWERTOOLS_LOG_LEVEL: "SILENT",
    };
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    ({ handler: imported } = (await import("../../lambdas/api.ts")) as unknown as { handler: ApiHandler });
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await db?.close();
  });
  beforeEach(() => {
    sns.reset();
    options.snsAnswers?.(sns);
  });

  return {
    sns,
    get db() {
      return ready(db);
    },
    handler: (event) => ready(imported)(event),
  };
}

/** A POST as API Gateway (HTTP API, payload 2.0) hands it to the Lambda. */
export function apiPost(
  path: string,
  body: string,
  options: { ip: string; type?: string; requestId?: string },
): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: {
      "content-type": options.type ?? "application/x-www-form-urlencoded",
      host: "alerts.example.org",
    },
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "alerts.example.org",
      domainPrefix: "alerts",
      http: { method: "POST", path, protocol: "HTTP/1.1", sourceIp: options.ip, userAgent: "test" },
      requestId: options.requestId ?? "r1",
      routeKey: "$default",
      stage: "$default",
      time: "",
      timeEpoch: 0,
    },
  };
}

/** The exact Subscribe command the api Lambda sends for a confirmed sign-up. */
export function expectedSubscribe(protocol: "email" | "sms", endpoint: string, filterPolicy: object) {
  return {
    TopicArn: TOPIC_ARN,
    Protocol: protocol,
    Endpoint: endpoint,
    Attributes: {
      FilterPolicyScope: "MessageAttributes",
      FilterPolicy: JSON.stringify(filterPolicy),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ_ARN }),
    },
    ReturnSubscriptionArn: true,
  };
}
