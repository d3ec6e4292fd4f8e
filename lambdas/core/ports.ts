/**
 * The small interfaces core talks to the world through. Adapters (DynamoDB, SNS, console,
 * webhook) implement them; handlers and the CLI pass them in, so tests run the real core.
 */
import type { Alert, FeedState, Severity, StoredArticle, Story } from "./types.ts";

/** Current time; injected so tests control it. */
export type Clock = () => Date;

/** Structured logger shape (Powertools Logger satisfies it; so does a console shim). */
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

/** Everything the pipeline needs from storage. The DynamoDB adapter implements it. */
export interface Store extends StoryReader {
  /** The subset of ids not yet stored (batched reads). */
  filterUnknownArticleIds(ids: string[]): Promise<string[]>;
  /** Conditional put: true when this call created it, false when it already existed. */
  putArticleIfNew(article: StoredArticle): Promise<boolean>;
  getArticle(id: string): Promise<StoredArticle | null>;
  getFeedState(feedId: string): Promise<FeedState | null>;
  putFeedState(state: FeedState): Promise<void>;
  listFeedStates(): Promise<FeedState[]>;
  // Story writes (find candidates, create, merge, mark alerted) are defined by the store work.
}

/** Sends alerts. Throws when the send failed, so the caller can retry it on a later cycle. */
export interface Notifier {
  send(alert: Alert): Promise<void>;
}
