/**
 * One incident over two weeks, through the real poll path: feeds on 127.0.0.1, dynalite, the SNS
 * notifier against a mocked SNS client. And two pollers founding stories for one incident at
 * the same instant.
 */
import { PublishCommand, type PublishCommandInput } from "@aws-sdk/client-sns";
import { describe, expect, it } from "vitest";
import type { Store } from "../lambdas/core/model/ports.ts";
import type { FeedConfig } from "../lambdas/core/model/types.ts";
import { pollFeed } from "../lambdas/core/polling/pipeline.ts";
import { type FeedItem, usePollHarness } from "./helpers/poll-harness.ts";

type Item = FeedItem;

// Invented exchange and bridge; the wording is what outlets write on each day of an incident.
const DAY0_A: Item = {
  title: "Hackers drain $48 million from Quillon exchange; Lazarus Group suspected",
  summary:
    // "Tied to", not "bears the hallmarks of": a hedge would hold day 0 at suspected (issue 12), and
    // the second outlet's analysts would then escalate it; this test is about corroboration.
    "Quillon halted withdrawals after its hot wallets were emptied overnight. Investigators tied the attack to North Korea's Lazarus Group.",
  link: "https://one.example/quillon-drained",
  pubDate: "Mon, 03 Mar 2025 08:00:00 GMT",
};
const DAY0_B: Item = {
  title: "Quillon confirms $48M hot wallet theft, North Korean hackers suspected",
  summary:
    "The exchange said customer balances will be covered from its reserves after the attack, which analysts tie to the Lazarus Group.",
  link: "https://two.example/quillon-confirms",
  pubDate: "Mon, 03 Mar 2025 10:30:00 GMT",
};
const DAY5_FBI: Item = {
  title: "FBI confirms North Korea's Lazarus Group behind $48 million Quillon exchange hack",
  summary:
    "The bureau attributed the theft from the Quillon exchange to the DPRK's TraderTraitor operators and published the addresses holding the stolen funds.",
  link: "https://three.example/fbi-quillon",
  pubDate: "Sat, 08 Mar 2025 15:00:00 GMT",
};
const DAY6_OTHER: Item = {
  title: "Lazarus Group hackers steal $12 million from Brightmoor bridge",
  summary:
    "The Brightmoor bridge was drained in a separate attack that investigators tied to North Korea's Lazarus Group.",
  link: "https://four.example/brightmoor",
  pubDate: "Sun, 09 Mar 2025 09:00:00 GMT",
};
const DAY12_RECOVERY: Item = {
  title: "Quillon recovers $6 million of the $48 million stolen by Lazarus hackers",
  summary:
    "Stablecoin issuers froze part of the funds taken in the Quillon exchange hack by North Korea's Lazarus Group, and the exchange said $6 million has been returned.",
  link: "https://five.example/quillon-recovers",
  pubDate: "Sat, 15 Mar 2025 12:00:00 GMT",
};

const poll = usePollHarness({ feeds: ["a", "b", "c", "d", "e"], tablePrefix: "timeline" });
const { sns } = poll;
const feed = (id: string): FeedConfig => poll.feed(id);
const setup = (clockAt: string, wrap?: (store: Store) => Store) => poll.setup({ clockAt, wrap });
const published = (): PublishCommandInput[] => poll.published();
const kindOf = (input: PublishCommandInput) => input.MessageAttributes?.kind?.StringValue;

describe("an incident over two weeks (dynalite, local feeds, SNS notifier)", () => {
  it("alerts once for day 0, updates once on the FBI attribution, folds in the recovery, and alerts a new heist by the same actor", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    const { store, deps, setNow } = await setup("2025-03-03T11:00:00.000Z");

    // Day 0: two outlets report the theft.
    poll.items = { a: [DAY0_A], b: [DAY0_B] };
    expect(await pollFeed(feed("a"), deps)).toMatchObject({ status: "ok", flagged: 1, alerts: 1 });
    // Issue 12: the second outlet corroborates the story: one corroborated message, once.
    expect(await pollFeed(feed("b"), deps)).toMatchObject({ status: "ok", flagged: 1, alerts: 1 });
    expect(published().map(kindOf)).toEqual(["new", "corroborated"]);
    let stories = (await store.listFlaggedStories({ limit: 10 })).stories;
    expect(stories).toHaveLength(1);
    const incidentId = stories[0]!.id;
    expect(stories[0]!.sources.map((source) => source.name)).toEqual(["Outlet A", "Outlet B"]);

    // Day 5: the FBI attributes it: one update, attribution confirmed.
    setNow("2025-03-08T16:00:00.000Z");
    poll.items.c = [DAY5_FBI];
    expect(await pollFeed(feed("c"), deps)).toMatchObject({ status: "ok", flagged: 1, alerts: 1 });
    expect(published().map(kindOf)).toEqual(["new", "corroborated", "update"]);
    const update = JSON.parse(published()[2]!.Message!) as { email: string };
    expect(update.email).toContain("attribution upgraded to confirmed");
    expect(await store.getStory(incidentId)).toMatchObject({ attribution: "confirmed" });

    // Day 6: another heist by the same actor: its own story and its own alert.
    setNow("2025-03-09T10:00:00.000Z");
    poll.items.d = [DAY6_OTHER];
    expect(await pollFeed(feed("d"), deps)).toMatchObject({ status: "ok", flagged: 1, alerts: 1 });
    expect(published().map(kindOf)).toEqual(["new", "corroborated", "update", "new"]);
    stories = (await store.listFlaggedStories({ limit: 10 })).stories;
    expect(stories).toHaveLength(2);
    const other = stories.find((story) => story.id !== incidentId)!;
    expect(other.sources.map((source) => source.name)).toEqual(["Outlet D"]);
    expect(other.amountUsd).toBe(12_000_000);

    // Day 12: a recovery joins the incident; nothing escalated, so nobody is messaged.
    setNow("2025-03-15T13:00:00.000Z");
    poll.items.e = [DAY12_RECOVERY];
    expect(await pollFeed(feed("e"), deps)).toMatchObject({ status: "ok", flagged: 1, alerts: 0 });
    expect(published()).toHaveLength(4);
    const incident = await store.getStory(incidentId);
    expect(incident?.sources.map((source) => source.name)).toEqual([
      "Outlet A",
      "Outlet B",
      "Outlet C",
      "Outlet E",
    ]);
    expect(incident).toMatchObject({ attribution: "confirmed", amountUsd: 48_000_000 });
    expect((await store.listFlaggedStories({ limit: 10 })).stories).toHaveLength(2);
  });

  it("sends the one update for an amount revised three weeks on (the newest report is fresh, the story is not)", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    const { store, deps, setNow } = await setup("2025-03-03T11:00:00.000Z");
    poll.items = { a: [DAY0_A] };
    await pollFeed(feed("a"), deps);
    const { id } = (await store.listFlaggedStories({ limit: 1 })).stories[0]!;

    setNow("2025-03-24T10:00:00.000Z");
    poll.items.b = [
      {
        title: "Quillon raises its loss to $120 million as Lazarus hackers hit a second wallet",
        summary:
          "The exchange said a second wallet was drained in the same Quillon exchange hack by North Korea's Lazarus Group.",
        link: "https://two.example/quillon-revised",
        pubDate: "Mon, 24 Mar 2025 09:00:00 GMT",
      },
    ];
    // The second outlet both corroborates (issue 12: told once, first) and escalates (the update).
    expect(await pollFeed(feed("b"), deps)).toMatchObject({ status: "ok", flagged: 1, alerts: 2 });
    expect(published().map(kindOf)).toEqual(["new", "corroborated", "update"]);
    expect(JSON.parse(published()[2]!.Message!).email).toContain(
      "amount revised up from $48,000,000 to $120,000,000",
    );
    expect((await store.getStory(id))?.sources).toHaveLength(2);
  });

  // Corroboration publishes (issue 12): the day-0 second outlet above sends the one corroborated message.
});

/**
 * A store whose first two candidate queries answer only once both were asked: both pollers see
 * an empty window, as when they poll at the same instant.
 */
function simultaneousReads(store: Store): Store {
  let waiting: (() => void)[] = [];
  let asked = 0;
  return {
    ...store,
    async findStoryCandidates(from, to) {
      const result = await store.findStoryCandidates(from, to);
      if (++asked <= 2) {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length === 2) {
            for (const release of waiting) release();
            waiting = [];
          }
        });
      }
      return result;
    },
  };
}

describe("two pollers, two reports of one incident, the same instant", () => {
  it("found one story and send one alert", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    const { store, deps } = await setup("2025-03-03T11:00:00.000Z", simultaneousReads);
    poll.items = { a: [DAY0_A], b: [DAY0_B] };
    const outcomes = await Promise.all([pollFeed(feed("a"), deps), pollFeed(feed("b"), deps)]);
    expect(outcomes.map((outcome) => outcome.flagged)).toEqual([1, 1]);
    const { stories } = await store.listFlaggedStories({ limit: 10 });
    expect(stories).toHaveLength(1);
    expect(stories[0]!.sources.map((source) => source.name).sort()).toEqual(["Outlet A", "Outlet B"]);
    expect(published().map(kindOf)).toEqual(["new"]);
  });

  it("found one story for one designation reported by two outlets at the same instant", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    const { store, deps } = await setup("2025-03-04T12:00:00.000Z", simultaneousReads);
    poll.items = {
      a: [
        {
          title: "US Treasury sanctions North Korean bankers who laundered stolen crypto for Lazarus Group",
          summary: "OFAC designated eight bankers and two companies that moved stolen funds for the DPRK.",
          link: "https://one.example/treasury-bankers",
          pubDate: "Tue, 04 Mar 2025 09:00:00 GMT",
        },
      ],
      b: [
        {
          title: "Treasury hits North Korea's crypto launderers with new sanctions",
          summary:
            "The US Treasury sanctioned eight bankers accused of laundering cryptocurrency stolen by the Lazarus Group.",
          link: "https://two.example/treasury-launderers",
          pubDate: "Tue, 04 Mar 2025 10:00:00 GMT",
        },
      ],
    };
    const outcomes = await Promise.all([pollFeed(feed("a"), deps), pollFeed(feed("b"), deps)]);
    expect(outcomes.map((outcome) => outcome.flagged)).toEqual([1, 1]);
    const { stories } = await store.listFlaggedStories({ limit: 10 });
    expect(stories).toHaveLength(1);
    expect(published()).toHaveLength(1);
  });

  it("would found two without the incident key (the gap the key closes)", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m" });
    const withoutKeys = (store: Store): Store =>
      simultaneousReads({ ...store, claimIncidentKey: async () => null });
    const { store, deps } = await setup("2025-03-03T11:00:00.000Z", withoutKeys);
    poll.items = { a: [DAY0_A], b: [DAY0_B] };
    await Promise.all([pollFeed(feed("a"), deps), pollFeed(feed("b"), deps)]);
    expect((await store.listFlaggedStories({ limit: 10 })).stories).toHaveLength(2);
    expect(published()).toHaveLength(2);
  });
});
