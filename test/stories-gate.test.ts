/**
 * Regression gate of the story matcher on real published items (../shared/corpus/realworld-dev.jsonl):
 * how many same-story pairs (dup_of) of flagged items land in one story, and how many stories mix
 * different events. Flagged = the corpus label, so the gate does not move with the classifier.
 */
import { describe, expect, it } from "vitest";
import { clusterFile } from "./helpers/story-clustering.ts";
import { HAS_SHARED, SHARED_MISSING_REASON, sharedPath } from "./helpers/shared-data.ts";

// Measured when the gate was set (heistwatch stories ... --flagged label): 32 of 40 pairs, 2 mixed
// stories of 62, one of them three same-outlet reports of one exploit that dup_of cannot link.
const MIN_PAIR_RECALL = 0.8;
const MAX_MIXED_STORIES = 2;

describe.skipIf(!HAS_SHARED)(
  `story gate on real items${HAS_SHARED ? "" : ` (skipped: ${SHARED_MISSING_REASON})`}`,
  () => {
    it(`keeps at least ${MIN_PAIR_RECALL * 100}% of same-story pairs together and mixes at most ${MAX_MIXED_STORIES} stories`, () => {
      const { score } = clusterFile(sharedPath("corpus/realworld-dev.jsonl"), "label");
      expect(score.pairs).toBe(40);
      expect(score.together / score.pairs).toBeGreaterThanOrEqual(MIN_PAIR_RECALL);
      expect(score.mixed.length).toBeLessThanOrEqual(MAX_MIXED_STORIES);
    });
  },
);
