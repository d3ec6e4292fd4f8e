/**
 * Bind helpers: each grants one function exactly the actions it needs on one resource AND sets
 * the environment variable that names the resource, so a right and its address never drift apart.
 * Actions are always listed (no `*`) and resources always scoped (cdk-nag IAM5).
 */
import * as iam from "aws-cdk-lib/aws-iam";
import type * as kms from "aws-cdk-lib/aws-kms";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { ENV, TABLE_KEYS } from "../../lambdas/contract.ts";
import type { HeistwatchFunction } from "./function.ts";

/** The index the public feed reads (see the storage contract). */
export const FLAGGED_INDEX = TABLE_KEYS.gsi1Name;

export type TableAction =
  | "dynamodb:GetItem"
  | "dynamodb:BatchGetItem"
  | "dynamodb:PutItem"
  | "dynamodb:UpdateItem"
  | "dynamodb:BatchWriteItem";
export type IndexAction = "dynamodb:Query";

export interface TableAccess {
  /** Actions on the table's items (by key). */
  table: readonly TableAction[];
  /** Actions on the gsi1 index (the store only ever queries the index, never the base table). */
  index: readonly IndexAction[];
}

/** What each function may do on the table, matching the store's calls (lambdas/adapters/dynamo-store.ts). */
export const TABLE_ACCESS = {
  /** The pipeline: batch-read known ids, conditional puts, story updates and alert claims, batch writes of new unflagged articles; candidate and pending-alert queries. */
  poller: {
    table: [
      "dynamodb:GetItem",
      "dynamodb:BatchGetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:BatchWriteItem",
    ],
    index: ["dynamodb:Query"],
  },
  /** The scheduler lists feed states (one Query on gsi1 partition FEEDS); it writes nothing. */
  scheduler: { table: [], index: ["dynamodb:Query"] },
  /** The public API: list flagged stories on gsi1, fetch one story by key. */
  api: { table: ["dynamodb:GetItem"], index: ["dynamodb:Query"] },
} as const satisfies Record<string, TableAccess>;

/** Grants exactly `access` (item actions on the table ARN, Query on the gsi1 ARN) and sets TABLE_NAME. */
export function bindTable(
  fn: HeistwatchFunction,
  table: { tableName: string; tableArn: string },
  access: TableAccess,
): void {
  if (access.table.length > 0) {
    fn.role.addToPolicy(new iam.PolicyStatement({ actions: [...access.table], resources: [table.tableArn] }));
  }
  if (access.index.length > 0) {
    fn.role.addToPolicy(
      new iam.PolicyStatement({
        actions: [...access.index],
        resources: [`${table.tableArn}/index/${FLAGGED_INDEX}`],
      }),
    );
  }
  fn.addEnvironment(ENV.tableName, table.tableName);
}

/**
 * Grants sns:Publish on the topic, and with a customer key the two KMS actions publishing to a topic
 * under it needs (the data key is generated and decrypted on the caller's behalf), and sets TOPIC_ARN.
 * SNS's AWS-managed key needs no grant: its key policy already admits the account's principals via SNS.
 */
export function bindTopicPublish(fn: HeistwatchFunction, topic: sns.ITopic, customerKey?: kms.IKey): void {
  fn.role.addToPolicy(new iam.PolicyStatement({ actions: ["sns:Publish"], resources: [topic.topicArn] }));
  if (customerKey) {
    fn.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ["kms:GenerateDataKey", "kms:Decrypt"],
        resources: [customerKey.keyArn],
      }),
    );
  }
  fn.addEnvironment(ENV.topicArn, topic.topicArn);
}

/** Grants lambda:InvokeFunction on `target` (the async fan-out) and sets POLL_FUNCTION_NAME. */
export function bindPollInvoke(fn: HeistwatchFunction, target: lambda.IFunction): void {
  fn.role.addToPolicy(
    new iam.PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [target.functionArn] }),
  );
  fn.addEnvironment(ENV.pollFunctionName, target.functionName);
}
