/**
 * The domain's shared vocabulary. Every module in core/ speaks these types; adapters,
 * handlers and the CLI translate to and from them. Pure types: no runtime code here.
 */

/** A feed to poll, as configured by the operator (config/feeds.json or cdk context). */
export interface FeedConfig {
  /** Stable short id, [a-z0-9-]+; part of DynamoDB keys, so never reuse one for another URL. */
  id: string;
  /** Human name of the source, shown in alerts and the public feed ("The Record"). */
  name: string;
  /** http(s) URL of the RSS/Atom/RDF document. */
  url: string;
  /** How much a report from this feed weighs as confirmation (see stories/corroboration.ts); default "news". */
  tier?: SourceTier;
}

/**
 * official: an authority's own feed (FBI/IC3, Treasury/OFAC, DOJ, national agencies);
 * research: a blockchain-forensics firm's own research; news: everyone else.
 * Official and research reports corroborate a story alone; news needs a second independent outlet.
 */
export type SourceTier = "official" | "research" | "news";

/** How trustworthy an article's publishedAt is. */
export type DateQuality = "ok" | "missing" | "unparseable" | "future-clamped";

/** One normalised item from a feed: plain text only, canonical URL, stable id. */
export interface Article {
  /** Short hash of the canonical URL, or of feed id + guid when there is no link. */
  id: string;
  /** Canonical http(s) URL (tracking parameters and fragment removed), or null when the item had none. */
  url: string | null;
  /** Plain text, entities decoded, whitespace collapsed, capped. */
  title: string;
  /** Plain text, capped. May be empty. */
  summary: string;
  /** Plain text of the full content when the feed (or enrichment) had it; used to classify, not published. */
  content?: string;
  feedId: string;
  /** Human name of the source (the feed's configured name). */
  source: string;
  /** ISO 8601. When the feed's date was missing or unparseable: the fetch time (see dateQuality). */
  publishedAt: string;
  /** ISO 8601: when this poller read the item. */
  fetchedAt: string;
  dateQuality: DateQuality;
  categories: string[];
  author?: string;
  /** The feed's own guid/id for the item, when it had one. */
  guid?: string;
}

export type Severity = "low" | "medium" | "high";

/**
 * How firmly the text pins the theft on a state actor:
 * suspected (the text hedges: "suspected", "linked to", "bears hallmarks of"),
 * attributed (researchers or firms attribute it: Chainalysis, Elliptic, Mandiant, ZachXBT...),
 * confirmed (an authority says so: FBI, Treasury/OFAC, DOJ, UN panel, a national police/intelligence agency).
 */
export type AttributionStage = "suspected" | "attributed" | "confirmed";

export type TextField = "title" | "summary" | "content";

/** One piece of evidence behind a score. */
export interface MatchedTerm {
  /** The rule's canonical term (e.g. "lazarus", "stole"). */
  term: string;
  /** The rule group: actor, theft, target, state, authority, dampener, amount, ... */
  group: string;
  /** Points this match contributed (negative for dampeners). */
  weight: number;
  field: TextField;
  /** Offsets into the field's plain text (toPlainText of the input field): text === plain.slice(start, end). */
  start: number;
  end: number;
  /** The matched text as it stands in the field's plain text. */
  text: string;
}

/** The explainable verdict on one article. */
export interface Classification {
  /** 0..100: a bounded transform of rawScore, 100 * (1 - exp(-rawScore / scoreScale)). */
  score: number;
  /** The evidence's points before the transform (sum of matched weights and bonuses). */
  rawScore?: number;
  /** Raw points at which the score reaches 63; the score approaches 100 and never passes it. */
  scoreScale?: number;
  /** The flagging threshold the score was compared with. */
  threshold?: number;
  /** The article's language (ISO 639-1): declared by the feed, else detected; "und" when unknown. */
  language?: string;
  /** score >= the configured threshold (and both actor and theft evidence present). */
  flagged: boolean;
  severity: Severity;
  /** Canonical actor names found, most specific first ("Lazarus Group", "DPRK"). */
  actors: string[];
  /** This event's stated amount in US dollars (not totals, prices or fines), or null. */
  amountUsd: number | null;
  /** Null when there is no actor attribution at all. */
  attribution: AttributionStage | null;
  matched: MatchedTerm[];
}

/** An article as stored: the article, its verdict, and the story it joined. */
export interface StoredArticle extends Article, Classification {
  storyId: string | null;
  /** Target, assets and vector of a flagged article (see core/record). */
  record?: IncidentRecord;
  /** Epoch seconds; only on unflagged articles (they expire, flagged ones stay). */
  ttl?: number;
}

/** One report of a story by one source. */
export interface StorySource {
  articleId: string;
  feedId: string;
  name: string;
  url: string | null;
  title: string;
  publishedAt: string;
  /** The feed's tier when the report arrived; absent on stories stored before tiers existed (= news). */
  tier?: SourceTier;
}

/** Whether a story is confirmed by more than one voice, and by whom. */
export interface Corroboration {
  corroborated: boolean;
  /** Distinct outlets, syndicated copies of one wire story counted once. */
  independentSources: number;
  /** Names of the sources that made it corroborated (an official/research source, or the independent outlets). */
  by: string[];
  /** When it first became corroborated (ISO). */
  at?: string;
}

/** One step in a story's life, for the story page's timeline. */
export interface TimelineEvent {
  /** ISO time the change was recorded. */
  at: string;
  kind: "source" | "attribution" | "amount" | "corroborated";
  /** The report that caused it. */
  articleId: string;
  sourceName: string;
  /** For attribution and amount changes: before and after, as display text. */
  from?: string | null;
  to?: string | null;
}

/**
 * One real-world event, as reported by one or more sources. The public feed lists stories,
 * not articles, so the same heist from five sites is one entry and one alert.
 */
export interface Story {
  id: string;
  /** Title, summary and url of the first (or best) report. */
  title: string;
  summary: string;
  url: string | null;
  /** publishedAt of the first report. */
  publishedAt: string;
  /** When the story last changed (new source, escalation). */
  updatedAt: string;
  /** Highest score among its articles. */
  score: number;
  /** The flagging threshold in force when its last report was classified (absent on older stories). */
  threshold?: number;
  severity: Severity;
  actors: string[];
  amountUsd: number | null;
  attribution: AttributionStage | null;
  /** The evidence of the highest-scoring article. */
  matched: MatchedTerm[];
  categories: string[];
  authors: string[];
  sources: StorySource[];
  /** Absent on stories stored before corroboration was tracked. */
  corroboration?: Corroboration;
  /** Arrivals and changes in order (capped); absent on older stories. */
  timeline?: TimelineEvent[];
  /** Target, assets and vector, merged over the story's reports (see core/record). */
  record?: IncidentRecord;
  /** Set once, conditionally, when the first alert was sent. */
  alertedAt?: string;
  /** What the subscribers were last told, to decide whether a later change is an escalation. */
  alerted?: {
    severity: Severity;
    attribution: AttributionStage | null;
    amountUsd: number | null;
    /** Whether the last message said corroborated=true; absent on snapshots older than the field. */
    corroborated?: boolean;
    at: string;
    /**
     * What the `corroborated` message told the subscribers of corroborated stories only (it was
     * their first message, carrying the state of its day), while the first message's audience
     * still holds the fields above; the next update, which brings both up to date, drops it.
     */
    corroboratedAudience?: AlertedState;
  };
}

/** Per-feed polling state, kept in the store (a Lambda container forgets). */
export interface FeedState {
  feedId: string;
  url: string;
  etag?: string;
  lastModified?: string;
  /** "ok", "not-modified", or a failure kind. */
  lastStatus: string;
  lastError?: string;
  lastPolledAt?: string;
  lastOkAt?: string;
  consecutiveFailures: number;
  /** ISO time of the first failure in the current run of failures; absent while the feed is healthy. */
  failingSince?: string;
  /** ISO time before which the feed is not polled again (backoff, Retry-After). */
  nextPollAt?: string;
  /** itemIdsHash of the items last stored in full; the same hash next time skips the known-ids read. */
  itemIdsHash?: string;
}

/**
 * new: first message about a story; update: it escalated; corroborated: it became corroborated
 * after its first message (sent once); digest: a summary of several stories (reserved).
 */
export type AlertKind = "new" | "update" | "corroborated" | "digest";

/** The escalation-relevant state a message told its readers. */
export interface AlertedState {
  severity: Severity;
  attribution: AttributionStage | null;
  amountUsd: number | null;
}

/** A notification about a story. */
export interface Alert {
  kind: AlertKind;
  story: Story;
  /** For updates: what escalated, in words ("attribution upgraded to confirmed"). */
  reasons: string[];
  /**
   * For updates: false when it is news only to the first message's audience, because the
   * `corroborated` message sent for the same arrival already told corroborated-only subscribers
   * this state. Absent: news to everyone told about the story (attribute news_for_corroborated).
   */
  newsForCorroborated?: boolean;
}

/** What kind of target an incident robbed (the record of heists). */
export type TargetType = "exchange" | "bridge" | "defi" | "wallet" | "bank" | "payments" | "other";

/** How the theft was done, when the text states it. */
export type AttackVector =
  "key-compromise" | "social-engineering" | "supply-chain" | "smart-contract" | "insider";

/** One piece of evidence behind a record field: which rule term matched where. */
export interface RecordEvidence {
  /** The record field the match speaks for. */
  role: "target" | "vector" | "asset";
  /** The value it supports ("bridge", "supply-chain", "Ethereum"). */
  value: string;
  /** The rule's term as written in the rules. */
  term: string;
  /** Points (title matches count more). */
  weight: number;
  field: TextField;
  start: number;
  end: number;
  /** The matched text as it stands in the field. */
  text: string;
}

/** The rest of an incident's record, extracted from its reports' text with evidence. */
export interface IncidentRecord {
  /** Null when no target is named. */
  target: TargetType | null;
  /** Assets and chains named, most mentioned first. */
  assets: string[];
  /** Null when the text does not say how. */
  vector: AttackVector | null;
  evidence: RecordEvidence[];
}
