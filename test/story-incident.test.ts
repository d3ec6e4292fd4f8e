import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import {
  authoritiesIn,
  kindsIn,
  leadAuthorityIn,
  withoutBoilerplate,
} from "../lambdas/core/stories/incident.ts";
import { compareFeatures, describeEvidence, newStoryRecord } from "../lambdas/core/stories/story.ts";
import { extractFeatures, type FeatureInput } from "../lambdas/core/stories/story-features.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { storedArticle } from "./helpers/store-fixtures.ts";

function features(overrides: Partial<FeatureInput>) {
  return extractFeatures({
    articleId: "x",
    feedId: "f",
    publishedAt: "2025-01-10T10:00:00.000Z",
    title: "",
    summary: "",
    actors: ["Lazarus Group"],
    amountUsd: null,
    ...overrides,
  });
}

const victims = (title: string, summary = "") => features({ title, summary }).victims;

describe("victims named as robbed (invented names)", () => {
  it("finds the victim by where it stands, in headlines of any case and in other languages", () => {
    expect(victims("Hackers drain $41 million from Quillon exchange")).toEqual(["quillon"]);
    expect(victims("Quillon Hack Attributed to North Korea's Lazarus")).toEqual(["quillon"]);
    expect(victims("Lazarus Blamed For $37 Million Heist On South Korea's Quillon")).toEqual(["quillon"]);
    expect(victims("North Korea Hacks Brightmoor for $285M")).toEqual(["brightmoor"]);
    expect(victims("LayerZero-style relayer blames DPRK for $292M Kelp DAO bridge hack")).toContain("kelp");
    expect(victims("Hack de Quillon : les regards se tournent vers Lazarus")).toEqual(["quillon"]);
    expect(victims("Crypto payments provider Quillon says DPRK hackers stole $37 million")).toEqual([
      "quillon",
    ]);
    // Nothing named as robbed: no victim, even among capitals.
    expect(victims("North Korean Hackers Have Stolen $2 Billion in Crypto This Year: Report")).toEqual([]);
    expect(victims("US Treasury sanctions Pyongyang's crypto money men")).toEqual([]);
  });

  it("opens a headline with the victim when no pattern matched", () => {
    expect(victims("Quillon blames Lazarus for $37.3 million July 22 theft")).toEqual(["quillon"]);
    expect(victims("Chainalysis: Lazarus behind the theft")).toEqual([]);
  });

  it("ignores a link to another article at the end of a summary", () => {
    expect(withoutBoilerplate("Funds were frozen. Related Reading: Brightmoor Bridge Hack Update")).toBe(
      "Funds were frozen. ",
    );
  });
});

describe("kinds and issuers", () => {
  it("reads kinds of event and who issued them, with the headline's issuer leading", () => {
    expect(kindsIn("Regulator fines exchange over sanctions breaches")).toEqual(["fine", "sanction"]);
    expect(kindsIn("Morning Minute: exchange drained")).toEqual(["recap"]);
    expect(authoritiesIn("The US Treasury and the FBI said")).toEqual([
      "us-treasury",
      "fbi",
      "united-states",
    ]);
    expect(authoritiesIn("hackers told us nothing")).toEqual([]);
    expect(leadAuthorityIn("Seoul Considers Sanctions on North Korea Following US Crackdown", "")).toBe(
      "south-korea",
    );
    expect(leadAuthorityIn("Lazarus sanctioned", "The Treasury designated eight bankers.")).toBe(
      "us-treasury",
    );
  });
});

describe("one incident, told differently", () => {
  it('reads one figure in "$1.5 billion", "1.46 billion dollars" and "15억 달러"', () => {
    const english = features({
      title: "Quillon exchange loses $1.5 billion to Lazarus hackers",
      amountUsd: 1_500_000_000,
    });
    const revised = features({
      articleId: "y",
      title: "Quillon puts its losses at 1.46 billion dollars",
      amountUsd: null,
      publishedAt: "2025-01-20T10:00:00.000Z",
    });
    const korean = features({
      articleId: "z",
      title: "퀼론 거래소 15억 달러 해킹, 라자루스 소행",
      amountUsd: null,
      publishedAt: "2025-01-10T12:00:00.000Z",
    });
    expect(compareFeatures(revised, english)).toMatchObject({
      amounts: "agree",
      rule: "identity",
      same: true,
    });
    expect(compareFeatures(korean, english)).toMatchObject({
      amounts: "agree",
      sharedNumbers: ["1500000000"],
    });
  });

  it("makes one designation one story across outlets and languages", () => {
    const english = features({
      title: "US Treasury sanctions North Korean bankers who laundered stolen crypto",
      summary: "OFAC designated eight bankers and two companies that moved funds for the DPRK.",
    });
    const french = features({
      articleId: "y",
      title: "Crypto : les USA sanctionnent des banquiers nord-coréens",
      summary: "Le Trésor américain a sanctionné huit banquiers accusés de blanchir de la crypto volée.",
      publishedAt: "2025-01-11T20:00:00.000Z",
    });
    expect(compareFeatures(french, english)).toMatchObject({ same: true, rule: "issuer" });
  });
});

describe("different events stay apart", () => {
  const heist = features({
    title: "Hackers drain $48 million from Quillon exchange; Lazarus suspected",
    summary: "Quillon halted withdrawals after its hot wallets were emptied.",
    amountUsd: 48_000_000,
  });

  it("does not join two heists that share only the actor and the day", () => {
    const other = features({
      articleId: "y",
      title: "Lazarus hackers steal $12 million from Brightmoor bridge",
      summary: "The bridge was drained in a separate attack.",
      amountUsd: 12_000_000,
    });
    const evidence = compareFeatures(heist, other);
    expect(evidence).toMatchObject({ same: false, victimConflict: true });
  });

  it("does not join a round figure alone", () => {
    const report = features({
      articleId: "y",
      title: "North Korean hackers stole $48 million from users this quarter, firm says",
      summary: "The total covers dozens of phishing cases.",
      amountUsd: 48_000_000,
      publishedAt: "2025-01-14T10:00:00.000Z",
    });
    expect(compareFeatures(heist, report).same).toBe(false);
  });

  it("never joins a fine to a heist, nor a recap to anything", () => {
    const fine = features({
      articleId: "y",
      title: "Quillon exchange fined $48 million over sanctions breaches",
      summary: "The regulator said Quillon processed payments for sanctioned parties.",
      amountUsd: 48_000_000,
    });
    expect(compareFeatures(heist, fine)).toMatchObject({ same: false, vetoes: ["a fine is not the event"] });
    const recap = features({
      articleId: "z",
      title: "Weekly recap: Quillon exchange drained of $48 million",
      summary: "Quillon halted withdrawals after its hot wallets were emptied.",
      amountUsd: 48_000_000,
    });
    expect(compareFeatures(heist, recap).vetoes).toEqual(["a recap retells many events"]);
  });

  it("keeps sanctions by different governments apart", () => {
    const us = features({
      title: "US Treasury sanctions North Korean bankers laundering stolen crypto",
      summary: "The Treasury designated eight bankers and two firms.",
    });
    const seoul = features({
      articleId: "y",
      title: "Seoul sanctions North Korean bankers laundering stolen crypto",
      summary: "South Korea designated the same network days later.",
      publishedAt: "2025-01-11T10:00:00.000Z",
    });
    expect(compareFeatures(us, seoul).vetoes).toEqual(["measures by different authorities"]);
  });

  it("joins a follow-up weeks later on the victim, and says why", () => {
    const recovery = features({
      articleId: "y",
      title: "Quillon recovers $6 million of the $48 million stolen by Lazarus hackers",
      summary: "Stablecoin issuers froze part of the funds taken in the Quillon exchange hack.",
      amountUsd: 48_000_000,
      publishedAt: "2025-01-24T10:00:00.000Z",
    });
    const evidence = compareFeatures(recovery, heist);
    expect(evidence).toMatchObject({
      same: true,
      rule: "identity",
      sharedVictims: ["quillon"],
      amounts: "agree",
    });
    expect(describeEvidence(evidence)).toMatch(/^identity match; victim quillon; amounts agree;/);
  });
});

describe("incident keys on dynalite", () => {
  let db: LocalDynamo;
  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => {
    await db.close();
  });

  it("stores the identity fields with each source, capped whatever a feed sends", async () => {
    await createTable(db.client, "features");
    const store = createDynamoStore({ client: db.client, tableName: "features" });
    const heist = features({
      title: "Hackers drain $48 million from Quillon exchange",
      summary: Array.from({ length: 60 }, (_, i) => `hack of Victim${i}x`).join(", "),
      amountUsd: 48_000_000,
    });
    expect(heist.victims!.length).toBeGreaterThan(30);
    const record = newStoryRecord(storedArticle({ id: "x" }), heist, new Date("2025-01-10T12:00:00.000Z"));
    expect(await store.createStory(record)).toBe(true);
    const [stored] = (await store.getStoryRecord("x"))!.features;
    expect(stored!.victims).toHaveLength(30);
    expect(stored!.victims![0]).toBe("quillon");
    expect(stored).toMatchObject({
      kinds: heist.kinds,
      authorities: heist.authorities,
      amountUsd: 48_000_000,
    });
  });

  it("lets one story hold a victim, frees it for an older incident, and hands over on request", async () => {
    await createTable(db.client, "keys");
    const store = createDynamoStore({ client: db.client, tableName: "keys" });
    const claim = (storyId: string, publishedAt: string) => ({
      key: "victim:quillon",
      storyId,
      publishedAt,
      claimedAt: publishedAt,
    });
    const windowStart = "2025-01-01T00:00:00.000Z";
    expect(await store.claimIncidentKey(claim("s1", "2025-01-10T00:00:00.000Z"), windowStart)).toBeNull();
    // Idempotent for its holder; refused to another story of the window, naming the holder.
    expect(await store.claimIncidentKey(claim("s1", "2025-01-10T00:00:00.000Z"), windowStart)).toBeNull();
    expect(await store.claimIncidentKey(claim("s2", "2025-01-11T00:00:00.000Z"), windowStart)).toMatchObject({
      storyId: "s1",
      publishedAt: "2025-01-10T00:00:00.000Z",
    });
    // A story of the same victim months later: the old incident's claim is stale.
    expect(
      await store.claimIncidentKey(claim("s3", "2025-06-01T00:00:00.000Z"), "2025-05-01T00:00:00.000Z"),
    ).toBeNull();
    // Handed over only by the holder named.
    expect(
      await store.claimIncidentKey(claim("s4", "2025-06-02T00:00:00.000Z"), windowStart, "s1"),
    ).toMatchObject({
      storyId: "s3",
    });
    expect(
      await store.claimIncidentKey(claim("s4", "2025-06-02T00:00:00.000Z"), windowStart, "s3"),
    ).toBeNull();
  });
});
