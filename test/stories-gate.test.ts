/**
 * Regression gate of the story matcher on real published items (../shared/corpus/realworld-dev.jsonl):
 * how many same-story pairs (dup_of) of flagged items land in one story, and how many stories mix
 * different events. Flagged = the corpus label, so the gate does not move with the classifier.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import type { Log } from "../lambdas/core/model/ports.ts";
import { joinStory } from "../lambdas/core/stories/join-story.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { HAS_SHARED, SHARED_MISSING_REASON, sharedPath } from "./helpers/shared-data.ts";
import { storedArticle } from "./helpers/store-fixtures.ts";
import { clusterFile } from "./helpers/story-clustering.ts";

// Issue 16's targets. Measured when the gate was set (heistwatch stories ... --flagged label):
// 38 of 40 pairs (95.0%), 0 mixed stories of 58 (plus one same-outlet follow-up joined, which
// dup_of cannot link and so does not count).
const MIN_PAIR_RECALL = 0.95;
const MAX_MIXED_SHARE = 0.01;

const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

describe.skipIf(!HAS_SHARED)(
  `story gate on real items${HAS_SHARED ? "" : ` (skipped: ${SHARED_MISSING_REASON})`}`,
  () => {
    const clustered = HAS_SHARED ? clusterFile(sharedPath("corpus/realworld-dev.jsonl"), "label") : null;
    let db: LocalDynamo;
    beforeAll(async () => {
      db = await startDynalite();
    });
    afterAll(async () => {
      await db.close();
    });

    it(`keeps at least ${MIN_PAIR_RECALL * 100}% of same-story pairs together and mixes at most ${MAX_MIXED_SHARE * 100}% of stories`, () => {
      const { score } = clustered!;
      expect(score.pairs).toBe(40);
      expect(score.together / score.pairs).toBeGreaterThanOrEqual(MIN_PAIR_RECALL);
      expect(score.mixed.length / score.stories).toBeLessThanOrEqual(MAX_MIXED_SHARE);
    });

    it("gives the same stories through the store path (joinStory on dynalite) as the offline clustering", async () => {
      const { articles, storyOf } = clustered!;
      await createTable(db.client, "gate");
      const store = createDynamoStore({ client: db.client, tableName: "gate" });
      const ordered = [...articles.values()].sort(
        (a, b) => a.features.publishedAt.localeCompare(b.features.publishedAt) || a.id.localeCompare(b.id),
      );
      const viaStore = new Map<string, string>();
      for (const article of ordered) {
        const stored = storedArticle({
          id: article.id,
          title: article.title,
          summary: article.summary,
          feedId: article.source,
          source: article.source,
          publishedAt: article.features.publishedAt,
          actors: article.actors,
          amountUsd: article.features.amountUsd,
        });
        const clock = () => new Date(article.features.publishedAt);
        viaStore.set(article.id, await joinStory(stored, { store, clock, log: silentLog }));
      }
      expect(Object.fromEntries(viaStore)).toEqual(Object.fromEntries(storyOf));
    }, 60_000);
  },
);
