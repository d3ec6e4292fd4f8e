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
  return commonFeedDate(text) ?? parseFeedDateGeneral(text);
}

// The two shapes nearly every feed writes, in UTC: RFC 822 as toUTCString writes it ("Thu, 01 Jan
// 2026 00:00:00 GMT") and ISO 8601 with seconds and a "Z". Read by hand, they need neither the
// zone tests nor Date.parse; anything else (or an out-of-range field) takes the general path.
const RFC_822_UTC = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} [12]\d{3} \d{2}:\d{2}:\d{2} GMT$/;
const ISO_UTC = /^[12]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/;
const MONTHS = new Map(
  ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].map((m, i) => [m, i]),
);

/** Two digits at text[at, at + 2) (the shape tests have checked they are digits). */
function digits2(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;
}

function commonFeedDate(text: string): number | null {
  // Both shapes are fixed-width: once tested, each field is at a known index.
  let year: number, month: number | undefined, day: number, time: number;
  let millis = 0;
  if (RFC_822_UTC.test(text)) {
    day = digits2(text, 5);
    month = MONTHS.get(text.slice(8, 11));
    year = digits2(text, 12) * 100 + digits2(text, 14);
    time = 17;
  } else if (ISO_UTC.test(text)) {
    year = digits2(text, 0) * 100 + digits2(text, 2);
    month = digits2(text, 5) - 1;
    day = digits2(text, 8);
    time = 11;
    if (text.length === 24) millis = digits2(text, 20) * 10 + text.charCodeAt(22) - 48;
  } else {
    return null;
  }
  const hours = digits2(text, time);
  const minutes = digits2(text, time + 3);
  const seconds = digits2(text, time + 6);
  if (
    month === undefined ||
    month < 0 ||
    month > 11 ||
    day < 1 ||
    hours > 23 ||
    minutes > 59 ||
    seconds > 59
  ) {
    return null;
  }
  if (day > daysInMonth(year, month)) return null;
  return Date.UTC(year, month, day, hours, minutes, seconds, millis);
}

function daysInMonth(year: number, month: number): number {
  if (month !== 1) return month === 3 || month === 5 || month === 8 || month === 10 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** parseFeedDate for any shape (exported for the test that holds the common shapes to it). */
export function parseFeedDateGeneral(text: string): number | null {
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
  // One string from its 24 character codes: a template literal would join 14 pieces into a chain
  // of intermediate strings, copied again when the text is first read.
  return String.fromCharCode(
    digit(Math.floor(year / 1000)),
    digit(Math.floor(year / 100) % 10),
    digit(Math.floor(year / 10) % 10),
    digit(year % 10),
    0x2d,
    digit(Math.floor(month / 10)),
    digit(month % 10),
    0x2d,
    digit(Math.floor(day / 10)),
    digit(day % 10),
    0x54,
    digit(Math.floor(hours / 10)),
    digit(hours % 10),
    0x3a,
    digit(Math.floor(minutes / 10)),
    digit(minutes % 10),
    0x3a,
    digit(Math.floor(seconds / 10)),
    digit(seconds % 10),
    0x2e,
    digit(Math.floor(millis / 100)),
    digit(Math.floor(millis / 10) % 10),
    digit(millis % 10),
    0x5a,
  );
}

/** The character code of the decimal digit n (an integer, 0 <= n < 10). */
function digit(n: number): number {
  return 0x30 + n;
}
