import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore, type DynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import { InvalidCursorError } from "../lambdas/core/model/ports.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { storedArticle, storyRecord } from "./helpers/store-fixtures.ts";

let db: LocalDynamo;
let tableCount = 0;
let now = new Date("2025-01-10T12:00:00.000Z");

async function freshStore(): Promise<{ store: DynamoStore; tableName: string }> {
  const tableName = `store-test-${++tableCount}`;
  await createTable(db.client, tableName);
  return { store: createDynamoStore({ client: db.client, tableName, clock: () => now }), tableName };
}

beforeAll(async () => {
  db = await startDynalite();
});
afterAll(async () => {
  await db.close();
});

describe("createTable", () => {
  it("is idempotent", async () => {
    await createTable(db.client, "idem");
    await expect(createTable(db.client, "idem")).resolves.toBeUndefined();
  });
});

describe("articles", () => {
  it("stores a new article once: the second conditional put reports it as known", async () => {
    const { store } = await freshStore();
    expect(await store.putArticleIfNew(storedArticle())).toBe(true);
    expect(await store.putArticleIfNew(storedArticle({ title: "changed" }))).toBe(false);
    expect((await store.getArticle("a1"))?.title).toBe("Lazarus Group drains $50 million from ExampleSwap");
  });

  it("puts a TTL only on unflagged articles, and drops full content", async () => {
    const { store } = await freshStore();
    await store.putArticleIfNew(storedArticle({ id: "flag", content: "long body" }));
    await store.putArticleIfNew(storedArticle({ id: "plain", flagged: false, score: 3 }));
    const flagged = await store.getArticle("flag");
    const plain = await store.getArticle("plain");
    expect(flagged?.ttl).toBeUndefined();
    expect(flagged?.content).toBeUndefined();
    expect(plain?.ttl).toBe(Math.floor(now.getTime() / 1000) + 30 * 86_400);
  });

  it("filters known ids in batches of 100 and treats TTL-expired items as unknown", async () => {
    const { store } = await freshStore();
    const ids = Array.from({ length: 250 }, (_, i) => `id${i}`);
    for (const id of ids.filter((_, i) => i % 2 === 0)) {
      await store.putArticleIfNew(storedArticle({ id, flagged: false }));
    }
    const unknown = await store.filterUnknownArticleIds([...ids, "id1"]);
    expect(unknown).toEqual(ids.filter((_, i) => i % 2 === 1));

    const later = now;
    now = new Date(now.getTime() + 31 * 86_400_000);
    try {
      expect(await store.filterUnknownArticleIds(["id0"])).toEqual(["id0"]);
      expect(await store.getArticle("id0")).toBeNull();
      // The expired item may still be there (TTL deletes lazily): a new put must still succeed.
      expect(await store.putArticleIfNew(storedArticle({ id: "id0", flagged: false }))).toBe(true);
    } finally {
      now = later;
    }
  });

  it("caps huge fields so one article never exceeds the item size limit", async () => {
    const { store } = await freshStore();
    const huge = "ü".repeat(300_000);
    expect(await store.putArticleIfNew(storedArticle({ id: "big", title: huge, summary: huge }))).toBe(true);
    const stored = await store.getArticle("big");
    expect(stored?.summary.length).toBeLessThanOrEqual(2000);
  });
});

describe("feed state", () => {
  it("round-trips and lists feed states without scanning articles", async () => {
    const { store } = await freshStore();
    await store.putArticleIfNew(storedArticle());
    await store.putFeedState({
      feedId: "f1",
      url: "https://x/f1",
      lastStatus: "ok",
      consecutiveFailures: 0,
      etag: '"e1"',
    });
    await store.putFeedState({
      feedId: "f2",
      url: "https://x/f2",
      lastStatus: "timeout",
      consecutiveFailures: 2,
    });
    expect(await store.getFeedState("f1")).toEqual({
      feedId: "f1",
      url: "https://x/f1",
      lastStatus: "ok",
      consecutiveFailures: 0,
      etag: '"e1"',
    });
    expect(await store.getFeedState("nope")).toBeNull();
    expect((await store.listFeedStates()).map((s) => s.feedId).sort()).toEqual(["f1", "f2"]);
  });
});

describe("stories", () => {
  it("creates conditionally and replaces only at the expected version", async () => {
    const { store } = await freshStore();
    const record = storyRecord();
    expect(await store.createStory(record)).toBe(true);
    expect(await store.createStory(record)).toBe(false);
    const stored = await store.getStoryRecord("s1");
    expect(stored?.version).toBe(1);
    expect(stored?.story).toEqual(record.story);

    const changed = { ...stored!, story: { ...stored!.story, score: 95 } };
    expect(await store.replaceStory(changed, 1)).toBe(true);
    expect(await store.replaceStory(changed, 1)).toBe(false);
    expect((await store.getStory("s1"))?.score).toBe(95);
    expect(await store.getStory("missing")).toBeNull();
  });

  it("finds candidate stories by first-report time", async () => {
    const { store } = await freshStore();
    await store.createStory(storyRecord({ id: "old", publishedAt: "2025-01-01T00:00:00.000Z" }));
    await store.createStory(storyRecord({ id: "near", publishedAt: "2025-01-09T00:00:00.000Z" }));
    await store.createStory(storyRecord({ id: "edge", publishedAt: "2025-01-12T00:00:00.000Z" }));
    const found = await store.findStoryCandidates("2025-01-07T00:00:00.000Z", "2025-01-12T00:00:00.000Z");
    expect(found.map((r) => r.story.id).sort()).toEqual(["edge", "near"]);
  });

  it("lets exactly one of two racing claims publish, and records the send once", async () => {
    const { store } = await freshStore();
    await store.createStory(storyRecord());
    const claims = await Promise.all([store.claimAlert("s1", now, 60), store.claimAlert("s1", now, 60)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    const alerted = {
      severity: "high" as const,
      attribution: "attributed" as const,
      amountUsd: 5e7,
      at: now.toISOString(),
    };
    expect(await store.completeAlert("s1", 1, alerted)).toBe(true);
    expect(await store.completeAlert("s1", 1, alerted)).toBe(false);
    const record = await store.getStoryRecord("s1");
    expect(record?.alert).toMatchObject({ dueSeq: 1, sentSeq: 1 });
    expect(record?.alert.leaseUntil).toBeUndefined();
    expect(record?.story.alertedAt).toBe(now.toISOString());
    expect(await store.claimAlert("s1", now, 60)).toBeNull();
    expect(await store.listPendingAlerts("2025-01-01")).toEqual([]);
  });

  it("keeps a failed alert pending, claimable again after release or lease expiry", async () => {
    const { store } = await freshStore();
    await store.createStory(storyRecord());
    expect(await store.claimAlert("s1", now, 60)).not.toBeNull();
    expect(await store.claimAlert("s1", now, 60)).toBeNull();
    // An abandoned lease (crashed poller) expires.
    expect(await store.claimAlert("s1", new Date(now.getTime() + 61_000), 60)).not.toBeNull();
    await store.releaseAlert("s1", "SNS throttled");
    const pending = await store.listPendingAlerts("2025-01-01");
    expect(pending.map((r) => r.story.id)).toEqual(["s1"]);
    expect(pending[0]?.alert).toMatchObject({ failures: 1, lastError: "SNS throttled" });
    expect(await store.claimAlert("s1", now, 60)).not.toBeNull();
  });

  it("lists flagged stories newest first, filtered, paging with no gap or repeat while stories arrive", async () => {
    const { store, tableName } = await freshStore();
    for (let i = 0; i < 30; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      await store.createStory(
        storyRecord({
          id: `s${String(i).padStart(2, "0")}`,
          publishedAt: `2025-02-${day}T${String(i % 24).padStart(2, "0")}:00:00.000Z`,
          score: i % 2 === 0 ? 90 : 40,
          severity: i % 3 === 0 ? "high" : "low",
          actors: i % 5 === 0 ? ["APT38"] : ["Lazarus Group"],
        }),
      );
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listFlaggedStories({ limit: 7, cursor });
      seen.push(...page.stories.map((s) => s.id));
      cursor = page.nextCursor ?? undefined;
      // A newer story arrives between pages: it must not disturb the walk.
      await store.createStory(storyRecord({ id: `new${pages++}`, publishedAt: "2025-03-01T00:00:00.000Z" }));
    } while (cursor);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    const all = await db.client.send(new ScanCommand({ TableName: tableName }));
    expect(all.Count).toBeGreaterThan(30);

    const first = await store.listFlaggedStories({ limit: 100 });
    const times = first.stories.map((s) => s.publishedAt);
    expect(times).toEqual([...times].sort().reverse());

    const byActorAndScore = await store.listFlaggedStories({ limit: 100, minScore: 80, actor: "apt38" });
    expect(byActorAndScore.stories.map((s) => s.id).sort()).toEqual(["s00", "s10", "s20"]);
    expect(byActorAndScore.nextCursor).toBeNull();
    const bySeverity = await store.listFlaggedStories({ limit: 2, severity: "high", actor: "APT38" });
    expect(bySeverity.stories.map((s) => s.id)).toEqual(["s15", "s00"]);
  });

  it("rejects cursors it did not issue", async () => {
    const { store } = await freshStore();
    await expect(store.listFlaggedStories({ limit: 5, cursor: "not-a-cursor" })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    const forged = Buffer.from(JSON.stringify({ p: "A#x", s: "y" })).toString("base64url");
    await expect(store.listFlaggedStories({ limit: 5, cursor: forged })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });
});
