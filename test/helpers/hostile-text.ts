/**
 * fast-check arbitraries for hostile text: any code point (lone surrogates included), bidi and
 * zero-width characters, controls and ANSI escapes, markup and entity look-alikes, CDATA ends,
 * grapheme clusters; mostly short, sometimes a few KB (past every field's cap) and now and then
 * about 100 KB. Shared by the property tests and `npm run fuzz`.
 */
import fc from "fast-check";

/** Cases per property: bounded inside `npm test`, FUZZ_RUNS (npm run fuzz sets 100,000) otherwise. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
/** True under `npm run fuzz` (or any FUZZ_RUNS): properties run their full count, without timeouts. */
export const FUZZING = process.env.FUZZ_RUNS !== undefined;

/** FUZZ_SEED replays a run (bin/fuzz.js picks and prints one); unset, fast-check draws a seed. */
export const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
if (SEED !== undefined && !Number.isSafeInteger(SEED))
  throw new Error(`FUZZ_SEED must be an integer, not ${SEED}`);

// A failing case is reported as found (with its seed and path, to replay it): shrinking 100 KB
// strings can take longer than the run. FUZZ_SHRINK=1 shrinks.
fc.configureGlobal({
  endOnFailure: process.env.FUZZ_SHRINK !== "1",
  ...(SEED === undefined ? {} : { seed: SEED }),
});

const PROGRESS = process.env.FUZZ_PROGRESS === "1";
let runsDone = 0;
let extraCases = 0;

/** For a property whose run checks `cases` cases (a batch): counted in the fuzz report. */
export function countCases(cases: number): void {
  extraCases += cases - 1;
}

/** Under `npm run fuzz`: the cases run in this process, the line bin/fuzz.js reads. */
export function reportFuzzCases(): void {
  if (PROGRESS) process.stderr.write(`fuzz cases: ${runsDone + extraCases} in ${runsDone} runs\n`);
}

// Under `npm run fuzz` (FUZZ_PROGRESS=1) each property runs in its own process: say every 30 s
// how many runs it has done, so a long run can be watched in its log.
if (PROGRESS) {
  const started = Date.now();
  let said = started;
  fc.installGlobalPlugin(
    fc.beforeEach(() => {
      runsDone++;
      if (Date.now() - said < 30_000) return;
      said = Date.now();
      process.stderr.write(`fuzz progress: ${runsDone} runs in ${Math.round((said - started) / 1000)} s\n`);
    }),
  );
}

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

/** `hostileShort` repeated to at least `length` UTF-16 units (an empty draw becomes "x"s). */
const repeatedTo = (length: number) =>
  hostileShort.map((s) => (s.length === 0 ? "x".repeat(length) : s.repeat(Math.ceil(length / s.length))));

/**
 * A hostile string: mostly short; 1 in 20 of 2-8 KB, past every field's cap (titles 300, summaries
 * 2,000 code points), so truncation is exercised often; 1 in 200 about 100 KB, past every byte
 * budget. A 100 KB case costs 20-160 ms per renderer or message (~100 times a short one): at
 * this rate they are ~1 in 100 stories (two such fields), ~1,000 in a 100,000-case run, and take
 * about a quarter of its time instead of most of it (THREAT_MODEL.md, "Fuzzing").
 */
export const hostileText = fc.oneof(
  { weight: 189, arbitrary: hostileShort },
  { weight: 10, arbitrary: fc.integer({ min: 2_000, max: 8_000 }).chain(repeatedTo) },
  { weight: 1, arbitrary: repeatedTo(100_000) },
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
