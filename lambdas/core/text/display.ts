/**
 * Feed text made ready for a one-line display field (title, name, label, evidence): one line
 * of safe characters, capped by code points at a word boundary when one is near.
 */
import { oneLine, plainText } from "./characters.ts";
import { truncate } from "./truncate.ts";

/** Longest title shown anywhere; a feed once sent a 100 KB one. */
export const MAX_DISPLAY_TITLE = 300;
/** Longest summary shown in the feeds and on the page. */
export const MAX_DISPLAY_SUMMARY = 2_000;

/**
 * One line for the page and the feeds, capped at `max` code points (ellipsis included); "" for
 * no text. Controls are removed rather than spaced here (`plainText` first), as every web
 * output always has.
 */
export function displayText(text: string | null | undefined, max: number): string {
  if (!text) return "";
  return truncate(oneLine(plainText(text)), max, { atWord: true });
}
