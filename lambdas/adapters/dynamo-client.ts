/**
 * Builds the DynamoDB client with explicit retry settings, so throttling is retried with
 * backoff by the SDK before the store ever sees an error.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";

export interface DynamoClientOptions {
  region?: string;
  /** For dynalite / DynamoDB Local. */
  endpoint?: string;
  credentials?: DynamoDBClientConfig["credentials"];
  /** Total attempts per command, first one included. Default 6. */
  maxAttempts?: number;
  /**
   * "adaptive" (default) adds client-side rate limiting on throttling on top of the standard
   * exponential backoff with jitter; it suits a poller that bursts writes once per cycle.
   */
  retryMode?: "standard" | "adaptive";
}

/** A DynamoDBClient with explicit retry settings (maxAttempts, retry mode). */
export function createDynamoClient(options: DynamoClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    region: options.region ?? process.env.AWS_REGION ?? "us-east-1",
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? 6,
    retryMode: options.retryMode ?? "adaptive",
  });
}
