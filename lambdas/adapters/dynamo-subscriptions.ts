/**
 * Sign-up state in the one DynamoDB table: rate-limit counters (AWS and local), digest slots
 * (AWS and local), and local mode's subscribers. On AWS, SNS keeps the subscriptions; the table
 * holds only the counters and slots, which expire by TTL.
 *
 * Items: `RL#<key>#<window>` counters; `DIGEST#<slot>` claims; local only: `SUB#<id>` the
 * subscriber (gsi1pk SUBSCRIBERS once confirmed), `SUBADDR#<address>` -> id, `SUBTOK#<hash>` -> id.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { RateLimiter } from "../core/subscriptions/limits.ts";
import type { PendingSms, SmsCodeStore } from "../core/subscriptions/sms-verification.ts";
import type { Subscriber, SubscriberStore } from "../core/subscriptions/ports.ts";
import { hashToken } from "../core/subscriptions/tokens.ts";
import { GSI1_PARTITION, KEY_PREFIX, TABLE_KEYS } from "../contract.ts";
import { conditional } from "./dynamo-conditional.ts";

const SUBSCRIPTION_KEYS = {
  rateLimit: KEY_PREFIX.rateLimit,
  digestSlot: KEY_PREFIX.digestSlot,
  subscriber: KEY_PREFIX.subscriber,
  address: KEY_PREFIX.subscriberAddress,
  token: KEY_PREFIX.subscriberToken,
  confirmedPartition: GSI1_PARTITION.subscribers,
} as const;

/** Digest slots are kept this long, far past any schedule's period. */
const DIGEST_SLOT_TTL_SECONDS = 60 * 86_400;

function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * Fixed-window counters: one conditional UpdateItem per take (ADD count, only while below the
 * limit), expiring by TTL after the window. Needs dynamodb:UpdateItem only.
 */
export function createDynamoRateLimiter(options: { client: DynamoDBClient; tableName: string }): RateLimiter {
  const doc = documentClient(options.client);
  return {
    async take(key, limit, windowSeconds, now) {
      const epoch = Math.floor(now.getTime() / 1000);
      const window = Math.floor(epoch / windowSeconds);
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName: options.tableName,
            Key: { [TABLE_KEYS.partitionKey]: `${SUBSCRIPTION_KEYS.rateLimit}${key}#${window}` },
            UpdateExpression: "ADD #count :one SET #ttl = :ttl",
            ConditionExpression: "attribute_not_exists(#count) OR #count < :limit",
            ExpressionAttributeNames: { "#count": "count", "#ttl": TABLE_KEYS.ttlAttribute },
            ExpressionAttributeValues: {
              ":one": 1,
              ":limit": limit,
              ":ttl": (window + 1) * windowSeconds + 3600,
            },
          }),
        ),
      );
    },
  };
}

/** Claims a digest slot once (conditional PutItem); shared by the digest Lambda and local mode. */
export function createDigestSlotClaimer(options: {
  client: DynamoDBClient;
  tableName: string;
  clock?: () => Date;
}) {
  const doc = documentClient(options.client);
  const clock = options.clock ?? (() => new Date());
  return async (key: string): Promise<boolean> =>
    conditional(() =>
      doc.send(
        new PutCommand({
          TableName: options.tableName,
          Item: {
            [TABLE_KEYS.partitionKey]: `${SUBSCRIPTION_KEYS.digestSlot}${key}`,
            kind: "digest-slot",
            [TABLE_KEYS.ttlAttribute]: Math.floor(clock().getTime() / 1000) + DIGEST_SLOT_TTL_SECONDS,
          },
          ConditionExpression: "attribute_not_exists(#pk)",
          ExpressionAttributeNames: { "#pk": TABLE_KEYS.partitionKey },
        }),
      ),
    );
}

/** Local mode's subscriber store (see the item list above). */
export function createDynamoSubscriberStore(options: {
  client: DynamoDBClient;
  tableName: string;
  clock?: () => Date;
}): SubscriberStore {
  const doc = documentClient(options.client);
  const TableName = options.tableName;
  const clock = options.clock ?? (() => new Date());
  const pk = TABLE_KEYS.partitionKey;
  const expired = (item: Record<string, unknown> | undefined) =>
    typeof item?.ttl === "number" && item.ttl <= Math.floor(clock().getTime() / 1000);

  async function get(key: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await doc.send(new GetCommand({ TableName, Key: { [pk]: key }, ConsistentRead: true }));
    return Item && !expired(Item) ? Item : undefined;
  }

  async function getSubscriber(id: string): Promise<Subscriber | null> {
    const item = await get(`${SUBSCRIPTION_KEYS.subscriber}${id}`);
    return item ? (item.subscriber as Subscriber) : null;
  }

  return {
    async findByAddress(address) {
      const pointer = await get(`${SUBSCRIPTION_KEYS.address}${address}`);
      return pointer ? getSubscriber(String(pointer.subscriptionId)) : null;
    },

    async savePending(subscriber, confirmTokenHash, expiresAt) {
      const ttl = Math.floor(expiresAt.getTime() / 1000);
      // The address pointer is the lock (written first, conditionally): a confirmed subscription's
      // pointer is never overwritten, so nothing below runs for a confirmed address.
      const locked = await conditional(() =>
        doc.send(
          new PutCommand({
            TableName,
            Item: {
              [pk]: `${SUBSCRIPTION_KEYS.address}${subscriber.address}`,
              kind: "subscriber-address",
              subscriptionId: subscriber.id,
              status: "pending",
              ttl,
            },
            ConditionExpression: "attribute_not_exists(#pk) OR #status <> :confirmed",
            ExpressionAttributeNames: { "#pk": pk, "#status": "status" },
            ExpressionAttributeValues: { ":confirmed": "confirmed" },
          }),
        ),
      );
      if (!locked) return false;
      await doc.send(
        new PutCommand({
          TableName,
          // The current link's hash: a newer sign-up for a pending address makes older links void.
          Item: {
            [pk]: `${SUBSCRIPTION_KEYS.subscriber}${subscriber.id}`,
            kind: "subscriber",
            subscriber,
            confirmTokenHash,
            ttl,
          },
        }),
      );
      await doc.send(
        new PutCommand({
          TableName,
          Item: {
            [pk]: `${SUBSCRIPTION_KEYS.token}${confirmTokenHash}`,
            kind: "subscriber-token",
            purpose: "confirm",
            subscriptionId: subscriber.id,
            ttl,
          },
        }),
      );
      return true;
    },

    async confirm(confirmTokenHash, now) {
      const tokenKey = `${SUBSCRIPTION_KEYS.token}${confirmTokenHash}`;
      const token = await get(tokenKey);
      if (!token || token.purpose !== "confirm") return null;
      const item = await get(`${SUBSCRIPTION_KEYS.subscriber}${String(token.subscriptionId)}`);
      const subscriber = item?.subscriber as Subscriber | undefined;
      if (!subscriber || subscriber.status !== "pending" || item?.confirmTokenHash !== confirmTokenHash)
        return null;
      const confirmed: Subscriber = { ...subscriber, status: "confirmed", confirmedAt: now.toISOString() };
      // Only the subscription this token was issued for may be confirmed (a newer sign-up for the
      // same address replaced the pointer: then this older link no longer works).
      const ok = await conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: { [pk]: `${SUBSCRIPTION_KEYS.address}${subscriber.address}` },
            UpdateExpression: "SET #status = :confirmed REMOVE #ttl",
            ConditionExpression: "subscriptionId = :id",
            ExpressionAttributeNames: { "#status": "status", "#ttl": TABLE_KEYS.ttlAttribute },
            ExpressionAttributeValues: { ":confirmed": "confirmed", ":id": subscriber.id },
          }),
        ),
      );
      if (!ok) return null;
      await doc.send(
        new PutCommand({
          TableName,
          Item: {
            [pk]: `${SUBSCRIPTION_KEYS.token}${hashToken(subscriber.unsubscribeToken)}`,
            kind: "subscriber-token",
            purpose: "unsubscribe",
            subscriptionId: subscriber.id,
          },
        }),
      );
      await doc.send(
        new PutCommand({
          TableName,
          Item: {
            [pk]: `${SUBSCRIPTION_KEYS.subscriber}${subscriber.id}`,
            kind: "subscriber",
            subscriber: confirmed,
            [TABLE_KEYS.gsi1PartitionKey]: SUBSCRIPTION_KEYS.confirmedPartition,
            [TABLE_KEYS.gsi1SortKey]: subscriber.id,
          },
        }),
      );
      await doc.send(new DeleteCommand({ TableName, Key: { [pk]: tokenKey } }));
      return confirmed;
    },

    async remove(unsubscribeToken) {
      const tokenKey = `${SUBSCRIPTION_KEYS.token}${hashToken(unsubscribeToken)}`;
      const token = await get(tokenKey);
      if (!token || token.purpose !== "unsubscribe") return null;
      const subscriber = await getSubscriber(String(token.subscriptionId));
      await doc.send(
        new DeleteCommand({
          TableName,
          Key: { [pk]: `${SUBSCRIPTION_KEYS.subscriber}${token.subscriptionId}` },
        }),
      );
      if (subscriber) {
        await doc
          .send(
            new DeleteCommand({
              TableName,
              Key: { [pk]: `${SUBSCRIPTION_KEYS.address}${subscriber.address}` },
              ConditionExpression: "subscriptionId = :id",
              ExpressionAttributeValues: { ":id": subscriber.id },
            }),
          )
          .catch((error) => {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          });
      }
      await doc.send(new DeleteCommand({ TableName, Key: { [pk]: tokenKey } }));
      return subscriber;
    },

    async listConfirmed() {
      const subscribers: Subscriber[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName,
            IndexName: TABLE_KEYS.gsi1Name,
            KeyConditionExpression: "#p = :p",
            ExpressionAttributeNames: { "#p": TABLE_KEYS.gsi1PartitionKey },
            ExpressionAttributeValues: { ":p": SUBSCRIPTION_KEYS.confirmedPartition },
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) subscribers.push(item.subscriber as Subscriber);
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return subscribers;
    },

    claimDigestSlot: createDigestSlotClaimer(options),
  };
}

/** Pending phone sign-ups (`SMSCODE#<number>`, expiring by TTL); the api's only other writes. */
export function createDynamoSmsCodeStore(options: {
  client: DynamoDBClient;
  tableName: string;
}): SmsCodeStore {
  const doc = documentClient(options.client);
  const TableName = options.tableName;
  const key = (phone: string) => ({ [TABLE_KEYS.partitionKey]: `${KEY_PREFIX.smsCode}${phone}` });
  return {
    async put(pending) {
      await doc.send(
        new PutCommand({
          TableName,
          Item: {
            ...key(pending.phone),
            kind: "sms-code",
            pending,
            attempts: 0,
            [TABLE_KEYS.ttlAttribute]: Math.ceil(Date.parse(pending.expiresAt) / 1000),
          },
        }),
      );
    },
    async get(phone) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: key(phone), ConsistentRead: true }));
      return Item ? (Item.pending as PendingSms) : null;
    },
    async countAttempt(phone) {
      try {
        const result = await doc.send(
          new UpdateCommand({
            TableName,
            Key: key(phone),
            UpdateExpression: "ADD attempts :one",
            ConditionExpression: "attribute_exists(#pk)",
            ExpressionAttributeNames: { "#pk": TABLE_KEYS.partitionKey },
            ExpressionAttributeValues: { ":one": 1 },
            ReturnValues: "UPDATED_NEW",
          }),
        );
        return Number(result.Attributes?.attempts);
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return null;
        throw error;
      }
    },
    async remove(phone) {
      await doc.send(new DeleteCommand({ TableName, Key: key(phone) }));
    },
  };
}
