/**
 * One table of cases holds the filter policy builder and the local matcher to one meaning: each
 * subscriber's filters become the exact SNS policy JSON AWS is given, and the local matcher, fed
 * that same JSON, delivers exactly the messages the table says. The matcher's SNS semantics
 * (String.Array members, numeric ranges, anything-but, $or, absent attributes) are pinned too.
 */
import { describe, expect, it } from "vitest";
import { subscribeInput } from "../lambdas/adapters/sns-subscriber.ts";
import { alertAttributes, digestAttributes } from "../lambdas/core/subscriptions/attributes.ts";
import { matchesFilterPolicy, UnsupportedPolicyError } from "../lambdas/core/subscriptions/match-policy.ts";
import { buildFilterPolicy, type PolicyFilters } from "../lambdas/core/subscriptions/policy.ts";
import type { FilterPolicy, MessageAttributes } from "../lambdas/core/subscriptions/types.ts";
import { makeStory } from "./helpers/api-stories.ts";

const base: PolicyFilters = { minSeverity: "low", actors: [], corroboratedOnly: false, digest: "none" };

/** Attributes of an instant alert, built as the publisher builds them. */
function alertMsg(
  kind: "new" | "update" | "corroborated",
  severity: "low" | "medium" | "high",
  actors: string[],
  sources: number,
  newsForCorroborated?: boolean,
): MessageAttributes {
  const story = makeStory({
    severity,
    actors,
    sources: Array.from({ length: sources }, (_, i) => ({
      articleId: `a${i}`,
      feedId: `feed-${i}`,
      name: `Outlet ${i}`,
      url: null,
      title: "t",
      publishedAt: "2026-03-10T09:00:00.000Z",
    })),
  });
  return alertAttributes({
    kind,
    story,
    ...(newsForCorroborated === undefined ? {} : { newsForCorroborated }),
  });
}

const NEW_HIGH_LAZARUS = alertMsg("new", "high", ["Lazarus Group", "DPRK"], 1);
const NEW_MEDIUM_APT38 = alertMsg("new", "medium", ["APT38"], 1);
const NEW_LOW_NO_ACTOR = alertMsg("new", "low", [], 1);
const NEW_HIGH_CORROBORATED = alertMsg("new", "high", ["Lazarus Group"], 2);
const UPDATE_UNCORROBORATED = alertMsg("update", "high", ["Lazarus Group"], 1);
const UPDATE_CORROBORATED = alertMsg("update", "high", ["Lazarus Group"], 3);
const BECAME_CORROBORATED = alertMsg("corroborated", "high", ["Lazarus Group"], 2);
/** The update sent with BECAME_CORROBORATED when that arrival also escalated: the corroborated message told its news. */
const UPDATE_TOLD_BY_CORROBORATED = alertMsg("update", "high", ["Lazarus Group"], 2, false);
const DIGEST_DAILY_LOW = digestAttributes("daily", "low", ["Lazarus Group", "APT38"]);
const DIGEST_DAILY_HIGH = digestAttributes("daily", "high", ["Lazarus Group"]);
const DIGEST_WEEKLY_LOW = digestAttributes("weekly", "low", ["APT38"]);

const MESSAGES = {
  NEW_HIGH_LAZARUS,
  NEW_MEDIUM_APT38,
  NEW_LOW_NO_ACTOR,
  NEW_HIGH_CORROBORATED,
  UPDATE_UNCORROBORATED,
  UPDATE_CORROBORATED,
  BECAME_CORROBORATED,
  UPDATE_TOLD_BY_CORROBORATED,
  DIGEST_DAILY_LOW,
  DIGEST_DAILY_HIGH,
  DIGEST_WEEKLY_LOW,
};
type MessageName = keyof typeof MESSAGES;

interface Case {
  name: string;
  filters: PolicyFilters;
  policy: FilterPolicy;
  delivered: MessageName[];
}

const CASES: Case[] = [
  {
    name: "everything, as it happens",
    filters: base,
    policy: { kind: ["new", "update"] },
    delivered: [
      "NEW_HIGH_LAZARUS",
      "NEW_MEDIUM_APT38",
      "NEW_LOW_NO_ACTOR",
      "NEW_HIGH_CORROBORATED",
      "UPDATE_UNCORROBORATED",
      "UPDATE_CORROBORATED",
      "UPDATE_TOLD_BY_CORROBORATED",
    ],
  },
  {
    name: "medium and above",
    filters: { ...base, minSeverity: "medium" },
    policy: { severity: ["medium", "high"], kind: ["new", "update"] },
    delivered: [
      "NEW_HIGH_LAZARUS",
      "NEW_MEDIUM_APT38",
      "NEW_HIGH_CORROBORATED",
      "UPDATE_UNCORROBORATED",
      "UPDATE_CORROBORATED",
      "UPDATE_TOLD_BY_CORROBORATED",
    ],
  },
  {
    name: "high, one actor",
    filters: { ...base, minSeverity: "high", actors: ["Lazarus Group"] },
    policy: { severity: ["high"], kind: ["new", "update"], actor: ["Lazarus Group"] },
    delivered: [
      "NEW_HIGH_LAZARUS",
      "NEW_HIGH_CORROBORATED",
      "UPDATE_UNCORROBORATED",
      "UPDATE_CORROBORATED",
      "UPDATE_TOLD_BY_CORROBORATED",
    ],
  },
  {
    name: "any of two actors",
    filters: { ...base, actors: ["APT38", "Andariel"] },
    policy: { kind: ["new", "update"], actor: ["APT38", "Andariel"] },
    delivered: ["NEW_MEDIUM_APT38"],
  },
  {
    name: "corroborated only",
    filters: { ...base, corroboratedOnly: true },
    policy: { kind: ["new", "corroborated", "update"], news_for_corroborated: ["true"] },
    delivered: ["NEW_HIGH_CORROBORATED", "UPDATE_CORROBORATED", "BECAME_CORROBORATED"],
  },
  {
    name: "daily digest, everything",
    filters: { ...base, digest: "daily" },
    policy: { kind: ["digest"], period: ["daily"], severity: ["low"] },
    delivered: ["DIGEST_DAILY_LOW"],
  },
  {
    name: "daily digest, high only, one actor (corroborated only does not apply to digests)",
    filters: {
      ...base,
      digest: "daily",
      minSeverity: "high",
      actors: ["Lazarus Group"],
      corroboratedOnly: true,
    },
    policy: { kind: ["digest"], period: ["daily"], severity: ["high"], actor: ["Lazarus Group"] },
    delivered: ["DIGEST_DAILY_HIGH"],
  },
  {
    name: "weekly digest, one actor",
    filters: { ...base, digest: "weekly", actors: ["Lazarus Group"] },
    policy: { kind: ["digest"], period: ["weekly"], severity: ["low"], actor: ["Lazarus Group"] },
    delivered: [],
  },
];

describe("filter policies: one table for the builder, AWS and the local matcher", () => {
  it.each(CASES)("$name", ({ filters, policy, delivered }) => {
    const built = buildFilterPolicy(filters);
    expect(built).toEqual(policy);
    // The AWS path: the exact JSON handed to SNS, read back, means the same to the matcher.
    const onAws = JSON.parse(
      subscribeInput(
        { channel: "email", address: "a@example.org", ...filters },
        built,
        "arn:aws:sns:eu-west-1:1:t",
      ).Attributes!.FilterPolicy!,
    ) as FilterPolicy;
    expect(onAws).toEqual(policy);
    const got = (Object.keys(MESSAGES) as MessageName[]).filter((name) =>
      matchesFilterPolicy(onAws, MESSAGES[name]),
    );
    expect(got).toEqual(delivered);
    // SNS limits: at most 5 attribute keys and 150 value combinations per policy.
    expect(keysOf(built).size).toBeLessThanOrEqual(5);
    expect(combinations(built)).toBeLessThanOrEqual(150);
  });

  it("a corroborated-only subscriber gets exactly one first message per story", () => {
    const policy = buildFilterPolicy({ ...base, corroboratedOnly: true });
    // Story A: one outlet, an update, then a second outlet (the publisher sends `corroborated`), then an update.
    const storyA = [
      alertMsg("new", "high", ["Lazarus Group"], 1),
      alertMsg("update", "high", ["Lazarus Group"], 1),
      alertMsg("corroborated", "high", ["Lazarus Group"], 2),
      alertMsg("update", "high", ["Lazarus Group"], 2),
    ];
    // Story B: corroborated from its first publish (an official source or two outlets at once).
    const storyB = [alertMsg("new", "high", ["APT38"], 2), alertMsg("update", "high", ["APT38"], 2)];
    const firstDelivered = (messages: MessageAttributes[]) =>
      messages.findIndex((m) => matchesFilterPolicy(policy, m));
    expect(firstDelivered(storyA)).toBe(2);
    expect(storyA[firstDelivered(storyA)]!.kind).toEqual({ type: "String", value: "corroborated" });
    expect(firstDelivered(storyB)).toBe(0);
    expect(storyB[0]!.kind).toEqual({ type: "String", value: "new" });
    // Story C: the arrival that corroborates it also escalates it: `corroborated` for this
    // subscriber, the update (marked as no news to them) for the first message's audience only.
    const storyC = [
      alertMsg("new", "medium", ["Lazarus Group"], 1),
      alertMsg("corroborated", "high", ["Lazarus Group"], 2),
      alertMsg("update", "high", ["Lazarus Group"], 2, false),
    ];
    expect(storyC.map((m) => matchesFilterPolicy(policy, m))).toEqual([false, true, false]);
    const everything = buildFilterPolicy(base);
    expect(storyC.map((m) => matchesFilterPolicy(everything, m))).toEqual([true, false, true]);
  });
});

describe("local matcher: SNS semantics", () => {
  const attrs: MessageAttributes = {
    kind: { type: "String", value: "new" },
    score: { type: "Number", value: 72 },
    amount_usd: { type: "Number", value: 5_000_000 },
    actor: { type: "String.Array", value: ["Lazarus Group", "DPRK"] },
  };
  it.each([
    ["exact string", { kind: ["new"] }, true],
    ["exact string, other value", { kind: ["update"] }, false],
    ["String.Array: any member matches", { actor: ["DPRK"] }, true],
    ["String.Array: no member matches", { actor: ["APT38"] }, false],
    ["numeric range inside", { score: [{ numeric: [">=", 70, "<", 80] }] }, true],
    ["numeric range outside", { score: [{ numeric: [">", 72] }] }, false],
    ["numeric equality", { amount_usd: [{ numeric: ["=", 5_000_000] }] }, true],
    ["a string never equals a Number attribute", { score: ["72"] }, false],
    ["anything-but, a listed value", { kind: [{ "anything-but": ["new", "digest"] }] }, false],
    ["anything-but, a single other value", { kind: [{ "anything-but": "digest" }] }, true],
    ["an absent attribute never matches", { severity: ["high"] }, false],
    ["anything-but does not match an absent attribute", { severity: [{ "anything-but": ["low"] }] }, false],
    ["keys are ANDed", { kind: ["new"], actor: ["APT38"] }, false],
    ["$or: one alternative holds", { $or: [{ kind: ["update"] }, { actor: ["DPRK"] }] }, true],
    ["$or: none holds", { $or: [{ kind: ["update"] }, { actor: ["APT38"] }] }, false],
    [
      "$or next to a key: both must hold",
      { kind: ["update"], $or: [{ actor: ["DPRK"] }, { score: [72] }] },
      false,
    ],
  ] as [string, FilterPolicy, boolean][])("%s", (_name, policy, expected) => {
    expect(matchesFilterPolicy(policy, attrs)).toBe(expected);
  });

  it("refuses syntax it does not implement instead of guessing", () => {
    expect(() => matchesFilterPolicy({ kind: [{ prefix: "n" } as never] }, attrs)).toThrow(
      UnsupportedPolicyError,
    );
    expect(() => matchesFilterPolicy({ score: [{ numeric: [">="] }] }, attrs)).toThrow(
      UnsupportedPolicyError,
    );
  });
});

function keysOf(policy: FilterPolicy, into = new Set<string>()): Set<string> {
  for (const [key, value] of Object.entries(policy)) {
    if (key === "$or") for (const alternative of value as FilterPolicy[]) keysOf(alternative, into);
    else into.add(key);
  }
  return into;
}

/** SNS counts the product of value-list lengths, summed over $or branches. */
function combinations(policy: FilterPolicy): number {
  let product = 1;
  let orSum = 0;
  for (const [key, value] of Object.entries(policy)) {
    if (key === "$or")
      orSum = (value as FilterPolicy[]).reduce((sum, alternative) => sum + combinations(alternative), 0);
    else product *= (value as unknown[]).length;
  }
  return orSum > 0 ? product * orSum : product;
}
