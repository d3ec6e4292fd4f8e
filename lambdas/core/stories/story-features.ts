/**
 * What the story matcher compares: a few normalised facts per article, small enough to keep
 * on the story item for each of its sources.
 */

import {
  authoritiesIn,
  headlineSubject,
  kindsIn,
  leadAuthorityIn,
  nameAlias,
  NOT_VICTIMS,
  specificActorsIn,
  victimsIn,
  withoutBoilerplate,
} from "./incident.ts";

/** Match features of one article (all strings lowercased and normalised). */
export interface StoryFeatures {
  articleId: string;
  feedId: string;
  publishedAt: string;
  /** Content words of title + summary (stopwords dropped, lightly stemmed), deduplicated. */
  words: string[];
  /** Distinctive names: mixed-case, acronyms, alphanumerics, capitalised non-initial words. */
  names: string[];
  /** Names of the same kind that appear in the title. */
  titleNames: string[];
  /** Content words of the title alone: headlines of the same event share words even when summaries differ. */
  titleWords: string[];
  /** Significant numbers, rounded to two significant digits ("342,000", "34만2000" -> "340000"). */
  numbers: string[];
  /** Four-digit years mentioned (weak evidence). */
  years: string[];
  /** Actors and attribution sources (Lazarus, FBI, Chainalysis...): shared by many events, so weak. */
  attribution: string[];
  amountUsd: number | null;
  /** Incident identity: victims named as robbed (keys, headline first). Absent on features stored before it existed. */
  victims?: string[];
  /** Kinds of event the headline (else the text) speaks of: sanction, charge, seizure, fine, laundering, report, recap. */
  kinds?: string[];
  /** Who issued the finding or measure (agency, government, research firm ids). */
  authorities?: string[];
  /** The authority the text leads with (the headline's first), or null. */
  leadAuthority?: string | null;
  /** Sub-group names (not the umbrella "Lazarus" / "DPRK"): far rarer, so real evidence. */
  specificActors?: string[];
}

/** What feature extraction needs from an article and its classification. */
export interface FeatureInput {
  articleId: string;
  feedId: string;
  publishedAt: string;
  title: string;
  summary: string;
  actors: string[];
  amountUsd: number | null;
  /** The outlet's name: its own words ("… appeared first on <Outlet>") say nothing about the event. */
  sourceName?: string;
}

/** Function words in the feed languages: never evidence of anything. */
const STOPWORDS = new Set(
  (
    "a an the and or but of to in on at by for from with without into onto over under after before about as is are was were be been " +
    "through amid via being has have had do does did it its this that these those there their they them he she his her we our you your who whom which " +
    "what when where why how not no nor so than then too very can could may might must shall should will would also just only more " +
    "most some any all each every other such own same both few many much new says said say according report reports reported " +
    "der die das und oder ein eine einer eines dem den des von zu mit auf im ist sind wurde werden hat haben bei aus nach vor für " +
    "el la los las un una y o de del en con por para que se es fue son al le les et du des est sont dans pour par sur avec"
  ).split(" "),
);

/**
 * Capitalised words that name no particular event: places, calendar words and the vocabulary
 * of every crypto-theft story. Without this list every headline would "share" Crypto or Hackers.
 */
const GENERIC_NAMES = new Set(
  (
    "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec " +
    "monday tuesday wednesday thursday friday saturday sunday today yesterday week " +
    "north south korea korean koreans dprk us usa u.s uk eu un japan japanese china chinese russia russian america american " +
    "crypto cryptocurrency bitcoin btc ethereum eth ether usdt usdc stablecoin token tokens defi nft web3 blockchain " +
    "hack hacker hackers heist theft thief thieves exploit attack attacker attackers breach stolen steal drain drained " +
    "exchange bridge wallet wallets bank protocol million billion police court government report group state ceo cto " +
    "breaking update exclusive analysis opinion news " +
    // Words of government and research that every report, sanction and indictment shares.
    "year years intelligence threat department unit authority authorities foreign minister ministry vice official officials " +
    "nuclear weapons accused accuse agency agencies lab labs " +
    "corée coréen coréens nord sud nord-coréen nord-coréens états-unis usa trésor"
  )
    .split(" ")
    .flatMap((name) => [name, stem(name)]),
);

/**
 * Who attributes and who is blamed: authorities, analytics firms and actor names appear across
 * many different events, so they only ever support a match (the classifier's actors are added too).
 */
const ATTRIBUTION_NAMES = new Set(
  (
    "lazarus apt38 apt37 apt43 apt41 bluenoroff andariel kimsuky tradertraitor sleet jade citrine sapphire moonstone rgb pyongyang " +
    "fbi ofac treasury doj justice cisa nis interpol europol chainalysis elliptic mandiant zachxbt trm slowmist certik peckshield " +
    "microsoft google security researcher researchers"
  )
    .split(" ")
    .map((name) => stem(name)),
);

const TOKEN = /[\p{L}\p{N}]+(?:['.\-&][\p{L}\p{N}]+)*/gu;
const LATIN = /[A-Za-z]/;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const YEAR = /^(?:19[89]\d|20[0-3]\d)$/;
const SENTENCE_BREAK = /[.!?:;]["'”’)]*$/;

// A number (with thousands separators or decimals), an optional scale word, and for
// CJK an optional remainder ("34만2000" = 342,000). Latin letters or digits right before it
// make it part of a name (APT38, UNC4736), which is a name, not a number.
const NUMBER = new RegExp(
  String.raw`(?<![A-Za-z\d.,])(\d{1,3}(?:[,.]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)\s?` +
    String.raw`(billion|bn|million|mn|milliarden|milliarde|millionen|mrd|mio|thousand|조|억|만|兆|億|万|亿)?(\d+)?(?![A-Za-z\d])`,
  "giu",
);
const ASSET_QUANTITY = /(?<![A-Za-z\d.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s?[A-Z]{2,5}\b/g;
const SCALE: Record<string, number> = {
  billion: 1e9,
  bn: 1e9,
  milliarde: 1e9,
  milliarden: 1e9,
  mrd: 1e9,
  억: 1e8,
  億: 1e8,
  亿: 1e8,
  조: 1e12,
  兆: 1e12,
  million: 1e6,
  mn: 1e6,
  millionen: 1e6,
  mio: 1e6,
  thousand: 1e3,
  만: 1e4,
  万: 1e4,
};

/** Light, language-agnostic stemming: enough that "wallets" meets "wallet" and "drained" meets "drain". */
export function stem(word: string): string {
  let w = word.toLowerCase().replace(/'s$/, "").replace(/['’]/g, "");
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && /(?:ss|x|ch|sh)es$/.test(w)) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ed")) w = w.slice(0, -2);
  return w;
}

function parseNumber(digits: string): number {
  // "342,000" and "1.500" group thousands; "37.3" and "4,8" are decimals.
  if (/^\d{1,3}(?:[,.]\d{3})+$/.test(digits)) return Number(digits.replace(/[,.]/g, ""));
  return Number(digits.replace(",", ".").replace(/,/g, ""));
}

/** Two significant digits: "$37.3 million" and "$37 million" are the same figure told twice. */
function roughly(value: number): string {
  return String(Number(value.toPrecision(2)));
}

function numbersIn(text: string): { numbers: Set<string>; years: Set<string> } {
  const numbers = new Set<string>();
  const years = new Set<string>();
  for (const match of text.matchAll(NUMBER)) {
    const [, digits = "", unit, rest] = match;
    if (!unit && YEAR.test(digits)) {
      years.add(digits);
      continue;
    }
    let value = parseNumber(digits);
    if (unit) value = value * (SCALE[unit.toLowerCase()] ?? 1) + (rest ? Number(rest) : 0);
    // Small bare numbers are days, counts and versions: too common to tell events apart.
    if (Number.isFinite(value) && (unit ? value >= 1000 : value >= 1000 && !rest))
      numbers.add(roughly(value));
  }
  // Quantities of an asset ("124 BTC", "41,000 ETH") are facts of the event even when small.
  for (const match of text.matchAll(ASSET_QUANTITY)) {
    const value = parseNumber(match[1] ?? "");
    if (Number.isFinite(value) && value >= 10) numbers.add(roughly(value));
  }
  return { numbers, years };
}

/** Names in one field: capitalised words that are not merely sentence-initial, acronyms, mixed case, alphanumerics. */
function namesIn(text: string, titleCase: boolean): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const raw = match[0];
    const before = text.slice(0, match.index).trimEnd();
    const sentenceStart = before === "" || SENTENCE_BREAK.test(before);
    if (!LATIN.test(raw)) continue;
    // Stylised spellings ("Cl0p") read as their letters.
    const token = raw.replace(/(?<=[A-Za-z])0(?=[A-Za-z])/g, "o").replace(/'s$/, "");
    for (const part of token.split(/[-.&]/)) {
      if (part.length < 2 || !LATIN.test(part)) continue;
      const innerCapital = /[A-Z]/.test(part.slice(1));
      const alphanumeric = /\d/.test(part);
      const capitalised = /^[A-Z]/.test(part);
      const distinctive = innerCapital || alphanumeric || (capitalised && !sentenceStart && !titleCase);
      if (distinctive) names.push(/^[A-Z]+s$/.test(part) ? part.slice(0, -1) : part);
    }
  }
  return names;
}

/** A headline In Title Case capitalises everything, so capitals there say nothing. */
function isTitleCase(title: string): boolean {
  const words = title.split(/\s+/).filter((word) => /^[A-Za-z]{4,}/.test(word));
  if (words.length < 3) return false;
  return words.filter((word) => /^[A-Z]/.test(word)).length / words.length >= 0.7;
}

function wordsIn(text: string): Set<string> {
  const words = new Set<string>();
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    if (LATIN.test(token) || /\p{L}/u.test(token)) {
      for (const part of token.split(/[-.&]/)) {
        if (!/\p{L}/u.test(part) || CJK_CHAR.test(part)) continue;
        const word = stem(part);
        if (word.length >= 3 && !STOPWORDS.has(word)) words.add(word);
      }
    }
  }
  // Scripts written without spaces: character bigrams stand in for words.
  for (const run of text.matchAll(CJK_RUN)) {
    const chars = Array.from(run[0]);
    for (let i = 0; i + 1 < chars.length; i++) words.add(`${chars[i]}${chars[i + 1]}`);
  }
  return words;
}

/** Never a victim, however capitalised: generic and place words, actors, attributing bodies. */
function notAVictim(lower: string): boolean {
  const key = stem(lower);
  return (
    /-(?:linked|backed|tied|aligned|sponsored|based)$/.test(lower) ||
    STOPWORDS.has(lower) ||
    GENERIC_NAMES.has(lower) ||
    GENERIC_NAMES.has(key) ||
    ATTRIBUTION_NAMES.has(key) ||
    NOT_VICTIMS.has(lower)
  );
}

/** Victims named in the headline (by pattern, else its opening name), then in the summary. */
function victimsOf(title: string, summary: string): string[] {
  const inTitle = victimsIn(title, notAVictim);
  const headline = inTitle.length > 0 ? inTitle : headlineSubject(title, notAVictim);
  return [...new Set([...headline, ...victimsIn(summary, notAVictim)])];
}

/** Extracts the match features of one article (pure, deterministic). */
export function extractFeatures(input: FeatureInput): StoryFeatures {
  const title = input.title.normalize("NFKC");
  const summary = withoutBoilerplate(input.summary.normalize("NFKC"));
  const text = `${title}\n${summary}`;
  const attribution = new Set<string>();
  for (const actor of input.actors) for (const word of actor.split(/\s+/)) attribution.add(stem(word));

  const outlet = new Set((input.sourceName ?? "").split(/[^\p{L}\p{N}]+/u).map((word) => stem(word)));
  const classify = (raw: string[]): string[] => {
    const kept = new Set<string>();
    for (const name of raw) {
      const key = nameAlias(stem(name));
      if (outlet.has(key)) continue;
      if (STOPWORDS.has(key) || GENERIC_NAMES.has(key) || GENERIC_NAMES.has(name.toLowerCase())) continue;
      if (ATTRIBUTION_NAMES.has(key) || attribution.has(key)) attribution.add(key);
      else kept.add(key);
    }
    return [...kept];
  };
  const titleNames = classify(namesIn(title, isTitleCase(title)));
  const names = [...new Set([...titleNames, ...classify(namesIn(summary, false))])];
  const { numbers, years } = numbersIn(text);
  const titleKinds = kindsIn(title);
  return {
    articleId: input.articleId,
    feedId: input.feedId,
    publishedAt: input.publishedAt,
    words: [...wordsIn(text)],
    names,
    titleNames,
    // Generic crime vocabulary and actor names say nothing about which event a headline is about.
    titleWords: [...wordsIn(title)].filter(
      (word) => !GENERIC_NAMES.has(word) && !ATTRIBUTION_NAMES.has(word) && !attribution.has(word),
    ),
    numbers: [...numbers],
    years: [...years],
    attribution: [...attribution],
    amountUsd: input.amountUsd,
    victims: victimsOf(title, summary),
    kinds: titleKinds.length > 0 ? titleKinds : kindsIn(summary),
    authorities: authoritiesIn(text),
    leadAuthority: leadAuthorityIn(title, summary),
    specificActors: specificActorsIn(text),
  };
}
