import { describe, expect, it } from "vitest";
import defaultFeeds from "../config/feeds.json" with { type: "json" };
import { PROJECT_ROOT } from "../infra/app.ts";
import { ConfigError, parseConfig } from "../infra/config.ts";
import { validateFeedList } from "../lambdas/core/model/config-schema.ts";
import { planDelivery } from "../lambdas/core/alerts/delivery.ts";
import { DEFAULT_RULES } from "../lambdas/core/classifier/classify.ts";
import type { StoryRecord } from "../lambdas/core/model/ports.ts";
import type { StorySource } from "../lambdas/core/model/types.ts";
import type { StoryFeatures } from "../lambdas/core/stories/story-features.ts";
import {
  alertsOwed,
  applyArrival,
  corroborationOf,
  independentGroups,
  isSourceTier,
} from "../lambdas/core/stories/corroboration.ts";
import { storyRecord } from "./helpers/store-fixtures.ts";

const source = (overrides: Partial<StorySource>): StorySource => ({
  articleId: "x",
  feedId: "f",
  name: "Outlet",
  url: "https://outlet.example/x",
  title: "Hackers drain exchange",
  publishedAt: "2025-01-10T10:00:00.000Z",
  ...overrides,
});

const A = source({
  articleId: "a",
  feedId: "fa",
  name: "Outlet A",
  url: "https://a.example/1",
  title: "Lazarus drains $41M from ExampleSwap",
});
const B = source({
  articleId: "b",
  feedId: "fb",
  name: "Outlet B",
  url: "https://b.example/1",
  title: "ExampleSwap confirms theft",
  publishedAt: "2025-01-10T11:00:00.000Z",
});

describe("independent sources", () => {
  it("counts one outlet's two feeds (same site or same name) once", () => {
    const sameSite = source({
      articleId: "c",
      feedId: "fa-markets",
      name: "Outlet A markets",
      url: "https://www.a.example/2",
      title: "Other words entirely",
    });
    const sameName = source({
      articleId: "d",
      feedId: "fa-2",
      name: "outlet a",
      url: "https://mirror.example/x",
      title: "More other words",
    });
    expect(independentGroups([A, sameSite, sameName]).length).toBe(1);
    expect(independentGroups([A, B]).length).toBe(2);
  });

  it("counts a syndicated copy (same headline, same text) once, but not a look-alike headline with other text", () => {
    const copy = source({
      articleId: "c",
      feedId: "fc",
      name: "Outlet C",
      url: "https://c.example/wire",
      title: A.title,
    });
    expect(independentGroups([A, copy]).length).toBe(1);
    const features = (articleId: string, words: string[]) =>
      ({ articleId, words }) as unknown as StoryFeatures;
    const ownText = [
      features("a", ["lazarus", "drain", "exampleswap", "hot", "wallet"]),
      features("c", ["exchange", "paused", "customers", "whole", "reimburse"]),
    ];
    expect(independentGroups([A, copy], ownText).length).toBe(2);
  });

  it("is corroborated by two independent outlets, or by one official or research source alone", () => {
    expect(corroborationOf([A]).corroborated).toBe(false);
    expect(corroborationOf([A, B])).toMatchObject({
      corroborated: true,
      independentSources: 2,
      by: ["Outlet A", "Outlet B"],
    });
    const official = source({ articleId: "o", feedId: "authority", name: "Authority", tier: "official" });
    expect(corroborationOf([official])).toMatchObject({
      corroborated: true,
      independentSources: 1,
      by: ["Authority"],
    });
    expect(corroborationOf([{ ...official, tier: "research" }]).corroborated).toBe(true);
    const now = new Date("2025-01-10T12:00:00.000Z");
    const first = corroborationOf([A, B], [], undefined, now);
    expect(first.at).toBe(now.toISOString());
    expect(corroborationOf([A, B], [], first, new Date("2025-01-11T00:00:00.000Z")).at).toBe(first.at);
  });
});

describe("alerts owed and their order", () => {
  const told = {
    severity: "medium" as const,
    attribution: "suspected" as const,
    amountUsd: 41e6,
    corroborated: false,
    at: "2025-01-10T10:05:00.000Z",
  };
  const sentOnce = (story: Partial<StoryRecord["story"]>): StoryRecord => {
    const record = storyRecord({ ...story, alerted: told, sources: [A, B], severity: "medium" });
    return { ...record, alert: { dueSeq: 1, sentSeq: 1, kind: "new", reasons: [] } };
  };

  it("owes one corroborated message, and one update besides when it also escalated", () => {
    const corroborated = { corroborated: true, independentSources: 2, by: ["Outlet A", "Outlet B"] };
    const onlyCorroborated = sentOnce({
      corroboration: corroborated,
      attribution: "suspected",
      amountUsd: 41e6,
    });
    expect(alertsOwed(onlyCorroborated, onlyCorroborated.story)).toMatchObject({
      dueSeq: 2,
      kind: "corroborated",
    });
    const both = sentOnce({ corroboration: corroborated, attribution: "confirmed", amountUsd: 41e6 });
    const owed = alertsOwed(both, both.story);
    expect(owed.dueSeq).toBe(3);

    const now = new Date("2025-01-10T12:00:00.000Z");
    const policy = { minAlertScore: 0, maxAlertAgeHours: 168 };
    const first = planDelivery({ ...both, alert: owed }, now, policy);
    expect(first).toMatchObject({ action: "send", seq: 2, alert: { kind: "corroborated" } });
    expect(first.snapshot).toMatchObject({ corroborated: true, attribution: "suspected" });
    const afterFirst: StoryRecord = {
      ...both,
      alert: { ...owed, sentSeq: 2 },
      story: { ...both.story, alerted: first.snapshot },
    };
    const second = planDelivery(afterFirst, now, policy);
    expect(second).toMatchObject({
      action: "send",
      seq: 3,
      alert: { kind: "update", reasons: ["attribution upgraded to confirmed"] },
    });
    // The corroborated message told corroborated-only subscribers the confirmed attribution already:
    // the update is news to the first message's audience only, and brings both to one state.
    expect(first.snapshot.corroboratedAudience).toEqual({
      severity: "medium",
      attribution: "confirmed",
      amountUsd: 41e6,
    });
    expect(second.action === "send" && second.alert.newsForCorroborated).toBe(false);
    expect(second.snapshot.corroboratedAudience).toBeUndefined();

    // Had the story escalated again before that update went out, it would be news to both.
    const further: StoryRecord = {
      ...afterFirst,
      story: { ...afterFirst.story, amountUsd: 95e6 },
    };
    const third = planDelivery(further, now, policy);
    expect(third).toMatchObject({
      action: "send",
      alert: {
        kind: "update",
        newsForCorroborated: true,
        reasons: ["attribution upgraded to confirmed", "amount revised up from $41,000,000 to $95,000,000"],
      },
    });
  });

  it("never owes a corroborated message to a story whose first message already said corroborated", () => {
    const record = sentOnce({ corroboration: { corroborated: true, independentSources: 2, by: [] } });
    record.story.alerted = {
      ...told,
      corroborated: true,
      attribution: "attributed",
      amountUsd: 50e6,
      severity: "medium",
    };
    expect(alertsOwed(record, record.story)).toEqual(record.alert);
  });

  it("says why a flagged story is not alerted", () => {
    const record = storyRecord({ score: 40, publishedAt: "2025-01-01T00:00:00.000Z" });
    const old = planDelivery(record, new Date("2025-01-20T00:00:00.000Z"), {
      minAlertScore: 0,
      maxAlertAgeHours: 168,
    });
    expect(old).toMatchObject({
      action: "suppress",
      kind: "new",
      reason: "too old: newest report 230 h ago, alerts stop after 168 h",
    });
    const low = planDelivery(record, new Date("2025-01-01T01:00:00.000Z"), {
      minAlertScore: 60,
      maxAlertAgeHours: 168,
    });
    expect(low).toMatchObject({ action: "suppress", reason: "under the alert score: 40 < 60" });
  });

  it("records arrivals, changes and corroboration on the timeline, and takes the headline from the earliest report", () => {
    const now = new Date("2025-01-10T12:00:00.000Z");
    const founded = applyArrival(
      null,
      storyRecord({ sources: [B], title: B.title, url: B.url, publishedAt: B.publishedAt }),
      { articleId: "b", tier: "news" },
      now,
    );
    const merged = {
      ...founded,
      story: { ...founded.story, sources: [B, A], attribution: "confirmed" as const, amountUsd: 60e6 },
    };
    const after = applyArrival(founded, merged, { articleId: "a", tier: "official" }, now);
    expect(after.story.timeline?.map((e) => [e.kind, e.sourceName, e.from ?? null, e.to ?? null])).toEqual([
      ["source", "Outlet B", null, null],
      ["source", "Outlet A", null, null],
      ["attribution", "Outlet A", "attributed", "confirmed"],
      ["amount", "Outlet A", "50000000", "60000000"],
      ["corroborated", "Outlet A", null, null],
    ]);
    expect(after.story).toMatchObject({ title: A.title, url: A.url, publishedAt: A.publishedAt });
    expect(after.story.sources.find((s) => s.articleId === "a")?.tier).toBe("official");
  });
});

describe("story severity with corroboration", () => {
  const levels = DEFAULT_RULES.scoring.severity;
  const now = new Date("2025-01-10T12:00:00.000Z");
  const single = () =>
    applyArrival(
      null,
      storyRecord({ sources: [A], severity: "medium", amountUsd: 60e6, attribution: "attributed" }),
      { articleId: "a", tier: "news", severityLevels: levels },
      now,
    );

  it("stays at the reports' level while one outlet reports $60M", () => {
    expect(single().story.severity).toBe("medium");
  });

  it("rises to high when a second independent outlet corroborates $60M, and owes one corroborated message", () => {
    const founded = single();
    const told = {
      ...founded,
      story: {
        ...founded.story,
        alerted: {
          severity: "medium" as const,
          attribution: "attributed" as const,
          amountUsd: 60e6,
          corroborated: false,
          at: now.toISOString(),
        },
      },
      alert: { ...founded.alert, sentSeq: founded.alert.dueSeq },
    };
    const merged = { ...told, story: { ...told.story, sources: [A, B] } };
    const after = applyArrival(told, merged, { articleId: "b", tier: "news", severityLevels: levels }, now);
    expect(after.story.corroboration?.corroborated).toBe(true);
    expect(after.story.severity).toBe("high");
    // Owed: the corroborated message (for corroborated-only subscribers, their first), then the
    // update saying severity was raised (for everyone else).
    expect(after.alert.kind).toBe("corroborated");
    expect(after.alert.dueSeq).toBe(after.alert.sentSeq + 2);
    expect(after.alert.reasons).toEqual(["severity raised to high"]);
  });

  it("never lowers a story below its reports' level", () => {
    const low = applyArrival(
      null,
      storyRecord({ sources: [A], severity: "high", amountUsd: null, attribution: null }),
      { articleId: "a", tier: "news", severityLevels: levels },
      now,
    );
    expect(low.story.severity).toBe("high");
  });
});

describe("source tiers in the feed list", () => {
  it("every shipped tier is known, and official and research feeds are listed", () => {
    for (const entry of defaultFeeds as { tier?: string }[])
      if (entry.tier !== undefined) expect(isSourceTier(entry.tier)).toBe(true);
    const tiers = (defaultFeeds as { tier?: string }[]).map((f) => f.tier ?? "news");
    expect(tiers.filter((t) => t === "official").length).toBeGreaterThanOrEqual(4);
    expect(tiers).toContain("research");
    expect(validateFeedList(defaultFeeds, "config/feeds.json").find((f) => f.id === "doj-news")?.tier).toBe(
      "official",
    );
  });

  it("a wrong tier is a clear error naming the feed", () => {
    expect(() =>
      validateFeedList([{ id: "x", name: "X", url: "https://x.example/feed", tier: "gov" }], "feeds.json"),
    ).toThrow(/feeds.json\[0\] \(feed 'x'\): tier must be one of official, research, news, got 'gov'/);
  });

  it("the stack keeps tiers and refuses a wrong one, naming the feed", () => {
    const parse = (feeds: unknown) =>
      parseConfig((key) => (key === "feeds" ? feeds : undefined), { baseDir: PROJECT_ROOT });
    expect(parse(defaultFeeds).feeds.find((f) => f.id === "ofac-actions")?.tier).toBe("official");
    try {
      parse([{ id: "x", name: "X", url: "https://x.example/feed", tier: "gov" }]);
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^feeds\[0\] \(feed 'x'\): tier must be one of official, research, news/),
      ]);
    }
  });
});
