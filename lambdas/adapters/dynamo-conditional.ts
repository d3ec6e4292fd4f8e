/** A conditional DynamoDB write as a yes/no: false when its condition failed, any other error thrown. */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";

export async function conditional(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
