/**
 * Length caps that never break a character: counted in code points (what a reader sees as
 * characters, and what SNS, Slack and Discord count), cut on a grapheme boundary so neither a
 * surrogate pair nor a base letter and its combining marks or emoji sequence is split.
 */

const GRAPHEMES = new Intl.Segmenter("en", { granularity: "grapheme" });
// How far before the cut a grapheme boundary is looked for. A longer cluster (a letter with
// dozens of combining marks) is cut at a code point boundary instead.
export const GRAPHEME_WINDOW = 64;

export interface TruncateOptions {
  /** Appended when the text is cut, counted in `max` (default "…"). */
  ellipsis?: string;
  /** Cut at the last space when one is in the last fifth of the kept text (default false). */
  atWord?: boolean;
}

/** Number of code points in `text` (a surrogate pair counts once), counting no further than `limit`. */
function countCodePoints(text: string, limit: number): number {
  let count = 0;
  for (let i = 0; i < text.length && count < limit; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** Number of code points in `text` (a surrogate pair counts once). */
export function codePointLength(text: string): number {
  return countCodePoints(text, Infinity);
}

// Any UTF-16 surrogate. Text without one has as many code points as code units, and the regex
// engine finds that out several times faster than a char-code loop counts (long capped fields).
const SURROGATE = /[\uD800-\uDFFF]/;

/** Whether `text` has more than `max` code points; counts no further than it needs to. */
function longerThan(text: string, max: number): boolean {
  // Code units >= code points; and a text of more than 2 * max units has more than max points.
  if (text.length <= max) return false;
  if (text.length > 2 * max) return true;
  return !SURROGATE.test(text) || countCodePoints(text, max + 1) > max;
}

/** The code unit index just after the first `count` code points (or text.length). */
function indexAfterCodePoints(text: string, count: number): number {
  if (count <= text.length && !SURROGATE.test(text.slice(0, count))) return count;
  let i = 0;
  for (let seen = 0; seen < count && i < text.length; seen++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    i += c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return i;
}

/** The last grapheme boundary at or before `index`, looking back at most GRAPHEME_WINDOW units. */
function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  if (index >= text.length) return text.length;
  // Between two printable ASCII characters there is always a boundary (UAX #29 GB999: no rule
  // joins them), so the segmenter is needed only where the cut touches anything else.
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  if (index > 0 && before >= 0x20 && before < 0x7f && after >= 0x20 && after < 0x7f) return index;
  const start = Math.max(0, index - GRAPHEME_WINDOW);
  const window = text.slice(start, Math.min(text.length, index + GRAPHEME_WINDOW));
  let best = -1;
  for (const { index: at } of GRAPHEMES.segment(window)) {
    const absolute = start + at;
    if (absolute > index) break;
    // The window's own first boundary is only real when the window starts the text.
    if (at > 0 || start === 0) best = absolute;
  }
  return best > 0 ? best : index;
}

/**
 * `text` cut to at most `max` code points, ellipsis included, never splitting a surrogate pair
 * or a grapheme cluster; unchanged when it fits.
 */
export function truncate(text: string, max: number, options: TruncateOptions = {}): string {
  if (!longerThan(text, max)) return text;
  const ellipsis = options.ellipsis ?? "…";
  const room = Math.max(0, max - codePointLength(ellipsis));
  let cut = graphemeBoundaryAtOrBefore(text, indexAfterCodePoints(text, room));
  if (options.atWord) {
    const space = text.lastIndexOf(" ", cut);
    if (space > cut * 0.8) cut = space;
  }
  return `${text.slice(0, cut).trimEnd()}${ellipsis}`;
}
