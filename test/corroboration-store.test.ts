/**
 * Store-and-alert on dynalite with the SNS mock (issue 12): one source gives one `new` publish
 * with corroborated=false; a second independent source gives exactly one `corroborated` publish;
 * a syndicated copy gives none; an official-tier source alone gives corroborated=true on the
 * first publish. Then two subscriptions' filter policies are evaluated on every publish.
 */
import { readFileSync } from "node:fs";
import { PublishCommand, type PublishCommandInput } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";
import { publishInput } from "../lambdas/adapters/sns-notifier.ts";
import { openLocalStack } from "../cli/local/runtime.ts";
import { FILTER_POLICY_EXAMPLES } from "../lambdas/core/alerts/filter-policies.ts";
import type { SourceTier, Story } from "../lambdas/core/model/types.ts";
import { pollFeed, retryPendingAlerts } from "../lambdas/core/polling/pipeline.ts";
import { matchableAttributes } from "../lambdas/core/subscriptions/attributes.ts";
import { matchesFilterPolicy } from "../lambdas/core/subscriptions/match-policy.ts";
import { buildFilterPolicy, type PolicyFilters } from "../lambdas/core/subscriptions/policy.ts";
import type { FilterPolicy } from "../lambdas/core/subscriptions/types.ts";
import { testLocalConfig } from "./helpers/local-config.ts";
import { type FeedItem, TOPIC_ARN, usePollHarness } from "./helpers/poll-harness.ts";
import { policyAccepts } from "./helpers/sns-filter.ts";

type Item = FeedItem;

// Invented events and outlets; wording is generic crime-news vocabulary.
const FIRST: Item = {
  title: "Lazarus Group hackers steal $41 million from ExampleSwap exchange",
  summary:
    "ExampleSwap paused withdrawals after North Korean hackers drained its hot wallets, Elliptic said.",
  link: "https://one.example/exampleswap-theft",
  pubDate: "Fri, 10 Jan 2025 08:00:00 GMT",
};
/** The same wire story carried word for word by another outlet. */
const SYNDICATED: Item = {
  ...FIRST,
  link: "https://partner.example/wire/exampleswap",
  pubDate: "Fri, 10 Jan 2025 08:20:00 GMT",
};
const INDEPENDENT: Item = {
  title: "ExampleSwap confirms $41M hot wallet theft by suspected DPRK hackers",
  summary: "The exchange says customers will be made whole.",
  link: "https://two.example/exampleswap",
  pubDate: "Fri, 10 Jan 2025 09:30:00 GMT",
};
const THIRD: Item = {
  title: "ExampleSwap hack: $41 million gone, Lazarus suspected",
  summary: "ExampleSwap says the attackers drained hot wallets on three chains.",
  link: "https://three.example/exampleswap-hack",
  pubDate: "Fri, 10 Jan 2025 10:00:00 GMT",
};
const OFFICIAL: Item = {
  title: "FBI: North Korean Lazarus Group hackers stole $62 million from SampleBridge protocol",
  summary:
    "The FBI attributes the theft of $62 million from the SampleBridge cross-chain bridge to the DPRK's Lazarus Group.",
  link: "https://authority.example/news/samplebridge",
  pubDate: "Fri, 10 Jan 2025 11:00:00 GMT",
};

// Corroborate-and-escalate: a $62 million theft is medium from one outlet and high once a second
// independent outlet corroborates it (rules.json scoring.severity), with nothing else changing.
const ESCALATING_FIRST: Item = {
  title: "Lazarus Group hackers steal $62 million from Northwind exchange",
  summary: "Northwind paused withdrawals after North Korean hackers drained its hot wallets, Elliptic said.",
  link: "https://one.example/northwind-theft",
  pubDate: "Fri, 10 Jan 2025 08:00:00 GMT",
};
const ESCALATING_SECOND: Item = {
  title: "Northwind confirms $62M hot wallet theft by suspected DPRK hackers",
  summary: "The exchange says customers will be made whole.",
  link: "https://two.example/northwind",
  pubDate: "Fri, 10 Jan 2025 09:30:00 GMT",
};
const ESCALATING_CONFIRMED: Item = {
  title: "FBI confirms North Korea's Lazarus Group stole $62 million from Northwind exchange",
  summary: "The bureau attributed the Northwind exchange hack to the DPRK's TraderTraitor operators.",
  link: "https://three.example/fbi-northwind",
  pubDate: "Fri, 10 Jan 2025 11:00:00 GMT",
};

const poll = usePollHarness({ feeds: ["a", "s", "b", "c", "o"], tablePrefix: "corroboration" });
const { sns } = poll;
const feed = (id: string, tier?: SourceTier) => poll.feed(id, tier);
const setup = () => poll.setup({ clockAt: "2025-01-10T12:00:00.000Z", pageBaseUrl: "https://site.example" });
const published = poll.published;
const attribute = (index: number, name: string) => published()[index]?.MessageAttributes?.[name]?.StringValue;

describe("corroboration that fires (dynalite + SNS mock)", () => {
  it("one source: one new publish, corroborated=false", async () => {
    sns.on(PublishCommand).resolves({});
    const { deps } = await setup();
    poll.items.a = [FIRST];
    expect((await pollFeed(feed("a"), deps)).alerts).toBe(1);
    expect(published()).toHaveLength(1);
    expect(attribute(0, "kind")).toBe("new");
    expect(attribute(0, "corroborated")).toBe("false");
  });

  it("a syndicated copy gives none; a second independent source gives exactly one corroborated; a third none", async () => {
    sns.on(PublishCommand).resolves({});
    const { store, deps } = await setup();
    poll.items = { a: [FIRST], s: [SYNDICATED], b: [INDEPENDENT], c: [THIRD] };
    await pollFeed(feed("a"), deps);
    await pollFeed(feed("s"), deps);
    expect(published()).toHaveLength(1);
    const [afterCopy] = (await store.listFlaggedStories({ limit: 5 })).stories;
    expect(afterCopy?.sources).toHaveLength(2);
    expect(afterCopy?.corroboration).toMatchObject({ corroborated: false, independentSources: 1 });

    await pollFeed(feed("b"), deps);
    expect(published()).toHaveLength(2);
    expect(attribute(1, "kind")).toBe("corroborated");
    expect(attribute(1, "corroborated")).toBe("true");
    expect(published()[1]!.Subject).toMatch(/^\[\w+\] Corroborated: /);

    await pollFeed(feed("c"), deps);
    expect(await retryPendingAlerts(deps)).toBe(0);
    expect(published()).toHaveLength(2);
    const [story] = (await store.listFlaggedStories({ limit: 5 })).stories;
    expect(story?.corroboration).toMatchObject({
      corroborated: true,
      independentSources: 3,
      by: ["Outlet A", "Outlet B", "Outlet C"],
    });
    expect(story?.timeline?.map((event) => event.kind)).toEqual([
      "source",
      "source",
      "source",
      "corroborated",
      "source",
    ]);
    // The threshold it was flagged at travels with it, so pages show it without the rules.
    expect(story?.threshold).toBe(50);
    // Headline, link and date come from the earliest report.
    expect(story).toMatchObject({
      title: FIRST.title,
      url: FIRST.link,
      publishedAt: "2025-01-10T08:00:00.000Z",
    });
  });

  it("an official-tier source alone: corroborated=true on the first publish, and no corroborated message later", async () => {
    sns.on(PublishCommand).resolves({});
    const { deps } = await setup();
    poll.items.o = [OFFICIAL];
    await pollFeed(feed("o", "official"), deps);
    expect(published()).toHaveLength(1);
    expect(attribute(0, "kind")).toBe("new");
    expect(attribute(0, "corroborated")).toBe("true");
    const body = JSON.parse(published()[0]!.Message!) as { email: string };
    expect(body.email).toContain("Corroborated: yes, by Outlet O");
  });

  it("'everything' and 'corroborated only' subscriptions each receive exactly one message per story", async () => {
    sns.on(PublishCommand).resolves({});
    const { deps } = await setup();
    poll.items = { a: [FIRST], s: [SYNDICATED], b: [INDEPENDENT], c: [THIRD], o: [OFFICIAL] };
    for (const id of ["a", "s", "b", "c"]) await pollFeed(feed(id), deps);
    await pollFeed(feed("o", "official"), deps);
    expect(published().map((p) => p.MessageAttributes?.kind?.StringValue)).toEqual([
      "new",
      "corroborated",
      "new",
    ]);

    const storyOf = (index: number) =>
      JSON.parse(published()[index]!.Message!).email.match(/stories\/(\w+)/)[1];
    const received = (policy: Record<string, unknown[]>) =>
      published().flatMap((p, index) => (policyAccepts(policy, p.MessageAttributes) ? [storyOf(index)] : []));

    const everything = received(FILTER_POLICY_EXAMPLES.everything);
    const corroboratedOnly = received(FILTER_POLICY_EXAMPLES.corroboratedOnly);
    expect(everything).toHaveLength(2);
    expect(new Set(everything).size).toBe(2);
    expect(corroboratedOnly).toHaveLength(2);
    expect(new Set(corroboratedOnly).size).toBe(2);
    // The corroborated-only subscriber's message for the first story is the corroborated one.
    expect(policyAccepts(FILTER_POLICY_EXAMPLES.corroboratedOnly, published()[0]!.MessageAttributes)).toBe(
      false,
    );
    expect(policyAccepts(FILTER_POLICY_EXAMPLES.everything, published()[1]!.MessageAttributes)).toBe(false);
  });
});

/** The subscriptions sign-up builds, as SNS would hold them. */
const base: PolicyFilters = { minSeverity: "low", actors: [], corroboratedOnly: false, digest: "none" };
const SUBSCRIPTIONS: Record<string, FilterPolicy> = {
  everything: buildFilterPolicy(base),
  corroboratedOnly: buildFilterPolicy({ ...base, corroboratedOnly: true }),
  highOnly: buildFilterPolicy({ ...base, minSeverity: "high" }),
  corroboratedHighOnly: buildFilterPolicy({ ...base, minSeverity: "high", corroboratedOnly: true }),
};

/** Which publishes (by index) each subscription receives, as SNS evaluates its filter policy. */
function deliveries(publishes: PublishCommandInput[], policies: Record<string, FilterPolicy>) {
  return Object.fromEntries(
    Object.entries(policies).map(([name, policy]) => [
      name,
      publishes.flatMap((p, index) =>
        matchesFilterPolicy(policy, matchableAttributes(p.MessageAttributes ?? {})) ? [index] : [],
      ),
    ]),
  );
}

const filterAttributes = (p: PublishCommandInput | undefined) =>
  Object.fromEntries(
    ["kind", "severity", "corroborated", "news_for_corroborated"].map((name) => [
      name,
      p?.MessageAttributes?.[name]?.StringValue,
    ]),
  );

describe("the arrival that corroborates a story and raises its severity (dynalite + SNS mock)", () => {
  it("sends corroborated-only subscribers one `corroborated` message and the first message's audience one update", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    const { store, deps } = await setup();
    poll.items = { a: [ESCALATING_FIRST], b: [ESCALATING_SECOND], c: [ESCALATING_CONFIRMED] };

    expect(await pollFeed(feed("a"), deps)).toMatchObject({ flagged: 1, alerts: 1 });
    expect(filterAttributes(published()[0])).toEqual({
      kind: "new",
      severity: "medium",
      corroborated: "false",
      news_for_corroborated: "false",
    });

    // The second outlet corroborates the story, and with corroboration $62 million is high.
    expect(await pollFeed(feed("b"), deps)).toMatchObject({ flagged: 1, alerts: 2 });
    const stored = (await store.listFlaggedStories({ limit: 5 })).stories;
    expect(stored).toHaveLength(1);
    const story = stored[0]!;
    expect(story).toMatchObject({
      severity: "high",
      corroboration: { corroborated: true, independentSources: 2 },
    });
    const [, corroborated, update] = published();
    expect(published()).toHaveLength(3);
    // The exact commands: the `corroborated` message carries the new severity; the update tells the escalation.
    const asPublished = (alert: {
      kind: "corroborated" | "update";
      reasons: string[];
      newsForCorroborated?: boolean;
    }) =>
      publishInput(
        { ...alert, story: { ...story, alerted: expect.anything() as Story["alerted"] } },
        TOPIC_ARN,
        {
          pageBaseUrl: "https://site.example",
        },
      );
    expect(corroborated).toEqual(asPublished({ kind: "corroborated", reasons: [] }));
    expect(update).toEqual(
      asPublished({ kind: "update", reasons: ["severity raised to high"], newsForCorroborated: false }),
    );
    expect(corroborated!.Subject).toMatch(/^\[HIGH\] Corroborated: /);
    expect(update!.Subject).toMatch(/^\[HIGH\] Update: /);
    expect(filterAttributes(corroborated)).toEqual({
      kind: "corroborated",
      severity: "high",
      corroborated: "true",
      news_for_corroborated: "true",
    });
    expect(filterAttributes(update)).toEqual({
      kind: "update",
      severity: "high",
      corroborated: "true",
      news_for_corroborated: "false",
    });

    // A later arrival that escalates again is news to both audiences: one update for everyone.
    expect(await pollFeed(feed("c"), deps)).toMatchObject({ flagged: 1, alerts: 1 });
    expect(await retryPendingAlerts(deps)).toBe(0);
    expect(published()).toHaveLength(4);
    expect(filterAttributes(published()[3])).toEqual({
      kind: "update",
      severity: "high",
      corroborated: "true",
      news_for_corroborated: "true",
    });

    // Publishes 0 | 1, 2 | 3 are the three arrivals: nobody gets two for one arrival.
    expect(deliveries(published(), SUBSCRIPTIONS)).toEqual({
      everything: [0, 2, 3],
      corroboratedOnly: [1, 3],
      highOnly: [2, 3],
      corroboratedHighOnly: [1, 3],
    });
    // The documented examples mean the same, evaluated by the local matcher and by the test's SNS reading.
    const examples = {
      everything: FILTER_POLICY_EXAMPLES.everything,
      corroboratedOnly: FILTER_POLICY_EXAMPLES.corroboratedOnly,
    };
    expect(deliveries(published(), examples)).toEqual({ everything: [0, 2, 3], corroboratedOnly: [1, 3] });
    for (const [name, policy] of Object.entries(examples)) {
      const bySnsReading = published().flatMap((p, index) =>
        policyAccepts(policy, p.MessageAttributes) ? [index] : [],
      );
      expect(bySnsReading, name).toEqual(deliveries(published(), examples)[name]);
    }
  });

  it("local mode (one 'everything' subscriber) prints exactly one card per arrival: new, then the update", async () => {
    let now = new Date("2025-01-10T08:10:00.000Z");
    const printed: string[] = [];
    const stack = await openLocalStack({
      config: testLocalConfig(),
      feeds: [feed("a"), feed("b")],
      dataDir: null,
      output: { out: (text) => printed.push(text), err: (text) => printed.push(text) },
      clock: () => now,
    });
    try {
      const cards = () => printed.filter((text) => text.includes("╭─ "));
      poll.items = { a: [ESCALATING_FIRST] };
      await stack.runCycle();
      expect(cards()).toHaveLength(1);
      expect(cards()[0]).toMatch(/╭─ HEIST ALERT · MEDIUM /);

      now = new Date("2025-01-10T09:40:00.000Z");
      poll.items.b = [ESCALATING_SECOND];
      await stack.runCycle();
      expect(cards()).toHaveLength(2);
      expect(cards()[1]).toMatch(/╭─ ALERT UPDATE · HIGH /);
      expect(cards()[1]).toContain("Update: severity raised to high");
    } finally {
      await stack.close();
    }
  });
});

describe("the documented filter policies", () => {
  it("are exactly the ones these tests evaluate", () => {
    const doc = readFileSync(new URL("../docs/deploy.md", import.meta.url), "utf8");
    const section = doc.slice(doc.indexOf("## Message attributes and filter policies"));
    const rows = [...section.matchAll(/^\| [^|]+ \| `(\{.*\})` \|$/gm)].map((m) => JSON.parse(m[1]!));
    expect(rows).toEqual(Object.values(FILTER_POLICY_EXAMPLES));
  });
});
