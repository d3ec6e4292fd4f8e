/**
 * Feed dates as the web writes them (RFC 822 with or without weekday or zone, ISO 8601 with
 * nanoseconds, "2020/1/10 14:33:00", Unix timestamps) to epoch milliseconds. Dates without a zone
 * are read as UTC, so the result does not depend on the machine's time zone.
 */

const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2}|\b(?:GMT|UTC|UT|[ECMP][SD]T)\b)\s*$/i;
const HAS_TIME = /\d{1,2}:\d{2}/;
const ISO_LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** Epoch milliseconds for a feed date string, or null when it cannot be read. */
export function parseFeedDate(raw: string | undefined): number | null {
  const text = raw?.trim();
  if (!text) return null;
  if (/^\d{9,11}$/.test(text)) return Number(text) * 1000;
  if (/^\d{12,14}$/.test(text)) return Number(text);
  let candidate = text;
  if (HAS_TIME.test(text) && !HAS_ZONE.test(text)) {
    candidate = ISO_LOCAL.test(text) ? `${text}Z` : `${text} GMT`;
  }
  const ms = Date.parse(candidate);
  if (Number.isNaN(ms)) {
    const plain = Date.parse(text);
    return Number.isNaN(plain) ? null : plain;
  }
  return ms;
}
