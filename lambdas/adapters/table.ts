/**
 * An idempotent `createTable` for tests and `npm start` (the stack creates the table in AWS), from
 * the key names in the contract (lambdas/contract.ts).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { TABLE_KEYS } from "../contract.ts";

/**
 * Creates the table (on-demand, `pk` only, GSI `gsi1`) unless it exists, then waits until it is ACTIVE.
 * TTL is enabled by the CDK stack; DynamoDB Local and dynalite do not expire items, which is why
 * the store filters expired items on read anyway.
 */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partitionKey, AttributeType: "S" },
          { AttributeName: TABLE_KEYS.gsi1PartitionKey, AttributeType: "S" },
          { AttributeName: TABLE_KEYS.gsi1SortKey, AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: TABLE_KEYS.partitionKey, KeyType: "HASH" }],
        GlobalSecondaryIndexes: [
          {
            IndexName: TABLE_KEYS.gsi1Name,
            KeySchema: [
              { AttributeName: TABLE_KEYS.gsi1PartitionKey, KeyType: "HASH" },
              { AttributeName: TABLE_KEYS.gsi1SortKey, KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilActive(client, tableName);
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
        (index) => index.IndexStatus === "ACTIVE",
      );
      if (Table?.TableStatus === "ACTIVE" && indexesActive) return;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become ACTIVE within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
