/**
 * Digests: which slot a run belongs to, which stories a digest lists per severity tier, and the
 * digest Lambda end to end (stories on dynalite, slot claimed once, SNS mocked with the exact
 * Publish commands whose attributes only digest subscribers' policies accept).
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDigestSlotClaimer } from "../lambdas/adapters/dynamo-subscriptions.ts";
import { digestPublishInput, publishDigest } from "../lambdas/adapters/sns-digest-publisher.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import { runDigest } from "../lambdas/digest.ts";
import {
  buildDigests,
  digestSubject,
  digestText,
  scheduledSlot,
} from "../lambdas/core/subscriptions/digest.ts";
import { matchesFilterPolicy } from "../lambdas/core/subscriptions/match-policy.ts";
import { buildFilterPolicy, type PolicyFilters } from "../lambdas/core/subscriptions/policy.ts";
import { makeStory, memoryReader, recordingLog } from "./helpers/api-stories.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";

const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:Alerts";
const schedule = { hourUtc: 7, weekday: 1 };

describe("digest slots", () => {
  it.each([
    [
      "daily, after the hour",
      "daily",
      "2026-03-11T07:30:00Z",
      "daily:2026-03-11",
      "2026-03-11T07:00:00.000Z",
    ],
    [
      "daily, before the hour: yesterday's",
      "daily",
      "2026-03-11T06:59:00Z",
      "daily:2026-03-10",
      "2026-03-10T07:00:00.000Z",
    ],
    ["daily, on the hour", "daily", "2026-03-11T07:00:00Z", "daily:2026-03-11", "2026-03-11T07:00:00.000Z"],
    [
      "weekly, the Monday itself",
      "weekly",
      "2026-03-09T08:00:00Z",
      "weekly:2026-03-09",
      "2026-03-09T07:00:00.000Z",
    ],
    [
      "weekly, mid-week: last Monday's",
      "weekly",
      "2026-03-12T12:00:00Z",
      "weekly:2026-03-09",
      "2026-03-09T07:00:00.000Z",
    ],
    [
      "weekly, Monday before the hour: the Monday before",
      "weekly",
      "2026-03-09T06:00:00Z",
      "weekly:2026-03-02",
      "2026-03-02T07:00:00.000Z",
    ],
  ] as const)("%s", (_name, period, now, key, at) => {
    const slot = scheduledSlot(period, new Date(now), schedule);
    expect(slot.key).toBe(key);
    expect(slot.at.toISOString()).toBe(at);
  });
});

describe("building digests", () => {
  const at = new Date("2026-03-11T07:00:00Z");
  const stories = [
    makeStory({
      id: "high-in",
      severity: "high",
      actors: ["Lazarus Group"],
      publishedAt: "2026-03-10T09:00:00.000Z",
    }),
    makeStory({
      id: "medium-in",
      severity: "medium",
      actors: ["APT38"],
      publishedAt: "2026-03-10T20:00:00.000Z",
    }),
    makeStory({ id: "low-in", severity: "low", actors: [], publishedAt: "2026-03-10T07:00:00.000Z" }),
    makeStory({ id: "too-old", severity: "high", publishedAt: "2026-03-10T06:59:59.000Z" }),
    makeStory({ id: "too-new", severity: "high", publishedAt: "2026-03-11T07:00:00.000Z" }),
  ];

  it("makes one digest per severity tier, each listing the period's stories at or above it, newest first", () => {
    const digests = buildDigests("daily", stories, at);
    expect(digests.map((d) => [d.tier, d.stories.map((s) => s.id)])).toEqual([
      ["low", ["medium-in", "high-in", "low-in"]],
      ["medium", ["medium-in", "high-in"]],
      ["high", ["high-in"]],
    ]);
    expect(digests[1]!.attributes).toEqual({
      kind: { type: "String", value: "digest" },
      period: { type: "String", value: "daily" },
      severity: { type: "String", value: "medium" },
      actor: { type: "String.Array", value: ["APT38", "Lazarus Group"] },
    });
    expect(buildDigests("daily", [], at)).toEqual([]);
  });

  it("gives each digest subscriber exactly one digest of the period, and instant subscribers none", () => {
    const digests = buildDigests("daily", stories, at);
    const received = (filters: Parameters<typeof buildFilterPolicy>[0]) =>
      digests.filter((d) => matchesFilterPolicy(buildFilterPolicy(filters), d.attributes)).map((d) => d.tier);
    const base: Pick<PolicyFilters, "actors" | "corroboratedOnly"> = { actors: [], corroboratedOnly: false };
    expect(received({ ...base, minSeverity: "low", digest: "daily" })).toEqual(["low"]);
    expect(received({ ...base, minSeverity: "high", digest: "daily" })).toEqual(["high"]);
    expect(received({ ...base, minSeverity: "low", digest: "weekly" })).toEqual([]);
    expect(received({ ...base, minSeverity: "low", digest: "none" })).toEqual([]);
    expect(received({ ...base, minSeverity: "medium", digest: "daily", actors: ["APT38"] })).toEqual([
      "medium",
    ]);
    expect(received({ ...base, minSeverity: "high", digest: "daily", actors: ["APT38"] })).toEqual([]);
  });

  it("writes a one-line subject and a text listing each story with its link", () => {
    const [low] = buildDigests("daily", stories, at);
    expect(digestSubject(low!)).toBe("heistwatch daily digest: 3 stories");
    const text = digestText(low!);
    expect(text).toContain("Stories first reported 2026-03-10 07:00 to 2026-03-11 07:00 UTC.");
    expect(text).toContain("https://news.example.com/articles/high-in");
    expect(text.match(/^\[(HIGH|MEDIUM|LOW)\]/gm)).toEqual(["[MEDIUM]", "[HIGH]", "[LOW]"]);
  });
});

describe("the digest Lambda", () => {
  const snsMock = mockClient(SNSClient);
  let db: LocalDynamo;
  const table = "digests";

  beforeAll(async () => {
    db = await startDynalite();
    await createTable(db.client, table);
  });
  afterAll(async () => db.close());
  beforeEach(() => {
    snsMock.reset();
    snsMock.on(PublishCommand).resolves({ MessageId: "m1" });
  });

  const stories = [
    makeStory({
      id: "s1",
      severity: "high",
      actors: ["Lazarus Group"],
      publishedAt: "2026-03-10T09:00:00.000Z",
    }),
    makeStory({ id: "s2", severity: "low", actors: [], publishedAt: "2026-03-10T10:00:00.000Z" }),
  ];
  const deps = (now: string) => {
    const sns = new SNSClient({ region: "eu-west-1" });
    return {
      reader: memoryReader(stories),
      claim: createDigestSlotClaimer({ client: db.client, tableName: table, clock: () => new Date(now) }),
      publish: (digest: Parameters<typeof publishDigest>[2]) => publishDigest(sns, TOPIC_ARN, digest),
      schedule,
      clock: () => new Date(now),
      log: recordingLog(),
    };
  };

  it("publishes one digest per tier with stories, with the exact Publish input, once per slot", async () => {
    const result = await runDigest(deps("2026-03-11T07:00:05Z"), { period: "daily" });
    expect(result).toEqual({ period: "daily", slot: "daily:2026-03-11", published: 3, skipped: false });
    const inputs = snsMock.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.MessageAttributes)).toEqual([
      {
        kind: { DataType: "String", StringValue: "digest" },
        period: { DataType: "String", StringValue: "daily" },
        severity: { DataType: "String", StringValue: "low" },
        actor: { DataType: "String.Array", StringValue: '["Lazarus Group"]' },
      },
      {
        kind: { DataType: "String", StringValue: "digest" },
        period: { DataType: "String", StringValue: "daily" },
        severity: { DataType: "String", StringValue: "medium" },
        actor: { DataType: "String.Array", StringValue: '["Lazarus Group"]' },
      },
      {
        kind: { DataType: "String", StringValue: "digest" },
        period: { DataType: "String", StringValue: "daily" },
        severity: { DataType: "String", StringValue: "high" },
        actor: { DataType: "String.Array", StringValue: '["Lazarus Group"]' },
      },
    ]);
    const [lowDigest] = buildDigests("daily", stories, new Date("2026-03-11T07:00:00Z"));
    expect(inputs[0]).toEqual(digestPublishInput(lowDigest!, TOPIC_ARN));
    expect(inputs[0]!.Subject).toBe("heistwatch daily digest: 2 stories");
    const message = JSON.parse(inputs[0]!.Message!) as Record<string, string>;
    expect(Object.keys(message)).toEqual(["default", "email", "sms"]);
    expect(message.email).toContain("Lazarus Group drains");

    // A duplicate invocation of the same slot sends nothing.
    snsMock.resetHistory();
    const again = await runDigest(deps("2026-03-11T07:03:00Z"), { period: "daily" });
    expect(again).toEqual({ period: "daily", slot: "daily:2026-03-11", published: 0, skipped: true });
    expect(snsMock.calls()).toHaveLength(0);
  });

  it("publishes nothing for a period without stories, and refuses an event without a period", async () => {
    const empty = await runDigest(deps("2026-04-13T07:00:00Z"), { period: "weekly" });
    expect(empty).toMatchObject({ slot: "weekly:2026-04-13", published: 0, skipped: false });
    expect(snsMock.calls()).toHaveLength(0);
    await expect(runDigest(deps("2026-03-16T07:00:00Z"), { period: "hourly" })).rejects.toThrow(/period/);
    await expect(runDigest(deps("2026-03-16T07:00:00Z"), null)).rejects.toThrow(/period/);
  });
});
