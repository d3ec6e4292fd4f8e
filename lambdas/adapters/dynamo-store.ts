/**
 * The Store port on DynamoDB (one table, see table.ts). Conditional writes decide "new",
 * ConditionalCheckFailedException becomes a domain answer, and reads skip TTL-expired items
 * because DynamoDB deletes them lazily.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { type Clock, type Store, type StoryPage, type StoryQuery } from "../core/model/ports.ts";
import type { FeedState, Story } from "../core/model/types.ts";
import { decodeCursor, encodeCursor } from "../core/api/cursor.ts";
import {
  fromArticleItem,
  fromStoryItem,
  toArticleItem,
  toFeedStateItem,
  toStoryItem,
} from "./dynamo-items.ts";
import { GSI1_PARTITION, KEY_PREFIX, TABLE_KEYS } from "../contract.ts";
import { coalesce } from "./dynamo-coalesce.ts";
import { conditional } from "./dynamo-conditional.ts";

export { createDynamoClient, type DynamoClientOptions } from "./dynamo-client.ts";

export interface DynamoStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  clock?: Clock;
  /** Days an unflagged article is remembered (only to skip it on later polls). Default 30. */
  unflaggedTtlDays?: number;
  /** Wait before retry `attempt` of unprocessed batch items. Default: full jitter up to 50 ms * 2^attempt, at most 2 s. */
  retryDelay?: (attempt: number) => Promise<void>;
  /**
   * When set, known-id reads, unflagged-article writes and feed-state writes made within this
   * many milliseconds of each other (feeds polled side by side) share full batch requests: local
   * mode polls 16 feeds at once. Default: off, each call sends its own requests.
   */
  coalesceMs?: number;
}

/** The DynamoDB store: the pipeline's Store and the public API's StoryReader. */
export type DynamoStore = Store;

const BATCH_GET_LIMIT = 100;
/** Incident keys outlive any story window (weeks) comfortably, then expire. */
const INCIDENT_KEY_TTL_DAYS = 90;
const BATCH_GET_ATTEMPTS = 8;
const BATCH_WRITE_LIMIT = 25;
const BATCH_WRITE_ATTEMPTS = 8;
const KNOWN_ARTICLE_PROJECTION = "pk, #ttl";

/** Creates the DynamoDB-backed Store (also a StoryReader for the public API). */
export function createDynamoStore(options: DynamoStoreOptions): DynamoStore {
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const TableName = options.tableName;
  const clock = options.clock ?? (() => new Date());
  const ttlDays = options.unflaggedTtlDays ?? 30;
  const retryDelay = options.retryDelay ?? backoff;
  const nowEpoch = () => Math.floor(clock().getTime() / 1000);
  const isExpired = (item: Record<string, unknown> | undefined) =>
    typeof item?.ttl === "number" && item.ttl <= nowEpoch();

  async function queryAll(input: Omit<QueryCommandInput, "TableName">): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new QueryCommand({ ...input, TableName, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  const storyKey = (id: string) => ({ pk: `${KEY_PREFIX.story}${id}` });

  /** The ids among `ids` (at most 100, no repeats) stored and not expired; retries unprocessed keys. */
  async function readKnown(ids: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    let keys: Record<string, unknown>[] = ids.map((id) => ({ pk: `${KEY_PREFIX.article}${id}` }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt === BATCH_GET_ATTEMPTS) {
        throw new Error(`BatchGetItem left ${keys.length} keys unprocessed after ${attempt} attempts`);
      }
      if (attempt > 0) await retryDelay(attempt);
      const result = await doc.send(
        new BatchGetCommand({
          RequestItems: {
            [TableName]: {
              Keys: keys,
              ProjectionExpression: KNOWN_ARTICLE_PROJECTION,
              ExpressionAttributeNames: { "#ttl": TABLE_KEYS.ttlAttribute },
            },
          },
        }),
      );
      for (const item of result.Responses?.[TableName] ?? []) {
        if (!isExpired(item)) known.add(String(item.pk).slice(KEY_PREFIX.article.length));
      }
      keys = (result.UnprocessedKeys?.[TableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
    return known;
  }

  /**
   * Puts `items` (at most 25, distinct keys) unconditionally, retrying unprocessed ones. Answers
   * by pk: null when written, else why not (an item left unprocessed after every attempt, or
   * the error that ended the request).
   */
  async function writeBatch(items: Record<string, unknown>[]): Promise<Map<string, string | null>> {
    const outcome = new Map(items.map((item) => [String(item.pk), null as string | null]));
    let requests: PutItem[] = items.map((Item) => ({ PutRequest: { Item } }));
    try {
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt === BATCH_WRITE_ATTEMPTS) {
          throw new Error(
            `BatchWriteItem left ${requests.length} item(s) unprocessed after ${attempt} attempts`,
          );
        }
        if (attempt > 0) await retryDelay(attempt);
        const result = await doc.send(
          new BatchWriteCommand({ RequestItems: { [TableName]: requests as never } }),
        );
        requests = (result.UnprocessedItems?.[TableName] as PutItem[] | undefined) ?? [];
      }
    } catch (error) {
      // Whatever is still in `requests` was not written; the rest was.
      const message = error instanceof Error ? error.message : String(error);
      for (const request of requests) outcome.set(String(request.PutRequest.Item.pk), message);
    }
    return outcome;
  }

  const coalesceMs = options.coalesceMs;
  const knownCoalesced =
    coalesceMs === undefined
      ? undefined
      : coalesce<string, boolean>(
          async (ids) => {
            const known = await readKnown(ids);
            return new Map(ids.map((id) => [id, known.has(id)]));
          },
          { maxBatch: BATCH_GET_LIMIT, waitMs: coalesceMs, keyOf: (id) => id },
        );
  const writeCoalesced =
    coalesceMs === undefined
      ? undefined
      : coalesce<Record<string, unknown>, string | null>(writeBatch, {
          maxBatch: BATCH_WRITE_LIMIT,
          waitMs: coalesceMs,
          keyOf: (item) => String(item.pk),
        });

  return {
    async filterUnknownArticleIds(ids) {
      const unique = [...new Set(ids)];
      if (knownCoalesced) {
        const known = await knownCoalesced(unique);
        return unique.filter((_, index) => !known[index]);
      }
      const known = new Set<string>();
      for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
        for (const id of await readKnown(unique.slice(start, start + BATCH_GET_LIMIT))) known.add(id);
      }
      return unique.filter((id) => !known.has(id));
    },

    async putArticleIfNew(article) {
      const item = toArticleItem(article, nowEpoch() + ttlDays * 86_400);
      return conditional(() =>
        doc.send(
          new PutCommand({
            TableName,
            Item: item,
            // An expired item not yet deleted by TTL counts as absent.
            ConditionExpression: "attribute_not_exists(pk) OR #ttl <= :now",
            ExpressionAttributeNames: { "#ttl": TABLE_KEYS.ttlAttribute },
            ExpressionAttributeValues: { ":now": nowEpoch() },
          }),
        ),
      );
    },

    async putNewArticles(articles) {
      const expires = nowEpoch() + ttlDays * 86_400;
      const items = articles.map((article) => toArticleItem(article, expires));
      const errors: (string | null)[] = [];
      if (writeCoalesced) {
        errors.push(...(await writeCoalesced(items)));
      } else {
        for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
          const chunk = items.slice(start, start + BATCH_WRITE_LIMIT);
          const written = await writeBatch(chunk);
          errors.push(...chunk.map((item) => written.get(String(item.pk)) ?? null));
        }
      }
      return articles.flatMap((article, index) => {
        const error = errors[index];
        return error ? [{ id: article.id, error }] : [];
      });
    },

    async getArticle(id) {
      const { Item } = await doc.send(
        new GetCommand({ TableName, Key: { pk: `${KEY_PREFIX.article}${id}` } }),
      );
      return Item && !isExpired(Item) ? fromArticleItem(Item) : null;
    },

    async getFeedState(feedId) {
      const { Item } = await doc.send(
        new GetCommand({ TableName, Key: { pk: `${KEY_PREFIX.feed}${feedId}` } }),
      );
      return Item ? fromFeedStateItem(Item) : null;
    },

    async putFeedState(state) {
      if (writeCoalesced) {
        const [error] = await writeCoalesced([toFeedStateItem(state)]);
        if (error) throw new Error(`feed state ${state.feedId} not written: ${error}`);
        return;
      }
      await doc.send(new PutCommand({ TableName, Item: toFeedStateItem(state) }));
    },

    async listFeedStates() {
      const items = await queryAll({
        IndexName: TABLE_KEYS.gsi1Name,
        KeyConditionExpression: "gsi1pk = :p",
        ExpressionAttributeValues: { ":p": GSI1_PARTITION.feeds },
      });
      return items.map(fromFeedStateItem);
    },

    async findStoryCandidates(from, to) {
      const items = await queryAll({
        IndexName: TABLE_KEYS.gsi1Name,
        KeyConditionExpression: "gsi1pk = :p AND gsi1sk BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":p": GSI1_PARTITION.flagged, ":from": from, ":to": `${to}~` },
      });
      return items.map(fromStoryItem);
    },

    async getStoryRecord(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: storyKey(id), ConsistentRead: true }));
      return Item ? fromStoryItem(Item) : null;
    },

    async claimIncidentKey(claim, staleBefore, takeOverFrom) {
      const Key = { pk: `${KEY_PREFIX.incident}${claim.key}` };
      // Kept a while past the window it serves, then expired by TTL.
      const ttl = Math.floor(Date.parse(claim.publishedAt) / 1000) + INCIDENT_KEY_TTL_DAYS * 86_400;
      const claimed = await conditional(() =>
        doc.send(
          new PutCommand({
            TableName,
            Item: { ...Key, kind: "incident", ...claim, ttl },
            ConditionExpression:
              "attribute_not_exists(pk) OR storyId = :me OR publishedAt < :stale" +
              (takeOverFrom ? " OR storyId = :from" : ""),
            ExpressionAttributeValues: {
              ":me": claim.storyId,
              ":stale": staleBefore,
              ...(takeOverFrom ? { ":from": takeOverFrom } : {}),
            },
          }),
        ),
      );
      if (claimed) return null;
      const { Item } = await doc.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
      if (!Item) return null;
      const { key, storyId, publishedAt, claimedAt } = Item as Record<string, string>;
      return {
        key: key ?? claim.key,
        storyId: storyId ?? "",
        publishedAt: publishedAt ?? "",
        claimedAt: claimedAt ?? "",
      };
    },

    async createStory(record) {
      return conditional(() =>
        doc.send(
          new PutCommand({
            TableName,
            Item: toStoryItem({ ...record, version: 1 }),
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        ),
      );
    },

    async replaceStory(record, expectedVersion) {
      return conditional(() =>
        doc.send(
          new PutCommand({
            TableName,
            Item: toStoryItem({ ...record, version: expectedVersion + 1 }),
            ConditionExpression: "version = :v",
            ExpressionAttributeValues: { ":v": expectedVersion },
          }),
        ),
      );
    },

    async claimAlert(storyId, now, leaseSeconds) {
      try {
        const result = await doc.send(
          new UpdateCommand({
            TableName,
            Key: storyKey(storyId),
            UpdateExpression: "SET alert.leaseUntil = :until, version = version + :one",
            ConditionExpression:
              "attribute_exists(pk) AND alert.dueSeq > alert.sentSeq AND " +
              "(attribute_not_exists(alert.leaseUntil) OR alert.leaseUntil < :now)",
            ExpressionAttributeValues: {
              ":until": new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
              ":now": now.toISOString(),
              ":one": 1,
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        return result.Attributes ? fromStoryItem(result.Attributes) : null;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return null;
        throw error;
      }
    },

    async completeAlert(storyId, seq, alerted) {
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: storyKey(storyId),
            UpdateExpression:
              "SET alert.sentSeq = :seq, alerted = :alerted, alertedAt = if_not_exists(alertedAt, :at), " +
              "alert.failures = :zero, version = version + :one REMOVE alert.leaseUntil, alert.lastError",
            ConditionExpression: "attribute_exists(pk) AND alert.sentSeq < :seq",
            ExpressionAttributeValues: {
              ":seq": seq,
              ":alerted": alerted,
              ":at": alerted.at,
              ":zero": 0,
              ":one": 1,
            },
          }),
        ),
      );
    },

    async releaseAlert(storyId, error) {
      await conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: storyKey(storyId),
            UpdateExpression:
              "SET alert.failures = if_not_exists(alert.failures, :zero) + :one, alert.lastError = :error, " +
              "version = version + :one REMOVE alert.leaseUntil",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":zero": 0, ":one": 1, ":error": error.slice(0, 1000) },
          }),
        ),
      );
    },

    async listPendingAlerts(since) {
      const items = await queryAll({
        IndexName: TABLE_KEYS.gsi1Name,
        KeyConditionExpression: "gsi1pk = :p AND gsi1sk >= :since",
        FilterExpression: "alert.dueSeq > alert.sentSeq",
        ExpressionAttributeValues: { ":p": GSI1_PARTITION.flagged, ":since": since },
      });
      return items.map(fromStoryItem);
    },

    async getStory(id) {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: storyKey(id) }));
      return Item ? fromStoryItem(Item).story : null;
    },

    async listFlaggedStories(query) {
      return listStories(query);
    },
  };

  /**
   * Newest first. Filters apply in code after each page so that a page is never empty while
   * more matches exist further down; the cursor is the last returned story's index key, so
   * stories added meanwhile (at the top) never cause a gap or a repeat.
   */
  async function listStories(query: StoryQuery): Promise<StoryPage> {
    const limit = Math.max(1, Math.min(100, Math.floor(query.limit)));
    let startKey = query.cursor ? startKeyOf(query.cursor) : undefined;
    const stories: Story[] = [];
    const actor = query.actor?.toLowerCase();
    for (;;) {
      const page = await doc.send(
        new QueryCommand({
          TableName,
          IndexName: TABLE_KEYS.gsi1Name,
          KeyConditionExpression: "gsi1pk = :p",
          ExpressionAttributeValues: { ":p": GSI1_PARTITION.flagged },
          ScanIndexForward: false,
          Limit: Math.max(limit + 1, 25),
          ExclusiveStartKey: startKey,
        }),
      );
      const items = page.Items ?? [];
      for (const [index, item] of items.entries()) {
        const { story } = fromStoryItem(item);
        const keep =
          (query.minScore === undefined || story.score >= query.minScore) &&
          (query.severity === undefined || story.severity === query.severity) &&
          (actor === undefined || story.actors.some((name) => name.toLowerCase() === actor));
        if (!keep) continue;
        stories.push(story);
        if (stories.length === limit) {
          const more = index < items.length - 1 || page.LastEvaluatedKey !== undefined;
          return { stories, nextCursor: more ? cursorAfter(story) : null };
        }
      }
      if (!page.LastEvaluatedKey) return { stories, nextCursor: null };
      startKey = page.LastEvaluatedKey;
    }
  }
}

function fromFeedStateItem(item: Record<string, unknown>): FeedState {
  const { pk: _pk, gsi1pk: _gp, gsi1sk: _gs, kind: _kind, ...state } = item;
  return state as unknown as FeedState;
}

/** The listing position after a story item (its own publishedAt and id, as in its index key). */
function cursorAfter(story: Story): string {
  return encodeCursor({ publishedAt: story.publishedAt, storyId: story.id });
}

/** The index key a cursor points at; the shared codec throws InvalidCursorError for a bad one. */
function startKeyOf(cursor: string): Record<string, unknown> {
  const { publishedAt, storyId } = decodeCursor(cursor);
  return {
    pk: `${KEY_PREFIX.story}${storyId}`,
    gsi1pk: GSI1_PARTITION.flagged,
    gsi1sk: `${publishedAt}#${storyId}`,
  };
}

type PutItem = { PutRequest: { Item: Record<string, unknown> } };

async function backoff(attempt: number): Promise<void> {
  // Full jitter: a random wait up to 50 ms * 2^attempt, capped at 2 s.
  const ceiling = Math.min(2000, 50 * 2 ** attempt);
  await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
