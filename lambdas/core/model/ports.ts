/**
 * The small interfaces core talks to the world through. Adapters (DynamoDB, SNS, console,
 * webhook) implement them; handlers and the CLI pass them in, so tests run the real core.
 */
import type { StoryFeatures } from "../stories/story-features.ts";
import type { Alert, FeedState, Severity, StoredArticle, Story } from "./types.ts";

/** Current time; injected so tests control it. */
export type Clock = () => Date;

/** Structured logger shape (lambdas/logger.ts adapts the Powertools Logger to it; local mode uses a console shim). */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** Query over the public feed of flagged stories, newest first. */
export interface StoryQuery {
  /** 1..100. */
  limit: number;
  /** Opaque cursor from a previous page's nextCursor. */
  cursor?: string;
  minScore?: number;
  /** Canonical actor name, case-insensitive. */
  actor?: string;
  severity?: Severity;
}

export interface StoryPage {
  stories: Story[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/** Read side used by the public API (frozen: the API is written against it). */
export interface StoryReader {
  listFlaggedStories(query: StoryQuery): Promise<StoryPage>;
  getStory(id: string): Promise<Story | null>;
}

/** Which articles are already stored: the poller stores each article once. */
export interface ArticleLedger {
  /** The subset of ids not yet stored (batched reads). */
  filterUnknownArticleIds(ids: string[]): Promise<string[]>;
  /** Conditional put: true when this call created it, false when it already existed. */
  putArticleIfNew(article: StoredArticle): Promise<boolean>;
  /**
   * Writes articles that the known-ids read has just reported unknown and that decide nothing
   * (unflagged: no story, no alert), in batches without conditions; a racing poller writing the
   * same article again changes nothing that matters. Unprocessed items are retried with backoff.
   * Resolves to the articles that still could not be written, each with the reason.
   */
  putNewArticles(articles: StoredArticle[]): Promise<{ id: string; error: string }[]>;
  getArticle(id: string): Promise<StoredArticle | null>;
}

/** Each feed's polling state (validators, failures, backoff). */
export interface FeedStateStore {
  getFeedState(feedId: string): Promise<FeedState | null>;
  putFeedState(state: FeedState): Promise<void>;
  /** Every feed's state (the scheduler decides from it which feeds are due). */
  listFeedStates(): Promise<FeedState[]>;
}

/** Feed states for the signs of life (the page and /status.json). */
export type FeedStateReader = Pick<FeedStateStore, "listFeedStates">;

/** Stories as the matcher reads and writes them. */
export interface StoryStore {
  /** Flagged stories whose first report lies in [from, to] (ISO), for cross-source matching. */
  findStoryCandidates(from: string, to: string): Promise<StoryRecord[]>;
  getStoryRecord(id: string): Promise<StoryRecord | null>;
  /**
   * Claims an incident key (e.g. a victim) for a story, conditionally, so two pollers founding
   * stories for one incident at the same instant cannot both win. Succeeds (returns null) when
   * the key is free, already this story's, held by an incident first reported before
   * `staleBefore` (an older incident of the same victim), or held by `takeOverFrom`. Otherwise
   * returns the current holder.
   */
  claimIncidentKey(
    claim: IncidentClaim,
    staleBefore: string,
    takeOverFrom?: string,
  ): Promise<IncidentClaim | null>;
  /** Conditional create: true when this call created it, false when a story with that id exists. */
  createStory(record: StoryRecord): Promise<boolean>;
  /**
   * Optimistic replace: writes `record` (with version expectedVersion + 1) only if the stored
   * version is still `expectedVersion`; false when someone else changed it first (re-read, retry).
   */
  replaceStory(record: StoryRecord, expectedVersion: number): Promise<boolean>;
}

/** The alerts each story owes: claimed before sending, recorded after, so none is sent twice. */
export interface AlertLedger {
  /**
   * Claims the story's owed alert for `leaseSeconds`: succeeds only when an alert is owed
   * (dueSeq > sentSeq) and no unexpired lease is held, so two pollers never both send it.
   * Returns the claimed record, or null when there is nothing to claim.
   */
  claimAlert(storyId: string, now: Date, leaseSeconds: number): Promise<StoryRecord | null>;
  /** Records that alert `seq` was published (conditional: never goes backwards), releasing the lease. */
  completeAlert(storyId: string, seq: number, alerted: NonNullable<Story["alerted"]>): Promise<boolean>;
  /** Releases a claim after a failed publish, keeping the alert owed for a later cycle. */
  releaseAlert(storyId: string, error: string): Promise<void>;
  /** Flagged stories first reported since `since` (ISO) that still owe an alert. */
  listPendingAlerts(since: string): Promise<StoryRecord[]>;
}

/** Who holds an incident key: the story, when its incident was first reported, when it was claimed. */
export interface IncidentClaim {
  key: string;
  storyId: string;
  publishedAt: string;
  claimedAt: string;
}

/** Everything the poll pipeline needs from storage. */
export type PipelineStore = ArticleLedger & FeedStateStore & StoryStore & AlertLedger;

/** The whole storage port, as the DynamoDB adapter implements it. */
export interface Store extends StoryReader, PipelineStore {}

/** What the store keeps about the alerts a story owes and has sent. */
export interface AlertState {
  /** Alerts owed so far: 1 when the story is created, +1 per escalation. */
  dueSeq: number;
  /** Alerts published so far; dueSeq > sentSeq means one is owed. */
  sentSeq: number;
  /** Kind of the owed alert ("new" until the first is sent). */
  kind: Alert["kind"];
  /** For updates: what escalated, in words. */
  reasons: string[];
  /** ISO time until which a poller holds the claim to publish. */
  leaseUntil?: string;
  /** Failed publish attempts for the owed alert, and the last error (for operators). */
  failures?: number;
  lastError?: string;
}

/** A story as the pipeline sees it: the public story plus matching and alert bookkeeping. */
export interface StoryRecord {
  story: Story;
  /** Incremented by every write; replaceStory is conditional on it. */
  version: number;
  /** Match features of each source (capped), so later articles can be compared with all of them. */
  features: StoryFeatures[];
  alert: AlertState;
}

/** Thrown by listFlaggedStories for a cursor it did not issue (the API answers 400). */
export class InvalidCursorError extends Error {
  constructor(message = "invalid cursor") {
    super(message);
    this.name = "InvalidCursorError";
  }
}

/** Sends alerts. Throws when the send failed, so the caller can retry it on a later cycle. */
export interface Notifier {
  send(alert: Alert): Promise<void>;
}
