/**
 * The paging cursor: where the previous page of the flagged-story listing ended (the last
 * story's publishedAt and id, the listing's sort order). Encoded as base64url JSON; decoding
 * either yields a position every store can turn into a valid key, or throws
 * InvalidCursorError (the API answers 400 naming `cursor`). Cursors are not secret and not
 * signed: a forged one that decodes is just another position in a public listing.
 */
import { InvalidCursorError } from "../model/ports.ts";

/** Where a page ended in the newest-first listing. */
export interface ListPosition {
  publishedAt: string;
  storyId: string;
}

/** Longest cursor accepted (a real one is under 120 characters). */
export const MAX_CURSOR_LENGTH = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Story ids the stores issue (hex today); the same pattern /items/{id} accepts. */
export const STORY_ID = /^[A-Za-z0-9_.:~-]{1,200}$/;
// A timestamp as stored: printable ASCII without the key separator "#", and one Date.parse reads.
const TIMESTAMP = /^[\x21-\x22\x24-\x7E]{1,40}$/;

/** The cursor for a page that ended at `position`. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.publishedAt, position.storyId]), "utf8").toString("base64url");
}

/**
 * The position a cursor names.
 * @throws InvalidCursorError for anything encodeCursor did not (or could not) produce.
 */
export function decodeCursor(cursor: string): ListPosition {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) {
    throw new InvalidCursorError();
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw new InvalidCursorError();
  const [publishedAt, storyId] = parsed as unknown[];
  if (
    typeof publishedAt !== "string" ||
    typeof storyId !== "string" ||
    !TIMESTAMP.test(publishedAt) ||
    Number.isNaN(Date.parse(publishedAt)) ||
    !STORY_ID.test(storyId)
  ) {
    throw new InvalidCursorError();
  }
  return { publishedAt, storyId };
}
