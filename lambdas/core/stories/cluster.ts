/**
 * Offline clustering of a list of articles with the pipeline's own matcher, and how well the
 * result agrees with known same-story links (`dup_of`). Used by `heistwatch stories` and the
 * regression gate; pure.
 */
import {
  DEFAULT_STORY_WINDOW_HOURS,
  findMatchingStory,
  type MatchCandidate,
  type MatchEvidence,
} from "./story.ts";
import type { StoryFeatures } from "./story-features.ts";

/** One member of a clustered story and why it joined (null for the founding article). */
export interface ClusterMember {
  features: StoryFeatures;
  joinedBecause: MatchEvidence | null;
}

export interface ClusteredStory {
  id: string;
  members: ClusterMember[];
}

/**
 * Clusters articles in publication order exactly as the pipeline does one by one: each joins
 * the best matching story first reported within the window, or founds a new one.
 */
export function clusterFeatures(
  all: readonly StoryFeatures[],
  windowHours = DEFAULT_STORY_WINDOW_HOURS,
): ClusteredStory[] {
  const ordered = [...all].sort(
    (a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.articleId.localeCompare(b.articleId),
  );
  const stories: ClusteredStory[] = [];
  const candidates: MatchCandidate[] = [];
  for (const features of ordered) {
    const match = findMatchingStory(features, candidates, windowHours);
    if (match) {
      const index = candidates.findIndex((candidate) => candidate.id === match.storyId);
      candidates[index]!.features.push(features);
      stories[index]!.members.push({ features, joinedBecause: match.evidence });
    } else {
      candidates.push({ id: features.articleId, publishedAt: features.publishedAt, features: [features] });
      stories.push({ id: features.articleId, members: [{ features, joinedBecause: null }] });
    }
  }
  return stories;
}

/** Agreement of a clustering with known links (`dup_of`: an item -> an earlier item of the same story). */
export interface ClusterScore {
  /** Links whose both ends were clustered. */
  pairs: number;
  /** Of those, links whose ends landed in one story. */
  together: number;
  /** The links that were split, as [earlier id, later id]. */
  split: [string, string][];
  stories: number;
  /** Stories holding articles of more than one known event, with those events' founding ids. */
  mixed: { storyId: string; events: string[] }[];
  /**
   * Stories joining unlinked reports from one outlet only (a follow-up by the same site): not
   * counted as mixed, because `dup_of` links reports from different outlets only, so it cannot
   * say whether two reports by one outlet are one incident.
   */
  sameOutletJoins: { storyId: string; events: string[] }[];
}

/** Scores a clustering against `dupOf` links; an article without a link is its own event. */
export function scoreClustering(
  stories: readonly ClusteredStory[],
  dupOf: ReadonlyMap<string, string>,
  outletOf: (articleId: string) => string = () => "",
): ClusterScore {
  const storyOf = new Map<string, string>();
  for (const story of stories)
    for (const member of story.members) storyOf.set(member.features.articleId, story.id);
  const eventOf = (id: string): string => {
    let current = id;
    const seen = new Set<string>();
    while (dupOf.has(current) && !seen.has(current)) {
      seen.add(current);
      current = dupOf.get(current)!;
    }
    return current;
  };
  const split: [string, string][] = [];
  let pairs = 0;
  for (const [later, earlier] of dupOf) {
    if (!storyOf.has(later) || !storyOf.has(earlier)) continue;
    pairs++;
    if (storyOf.get(later) !== storyOf.get(earlier)) split.push([earlier, later]);
  }
  const mixed: ClusterScore["mixed"] = [];
  const sameOutletJoins: ClusterScore["sameOutletJoins"] = [];
  for (const story of stories) {
    const ids = story.members.map((member) => member.features.articleId);
    const events = [...new Set(ids.map(eventOf))];
    if (events.length < 2) continue;
    const outlets = new Set(ids.map(outletOf));
    const oneOutlet = outlets.size === 1 && !outlets.has("");
    (oneOutlet ? sameOutletJoins : mixed).push({ storyId: story.id, events });
  }
  return { pairs, together: pairs - split.length, split, stories: stories.length, mixed, sameOutletJoins };
}
