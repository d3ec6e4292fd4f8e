/**
 * Feed text made ready for a one-line display field (title, name, label, evidence): one line
 * of safe characters, capped by code points at a word boundary when one is near.
 */
import { oneLine } from "./characters.ts";
import { truncate } from "./truncate.ts";

/** Longest title shown anywhere; a feed once sent a 100 KB one. */
export const MAX_DISPLAY_TITLE = 300;
/** Longest summary shown in the feeds and on the page. */
export const MAX_DISPLAY_SUMMARY = 2_000;

/** `oneLine(text)` capped at `max` code points (ellipsis included); "" for no text. */
export function displayText(text: string | null | undefined, max: number): string {
  if (!text) return "";
  return truncate(oneLine(text), max, { atWord: true });
}
