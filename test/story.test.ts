import { describe, expect, it } from "vitest";
import {
  compareFeatures,
  escalationReasons,
  findMatchingStory,
  mergeIntoStory,
  newStoryRecord,
} from "../lambdas/core/stories/story.ts";
import { extractFeatures, type FeatureInput, stem } from "../lambdas/core/stories/story-features.ts";
import { storedArticle } from "./helpers/store-fixtures.ts";

const now = new Date("2025-01-10T12:00:00.000Z");

function features(overrides: Partial<FeatureInput>) {
  return extractFeatures({
    articleId: "x",
    feedId: "f",
    publishedAt: "2025-01-10T10:00:00.000Z",
    title: "",
    summary: "",
    actors: [],
    amountUsd: null,
    ...overrides,
  });
}

describe("extractFeatures", () => {
  it("finds distinctive names, figures in several scripts, and keeps actors apart", () => {
    const f = features({
      title: "Lazarus drains ExampleSwap of 342,000 ETH in 2019 raid",
      summary:
        "Police in Seoul said 34만2000개 were taken; the FBI and Chainalysis agree, as do Zellis and Cl0p.",
      actors: ["Lazarus Group"],
    });
    // Names are stemmed like every other word, so "Zellis" meets "zellis" as well as itself.
    expect(f.names).toEqual(expect.arrayContaining(["exampleswap", "seoul", stem("Zellis"), "clop"]));
    expect(f.names).not.toContain("police");
    expect(f.attribution).toEqual(expect.arrayContaining(["lazaru", "group", "fbi", "chainalysi"]));
    expect(f.numbers).toEqual(["340000"]);
    expect(f.years).toEqual(["2019"]);
  });

  it("ignores capitals in Title Case headlines", () => {
    const f = features({ title: "Hackers Steal Millions From Crypto Exchange Overnight" });
    expect(f.titleNames).toEqual([]);
  });
});

describe("matching", () => {
  const base = {
    title: "Hackers drain $41 million from ExampleSwap hot wallets",
    summary: "ExampleSwap paused withdrawals after the theft, which analysts tie to Lazarus.",
    actors: ["Lazarus Group"],
    amountUsd: 41_000_000,
  };

  it("joins two outlets' reports of one event", () => {
    const other = features({
      articleId: "y",
      publishedAt: "2025-01-10T14:00:00.000Z",
      title: "ExampleSwap confirms $41M hot wallet theft",
      summary: "The exchange says customers will be made whole.",
      actors: ["Lazarus Group"],
      amountUsd: 41_000_000,
    });
    expect(compareFeatures(features(base), other).same).toBe(true);
  });

  it("does not join two thefts that only share the actor", () => {
    const other = features({
      articleId: "y",
      title: "Lazarus hackers drain $600 million from OtherBridge",
      summary: "The bridge operator blamed North Korean hackers.",
      actors: ["Lazarus Group"],
      amountUsd: 600_000_000,
    });
    const evidence = compareFeatures(features(base), other);
    expect(evidence.same).toBe(false);
    expect(evidence.amounts).toBe("conflict");
  });

  it("starts a new story once the earlier one is older than the window", () => {
    const first = features(base);
    const later = { ...features(base), articleId: "later", publishedAt: "2025-01-14T10:00:00.000Z" };
    const candidates = [{ id: "s1", publishedAt: first.publishedAt, features: [first] }];
    expect(findMatchingStory(later, candidates, 72)).toBeNull();
    expect(findMatchingStory(later, candidates, 120)?.storyId).toBe("s1");
  });
});

describe("merging", () => {
  const f = features({ title: "t" });

  it("keeps every source, the highest severity and score, largest amount, strongest attribution", () => {
    const record = newStoryRecord(storedArticle({ severity: "medium", attribution: "suspected" }), f, now);
    expect(record.story.id).toBe("a1");
    const { record: merged, changed } = mergeIntoStory(
      record,
      storedArticle({
        id: "a2",
        feedId: "feed-b",
        source: "Feed B",
        publishedAt: "2025-01-10T08:00:00.000Z",
        severity: "high",
        score: 95,
        amountUsd: 60_000_000,
        attribution: "confirmed",
        actors: ["APT38"],
      }),
      f,
      now,
    );
    expect(changed).toBe(true);
    expect(merged.story).toMatchObject({
      severity: "high",
      score: 95,
      amountUsd: 60_000_000,
      attribution: "confirmed",
      actors: ["Lazarus Group", "APT38"],
      publishedAt: "2025-01-10T08:00:00.000Z",
    });
    expect(merged.story.sources.map((s) => s.name)).toEqual(["Feed A", "Feed B"]);
    // Nothing was sent yet: the owed "new" alert will carry the merged story; no extra update.
    expect(merged.alert).toEqual({ dueSeq: 1, sentSeq: 0, kind: "new", reasons: [] });
    expect(mergeIntoStory(merged, storedArticle({ id: "a2" }), f, now).changed).toBe(false);
  });

  it("owes an update only when the story escalates past what was sent", () => {
    const sent = newStoryRecord(storedArticle({ severity: "medium", attribution: "suspected" }), f, now);
    sent.alert = { dueSeq: 1, sentSeq: 1, kind: "new", reasons: [] };
    sent.story.alerted = {
      severity: "medium",
      attribution: "suspected",
      amountUsd: 50_000_000,
      at: now.toISOString(),
    };

    const sameFacts = mergeIntoStory(
      sent,
      storedArticle({ id: "b", severity: "medium", attribution: "suspected" }),
      f,
      now,
    );
    expect(sameFacts.record.alert.dueSeq).toBe(1);

    const smallRevision = mergeIntoStory(
      sent,
      storedArticle({ id: "c", severity: "medium", attribution: "suspected", amountUsd: 70_000_000 }),
      f,
      now,
    );
    expect(smallRevision.record.alert.dueSeq).toBe(1);

    const confirmed = mergeIntoStory(
      sent,
      storedArticle({ id: "d", severity: "medium", attribution: "confirmed", amountUsd: 80_000_000 }),
      f,
      now,
    );
    expect(confirmed.record.alert).toEqual({
      dueSeq: 2,
      sentSeq: 1,
      kind: "update",
      reasons: ["attribution upgraded to confirmed", "amount revised up from $50,000,000 to $80,000,000"],
    });
  });

  it("names each kind of escalation", () => {
    const story = newStoryRecord(
      storedArticle({ severity: "high", attribution: "attributed", amountUsd: 10 }),
      f,
      now,
    ).story;
    expect(escalationReasons({ severity: "low", attribution: null, amountUsd: 5, at: "" }, story)).toEqual([
      "attribution upgraded to attributed",
      "amount revised up from $5 to $10",
      "severity raised to high",
    ]);
  });
});
