/**
 * Three invented stories for the alert texts' golden files: one source, corroborated by a
 * second outlet, and escalated by an official source. Names are made up (ExampleSwap...).
 */
import type { Alert, MatchedTerm, Story, StorySource } from "../../lambdas/core/model/types.ts";

const term = (
  text: string,
  group: string,
  weight: number,
  field: MatchedTerm["field"] = "title",
): MatchedTerm => ({
  term: text.toLowerCase(),
  group,
  weight,
  field,
  start: 0,
  end: text.length,
  text,
});

const MATCHED: MatchedTerm[] = [
  term("Lazarus Group", "actor", 45),
  term("drained", "theft", 40),
  term("$41 million", "amount", 12),
  term("hot wallets", "money", 10, "summary"),
  term("North Korean", "state", 8, "summary"),
  term("Elliptic", "researcher", 6, "summary"),
  term("exchange", "incident", 5),
  term("hackers", "incident", 4, "summary"),
  term("withdrawals", "money", 3, "summary"),
  term("price", "dampener", -6, "summary"),
  term("said", "attribution", 0, "summary"),
];

const FIRST: StorySource = {
  articleId: "a1b2c3d4e5f60718",
  feedId: "chainwire",
  name: "Chainwire Daily",
  url: "https://chainwire.example/exampleswap-drained",
  title: "Lazarus Group hackers drain $41 million from ExampleSwap exchange",
  publishedAt: "2026-03-10T08:40:00.000Z",
  tier: "news",
};

const SECOND: StorySource = {
  articleId: "b2c3d4e5f6071829",
  feedId: "orbit-ledger",
  name: "Orbit Ledger",
  url: "https://ledger.example/exampleswap-theft",
  title: "ExampleSwap confirms $41M hot wallet theft by suspected DPRK hackers",
  publishedAt: "2026-03-10T11:05:00.000Z",
  tier: "news",
};

const OFFICIAL: StorySource = {
  articleId: "c3d4e5f607182930",
  feedId: "fbi-press",
  name: "FBI national press releases",
  url: "https://authority.example/news/exampleswap-attribution",
  title: "FBI attributes theft of $95 million from ExampleSwap to North Korea",
  publishedAt: "2026-03-11T15:00:00.000Z",
  tier: "official",
};

const base: Story = {
  id: FIRST.articleId,
  title: FIRST.title,
  summary:
    "ExampleSwap paused withdrawals after North Korean hackers drained its hot wallets, blockchain analysts at Elliptic said.",
  url: FIRST.url,
  publishedAt: FIRST.publishedAt,
  updatedAt: FIRST.publishedAt,
  score: 82,
  severity: "medium",
  actors: ["Lazarus Group", "DPRK"],
  amountUsd: 41_000_000,
  attribution: "attributed",
  matched: MATCHED,
  categories: [],
  authors: [],
  sources: [FIRST],
  corroboration: { corroborated: false, independentSources: 1, by: [] },
};

/** One source, not corroborated: the first message. */
export const SINGLE_SOURCE: Alert = { kind: "new", reasons: [], story: base };

/** A second independent outlet made it corroborated: the one corroborated message. */
export const CORROBORATED: Alert = {
  kind: "corroborated",
  reasons: [],
  story: {
    ...base,
    updatedAt: SECOND.publishedAt,
    sources: [FIRST, SECOND],
    corroboration: {
      corroborated: true,
      independentSources: 2,
      by: ["Chainwire Daily", "Orbit Ledger"],
      at: "2026-03-10T11:10:00.000Z",
    },
  },
};

/** An official source confirmed it and revised the amount: the update. */
export const ESCALATED: Alert = {
  kind: "update",
  reasons: ["attribution upgraded to confirmed", "amount revised up from $41,000,000 to $95,000,000"],
  story: {
    ...base,
    updatedAt: OFFICIAL.publishedAt,
    severity: "high",
    amountUsd: 95_000_000,
    attribution: "confirmed",
    matched: [term("FBI", "authority", 20), ...MATCHED],
    sources: [FIRST, SECOND, OFFICIAL],
    corroboration: {
      corroborated: true,
      independentSources: 3,
      by: ["FBI national press releases"],
      at: "2026-03-10T11:10:00.000Z",
    },
  },
};

/** The escalated story with the timeline that led there: two outlets, corroboration, then the FBI. */
export const ESCALATED_WITH_TIMELINE: Story = {
  ...ESCALATED.story,
  timeline: [
    {
      at: "2026-03-10T08:45:00.000Z",
      kind: "source",
      articleId: "a1b2c3d4e5f60718",
      sourceName: "Chainwire Daily",
    },
    {
      at: "2026-03-10T11:10:00.000Z",
      kind: "source",
      articleId: "b2c3d4e5f6071829",
      sourceName: "Orbit Ledger",
    },
    {
      at: "2026-03-10T11:10:00.000Z",
      kind: "corroborated",
      articleId: "b2c3d4e5f6071829",
      sourceName: "Orbit Ledger",
    },
    {
      at: "2026-03-11T15:05:00.000Z",
      kind: "source",
      articleId: "c3d4e5f607182930",
      sourceName: "FBI national press releases",
    },
    {
      at: "2026-03-11T15:05:00.000Z",
      kind: "attribution",
      articleId: "c3d4e5f607182930",
      sourceName: "FBI national press releases",
      from: "attributed",
      to: "confirmed",
    },
    {
      at: "2026-03-11T15:05:00.000Z",
      kind: "amount",
      articleId: "c3d4e5f607182930",
      sourceName: "FBI national press releases",
      from: "41000000",
      to: "95000000",
    },
  ],
};

export const GOLDEN_ALERTS = {
  "single-source": SINGLE_SOURCE,
  corroborated: CORROBORATED,
  escalated: ESCALATED,
};
