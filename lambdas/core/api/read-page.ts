/**
 * Reads one page of flagged stories for a route, turning a cursor the reader cannot decode into a
 * 400 naming `cursor` (every paged route: the feeds, the page, /incidents.json and .csv).
 */
import type { StoryPage, StoryQuery, StoryReader } from "../model/ports.ts";
import { HttpError } from "./http.ts";

/**
 * The error a StoryReader throws for a cursor it cannot decode. Readers mark it with
 * `name === "InvalidCursorError"` (or `code === "INVALID_CURSOR"`) so it becomes a 400, not a 500.
 */
function isInvalidCursor(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return error.name === "InvalidCursorError" || code === "INVALID_CURSOR" || code === "InvalidCursor";
}

export async function readStoryPage(reader: StoryReader, query: StoryQuery): Promise<StoryPage> {
  try {
    return await reader.listFlaggedStories(query);
  } catch (error) {
    if (query.cursor !== undefined && isInvalidCursor(error)) {
      throw new HttpError(400, "invalid_parameter", "cursor: is not a cursor from a previous page", "cursor");
    }
    throw error;
  }
}
