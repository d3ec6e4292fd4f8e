/**
 * Bind helpers: each grants one function exactly the actions it needs on one resource AND sets
 * the environment variable that names the resource, so a right and its address never drift apart.
 * Actions are always listed (no `*`) and resources always scoped (cdk-nag IAM5).
 */
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import type { HeistwatchFunction } from "./function.ts";

/** The index the public feed reads (see the storage contract). */
export const FLAGGED_INDEX = "gsi1";

export type TableAction =
  | "dynamodb:GetItem"
  | "dynamodb:BatchGetItem"
  | "dynamodb:Query"
  | "dynamodb:PutItem"
  | "dynamodb:UpdateItem";

/** What each function may do on the table. */
export const TABLE_ACCESS = {
  /** The pipeline: batch-read known ids, conditional puts, story merges, candidate queries on gsi1. */
  poller: [
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
  ],
  /** The scheduler reads each configured feed's state by key; it writes nothing. */
  scheduler: ["dynamodb:GetItem", "dynamodb:BatchGetItem"],
  /** The public API: list flagged stories on gsi1, fetch one story. */
  api: ["dynamodb:Query", "dynamodb:GetItem"],
} as const satisfies Record<string, readonly TableAction[]>;

/** Grants table actions (Query also on gsi1) and sets TABLE_NAME. */
export function bindTable(
  fn: HeistwatchFunction,
  table: { tableName: string; tableArn: string },
  actions: readonly TableAction[],
): void {
  const resources = [table.tableArn];
  if (actions.includes("dynamodb:Query")) resources.push(`${table.tableArn}/index/${FLAGGED_INDEX}`);
  fn.role.addToPolicy(new iam.PolicyStatement({ actions: [...actions], resources }));
  fn.addEnvironment("TABLE_NAME", table.tableName);
}

/**
 * Grants sns:Publish on the topic and the two KMS actions publishing to an encrypted topic needs
 * (the data key is generated and decrypted on the caller's behalf), and sets TOPIC_ARN.
 */
export function bindTopicPublish(fn: HeistwatchFunction, topic: sns.ITopic, key: kms.IKey): void {
  fn.role.addToPolicy(new iam.PolicyStatement({ actions: ["sns:Publish"], resources: [topic.topicArn] }));
  fn.role.addToPolicy(
    new iam.PolicyStatement({ actions: ["kms:GenerateDataKey", "kms:Decrypt"], resources: [key.keyArn] }),
  );
  fn.addEnvironment("TOPIC_ARN", topic.topicArn);
}

/** Grants sqs:SendMessage (SendMessageBatch is authorised by it) and sets QUEUE_URL. */
export function bindQueueSend(fn: HeistwatchFunction, queue: sqs.IQueue): void {
  fn.role.addToPolicy(new iam.PolicyStatement({ actions: ["sqs:SendMessage"], resources: [queue.queueArn] }));
  fn.addEnvironment("QUEUE_URL", queue.queueUrl);
}
