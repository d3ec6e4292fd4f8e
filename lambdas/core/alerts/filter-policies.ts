/**
 * Filter policies for common wishes, on the attributes of attributes.ts. docs/deploy.md shows
 * them and test/corroboration-store.test.ts evaluates them on real publishes, so the examples
 * cannot drift from what is sent. SNS limits a policy to five keys and 150 value combinations.
 */
export type FilterPolicy = Record<string, unknown[]>;

export const FILTER_POLICY_EXAMPLES = {
  /** Every story once, when first seen, plus its escalations; never the corroborated repeat. */
  everything: { kind: ["new", "update"] },
  /**
   * Only corroborated stories: the first message that says corroborated=true, then escalations,
   * never the update that repeats what the `corroborated` message just told (news_for_corroborated).
   */
  corroboratedOnly: { kind: ["new", "corroborated", "update"], news_for_corroborated: ["true"] },
  /** High severity only (an escalation to high is the first such message). */
  highOnly: { kind: ["new", "update"], severity: ["high"] },
  /** Thefts of at least $100 million as stated (amounts above $1 billion are sent as 1e9). */
  bigThefts: { kind: ["new", "update"], amount_usd: [{ numeric: [">=", 100_000_000] }] },
  /** One actor family, by canonical name. */
  actor: { kind: ["new", "update"], actor: ["Lazarus Group", "TraderTraitor", "APT38"] },
  /** Confident stories: score of at least 80. */
  confident: { kind: ["new", "update"], score: [{ numeric: [">=", 80] }] },
} satisfies Record<string, FilterPolicy>;
