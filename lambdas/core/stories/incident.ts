/**
 * Incident identity: who was robbed (the victim as the text names it), what kind of event this
 * is (a theft, a sanction, a charge, a seizure, a fine, a report, a recap) and who issued it.
 * Extracted from text patterns kept as data (incident-rules.json); no victim is listed anywhere,
 * names are found by where they stand ("<Name> exchange", "hack of <Name>", "hacks <Name>").
 */
import rulesJson from "./incident-rules.json" with { type: "json" };

interface IncidentRules {
  victimKinds: string[];
  incidentNouns: string[];
  victimVerbs: string[];
  linkWords: string[];
  notVictims: string[];
  authorityFamilies: Record<string, string>;
  specificActors: string[];
  nameAliases: Record<string, string>;
  boilerplate: string[];
  kinds: Record<string, string[]>;
  authorities: Record<string, string[]>;
}

const RULES = rulesJson as IncidentRules;
const VICTIM_KINDS = new Set(RULES.victimKinds);
const INCIDENT_NOUNS = new Set(RULES.incidentNouns);
const VICTIM_VERBS = new Set(RULES.victimVerbs);
const LINK_WORDS = new Set(RULES.linkWords);
/** Capitalised words around thefts that are not who was robbed (headline verbs, places, figures of speech). */
export const NOT_VICTIMS: ReadonlySet<string> = new Set(RULES.notVictims);

/** One token of a text: its form, lowercased form, whether it could be part of a name. */
interface Token {
  text: string;
  lower: string;
  name: boolean;
  /** A possessive ("Upbit's") ends the name here. */
  possessive: boolean;
  /** Punctuation (other than an apostrophe or hyphen) right before the token. */
  breakBefore: boolean;
}

const TOKEN = /[\p{L}\p{N}]+(?:[-.][\p{L}\p{N}]+)*(?:['’]s\b)?/gu;
const NAME_START = /^\p{Lu}/u;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const raw = match[0];
    const possessive = /['’]s$/.test(raw);
    const word = possessive ? raw.slice(0, -2) : raw;
    const between = text.slice(last, match.index);
    last = match.index + raw.length;
    tokens.push({
      text: word,
      lower: word.toLowerCase(),
      name: NAME_START.test(word) || /\p{Ll}\p{Lu}/u.test(word),
      possessive,
      breakBefore: /[,;:.!?()[\]"“”‘’'|—–]/.test(between),
    });
  }
  return tokens;
}

/** Lowercased words that never name a victim however they are capitalised. */
export type NotAName = (lower: string) => boolean;

/**
 * A run of name tokens starting at `from` and going left (at most two: "Garden Finance") or right
 * (one: in a Title Case headline the next capital is as likely a verb), without crossing
 * punctuation or a word that never names a victim.
 */
function nameRun(tokens: Token[], from: number, step: 1 | -1, notAName: NotAName): string[] {
  const run: string[] = [];
  const max = step === -1 ? 2 : 1;
  for (let i = from; i >= 0 && i < tokens.length && run.length < max; i += step) {
    const token = tokens[i]!;
    if (!token.name || VICTIM_KINDS.has(token.lower) || INCIDENT_NOUNS.has(token.lower)) break;
    if (run.length > 0 && (step === 1 ? token.breakBefore : tokens[i + 1]!.breakBefore)) break;
    // "South Korea's Upbit": going right, a possessive closes a place and the name comes after it.
    if (
      step === 1 &&
      run.length === 0 &&
      notAName(token.lower) &&
      placeBeforePossessive(tokens, i, notAName)
    ) {
      continue;
    }
    if (step === -1 && token.possessive && run.length > 0) break;
    if (notAName(token.lower)) break;
    run.push(token.lower);
  }
  return step === 1 ? run : run.reverse();
}

/** "South Korea's": generic words up to a possessive, right before the name. */
function placeBeforePossessive(tokens: Token[], from: number, notAName: NotAName): boolean {
  for (let i = from; i < tokens.length && i <= from + 2; i++) {
    const token = tokens[i]!;
    if (!token.name || !notAName(token.lower)) return false;
    if (token.possessive) return true;
  }
  return false;
}

/** A victim's key: its words run together, so "Kelp DAO" meets "KelpDAO". */
export function victimKey(words: string[]): string {
  return words
    .filter((word) => !VICTIM_KINDS.has(word))
    .join("")
    .replace(/[^\p{L}\p{N}]/gu, "");
}

/**
 * Victims named in a text, strongest pattern first: "<Name> hack|exchange|bridge",
 * "hack|theft of|on|from <Name>", "<exchange|platform> <Name>", "hacks|drained <Name>".
 */
export function victimsIn(text: string, notAName: NotAName): string[] {
  const tokens = tokenize(text);
  const found: string[] = [];
  const add = (words: string[]) => {
    const key = victimKey(words);
    if (key.length >= 3 && !/^\d+$/.test(key) && !found.includes(key)) found.push(key);
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const lower = token.lower;
    const isNoun = INCIDENT_NOUNS.has(lower) || VICTIM_KINDS.has(lower);
    // "<Name> hack", "<Name>'s hot wallet", "<Name> bridge exploit" (kind words may stack).
    if (isNoun && i > 0 && !token.breakBefore) {
      let j = i - 1;
      while (j >= 0 && VICTIM_KINDS.has(tokens[j]!.lower) && !tokens[j + 1]!.breakBefore) j--;
      if (j >= 0 && tokens[j]!.name && !tokens[j + 1]!.breakBefore) add(nameRun(tokens, j, -1, notAName));
    }
    // "hack of <Name>", "heist on South Korea's <Name>", "piratage de <Name>", "exchange <Name>".
    if (isNoun || VICTIM_VERBS.has(lower)) {
      let j = i + 1;
      // Link words ("of", "On" in a Title Case headline) and kind words may stand between.
      while (j < tokens.length && j <= i + 3 && !tokens[j]!.breakBefore) {
        const next = tokens[j]!.lower;
        if (!LINK_WORDS.has(next) && !VICTIM_KINDS.has(next)) break;
        j++;
      }
      const directObject = VICTIM_VERBS.has(lower) || VICTIM_KINDS.has(lower);
      if (j < tokens.length && tokens[j]!.name && !tokens[j]!.breakBefore && (j > i + 1 || directObject)) {
        add(nameRun(tokens, j, 1, notAName));
      }
    }
    // "$41 million from <Name>", "stolen from <Name>": money taken from someone.
    if (lower === "from" && i > 0 && i + 1 < tokens.length && !tokens[i + 1]!.breakBefore) {
      const before = tokens[i - 1]!.lower;
      const taken =
        /\d/.test(before) || SCALE_WORDS.has(before) || INCIDENT_NOUNS.has(before) || TAKEN.has(before);
      if (taken && tokens[i + 1]!.name) add(nameRun(tokens, i + 1, 1, notAName));
    }
  }
  return found;
}

const SCALE_WORDS = new Set(["million", "millions", "billion", "billions", "m", "bn", "mn", "k"]);
const TAKEN = new Set([
  "stolen",
  "taken",
  "siphoned",
  "swiped",
  "withdrawn",
  "looted",
  "lost",
  "crypto",
  "funds",
  "assets",
]);

/**
 * The victim a headline opens with ("<Name> blames Lazarus for $37 million theft"): its first
 * word, when that is a name and the headline speaks of a theft. Used only when no pattern matched.
 */
export function headlineSubject(title: string, notAName: NotAName): string[] {
  const tokens = tokenize(title);
  const first = tokens[0];
  if (!first?.name || notAName(first.lower) || VICTIM_KINDS.has(first.lower)) return [];
  if (!tokens.some((token) => INCIDENT_NOUNS.has(token.lower) || VICTIM_VERBS.has(token.lower))) return [];
  const key = victimKey([first.lower]);
  return key.length >= 3 ? [key] : [];
}

function phraseMatcher(phrases: string[]): RegExp {
  const escaped = phrases
    .map((phrase) => phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .sort((a, b) => b.length - a.length);
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join("|")})(?![\\p{L}\\p{N}])`, "u");
}

/** Lowercase phrases match in any case; a phrase with a capital matches as written ("US" is not "us"). */
function phrasesMatcher(phrases: string[]): (text: string) => boolean {
  const lower = phrases.filter((phrase) => phrase === phrase.toLowerCase());
  const exact = phrases.filter((phrase) => phrase !== phrase.toLowerCase());
  const anyCase = lower.length > 0 ? phraseMatcher(lower) : null;
  const asWritten = exact.length > 0 ? phraseMatcher(exact) : null;
  return (text) => Boolean(anyCase?.test(text.toLowerCase()) || asWritten?.test(text));
}

function phrasesFinder(phrases: string[]): (text: string) => number {
  const lower = phrases.filter((phrase) => phrase === phrase.toLowerCase());
  const exact = phrases.filter((phrase) => phrase !== phrase.toLowerCase());
  const anyCase = lower.length > 0 ? phraseMatcher(lower) : null;
  const asWritten = exact.length > 0 ? phraseMatcher(exact) : null;
  return (text) => {
    const positions = [anyCase?.exec(text.toLowerCase())?.index, asWritten?.exec(text)?.index].filter(
      (at): at is number => at !== undefined,
    );
    return positions.length > 0 ? Math.min(...positions) : -1;
  };
}

const AUTHORITY_FINDERS = Object.entries(RULES.authorities).map(([id, words]) => ({
  id,
  find: phrasesFinder(words),
}));

const KIND_MATCHERS = Object.entries(RULES.kinds).map(([kind, words]) => ({
  kind,
  test: phrasesMatcher(words),
}));
const AUTHORITY_MATCHERS = Object.entries(RULES.authorities).map(([id, words]) => ({
  id,
  test: phrasesMatcher(words),
}));

/** Kinds of event a text speaks of (sanction, charge, seizure, fine, laundering, report, recap). */
export function kindsIn(text: string): string[] {
  return KIND_MATCHERS.filter(({ test }) => test(text)).map(({ kind }) => kind);
}

/** Who issued a finding or a measure (an agency, a government, a research firm), as ids. */
export function authoritiesIn(text: string): string[] {
  return AUTHORITY_MATCHERS.filter(({ test }) => test(text)).map(({ id }) => id);
}

/**
 * The authority a text leads with: of those named in the headline, the one named first; else
 * the first in the summary. "Seoul considers sanctions after US crackdown" leads with Seoul.
 */
export function leadAuthorityIn(title: string, summary: string): string | null {
  for (const text of [title, summary]) {
    let lead: { id: string; at: number } | null = null;
    for (const { id, find } of AUTHORITY_FINDERS) {
      const at = find(text);
      if (at >= 0 && (!lead || at < lead.at)) lead = { id, at };
    }
    if (lead) return lead.id;
  }
  return null;
}

/** The country an agency belongs to (the Treasury: the US), or the authority itself. */
export function authorityFamily(id: string): string {
  return RULES.authorityFamilies[id] ?? id;
}

/** Two authorities act as one when equal or when one is the country the other belongs to (Treasury, the US). */
export function sameAuthority(a: string, b: string): boolean {
  return a === b || authorityFamily(a) === b || authorityFamily(b) === a;
}

/** A sub-group's name ("BlueNoroff"), shared by far fewer events than the umbrella names. */
export function specificActorsIn(text: string): string[] {
  const lower = text.toLowerCase();
  return RULES.specificActors.filter((actor) => SPECIFIC_ACTOR_MATCHERS.get(actor)!.test(lower));
}

/**
 * The summary without a link to another article ("Related Reading: <another headline>"): it
 * names a different event.
 */
export function withoutBoilerplate(summary: string): string {
  const lower = summary.toLowerCase();
  let end = summary.length;
  for (const marker of RULES.boilerplate) {
    const at = lower.indexOf(marker);
    if (at > 0 && at < end) end = at;
  }
  return summary.slice(0, end);
}

/** The same name across languages ("IA" and "AI"). */
export function nameAlias(key: string): string {
  return RULES.nameAliases[key] ?? key;
}

const SPECIFIC_ACTOR_MATCHERS = new Map(RULES.specificActors.map((actor) => [actor, phraseMatcher([actor])]));
