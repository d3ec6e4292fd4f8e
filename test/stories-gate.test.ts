/**
 * Regression gate of the story matcher on real published items (../shared/corpus/realworld-dev.jsonl):
 * how many same-story pairs (dup_of) of flagged items land in one story, and how many stories mix
 * different events. Flagged = the corpus label, so the gate does not move with the classifier.
 */
import { describe, expect, it } from "vitest";
import { clusterFile } from "./helpers/story-clustering.ts";
import { HAS_SHARED, SHARED_MISSING_REASON, sharedPath } from "./helpers/shared-data.ts";

// Issue 16's targets. Measured when the gate was set (heistwatch stories ... --flagged label):
// 38 of 40 pairs (95.0%), 0 mixed stories of 58 (plus one same-outlet follow-up joined, which
// dup_of cannot link and so does not count).
const MIN_PAIR_RECALL = 0.95;
const MAX_MIXED_SHARE = 0.01;

describe.skipIf(!HAS_SHARED)(
  `story gate on real items${HAS_SHARED ? "" : ` (skipped: ${SHARED_MISSING_REASON})`}`,
  () => {
    it(`keeps at least ${MIN_PAIR_RECALL * 100}% of same-story pairs together and mixes at most ${MAX_MIXED_SHARE * 100}% of stories`, () => {
      const { score } = clusterFile(sharedPath("corpus/realworld-dev.jsonl"), "label");
      expect(score.pairs).toBe(40);
      expect(score.together / score.pairs).toBeGreaterThanOrEqual(MIN_PAIR_RECALL);
      expect(score.mixed.length / score.stories).toBeLessThanOrEqual(MAX_MIXED_SHARE);
    });
  },
);
