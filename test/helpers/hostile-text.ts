/**
 * fast-check arbitraries for hostile text: any code point (lone surrogates included), bidi and
 * zero-width characters, controls and ANSI escapes, markup and entity look-alikes, CDATA ends,
 * grapheme clusters, and now and then a 100 KB string. Shared by the property tests and
 * `npm run fuzz`.
 */
import fc from "fast-check";

/** Cases per property: bounded inside `npm test`, FUZZ_RUNS (npm run fuzz sets 100,000) otherwise. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 40);

// A failing case is reported as found: shrinking 100 KB strings can take longer than the run.
fc.configureGlobal({ endOnFailure: process.env.FUZZ_SHRINK !== "1" });

const TOKENS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "<svg/onload=alert(1)>",
  "</title><injected/>",
  "<!--",
  "<![CDATA[",
  "]]>",
  "&lt;script&gt;",
  "&#60;b&#62;",
  "&#x3C;i&#x3E;",
  "&amp;lt;",
  "&amp;",
  "&",
  "&nbsp;",
  "&lt",
  "<",
  ">",
  '"',
  "'",
  "`",
  "javascript:alert(1)",
  " JaVaScRiPt:",
  "data:text/html,",
  "https://example.com/a?b=1&c=<d>",
  "\u202E",
  "\u202D",
  "\u2066",
  "\u2069",
  "\u200B",
  "\u200E",
  "\u061C",
  "\uFEFF",
  "\u200D",
  "\uD800",
  "\uDFFF",
  "\uD83D",
  "💰",
  "👨‍👩‍👧",
  "e\u0301",
  "\u0000",
  "\u0007",
  "\u001b[2J",
  "\u001b]0;x\u0007",
  "\u009b31m",
  "\u0085",
  "\u2028",
  "\r\n",
  "\t",
  "\uFFFE",
  "\uFFFF",
  "@everyone",
  "*_~|",
  " ",
  "   ",
  "汉字",
  "مرحبا",
];

/** One hostile fragment. */
const fragment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** A hostile string of up to a few hundred characters. */
export const hostileShort = fc.array(fragment, { maxLength: 24 }).map((parts) => parts.join(""));

/** A hostile string, now and then about 100 KB long. */
export const hostileText = fc.oneof(
  { weight: 30, arbitrary: hostileShort },
  {
    weight: 1,
    arbitrary: hostileShort.map((s) =>
      s.length === 0 ? "x".repeat(100_000) : s.repeat(Math.ceil(100_000 / s.length)),
    ),
  },
);

/** Half a surrogate pair anywhere in the text. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Characters XML 1.0 forbids, plus DEL and C1 controls. */
export const FORBIDDEN_IN_DOCUMENTS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/;
/** Bidi controls and zero-width characters no one-line field may keep. */
export const INVISIBLE = /[\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069]/;

/** True when the string survives a UTF-8 round trip unchanged (no lone surrogates). */
export function utf8RoundTrips(text: string): boolean {
  return Buffer.from(text, "utf8").toString("utf8") === text;
}
