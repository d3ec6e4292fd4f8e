/**
 * The explainable classifier: is this article about a state-sponsored theft of money, how sure
 * are we, who, how much, and why. Keyword scoring over rules kept as data (classifier/rules.json):
 * each field is normalised once, every term is found in one automaton pass, and every point of
 * the score is traceable to a matched term with its offsets in the field's plain text.
 */
import { findAmounts } from "./amounts.ts";
import { detectLanguage, LANGUAGE_SAMPLE } from "./language.ts";
import { type Automaton, buildAutomaton, scan } from "./automaton.ts";
import { normaliseShared, normaliseTerm, SIMPLE_FOLD, sourceEnd, wordClass } from "./normalise.ts";
import { scanOneToOne } from "./one-pass.ts";
import defaultRulesJson from "./rules.json" with { type: "json" };
import { expandTerm, type GroupRole, type Rules, RulesError, validateRules } from "./rules.ts";
import { type Evidence, type Explanation, score } from "./scoring.ts";
import { htmlToText } from "../text/html-to-text.ts";
import type { AttributionStage, Classification, TextField } from "../model/types.ts";

export type { Rules } from "./rules.ts";
export { RulesError } from "./rules.ts";
export type { Explanation } from "./scoring.ts";

/** An article to classify. Fields may hold HTML or entities; they are reduced to plain text first. */
export interface ClassifyInput {
  title: string;
  summary?: string;
  content?: string;
  /** The article's language (ISO 639-1) when the feed declares it; otherwise it is detected. */
  language?: string;
}

export interface ClassifyOptions {
  /** Flagging threshold 0..100; defaults to the rules' own (DEFAULT_THRESHOLD for the default rules). */
  threshold?: number;
  /** Rules from `loadRules`; defaults to the bundled rules. */
  rules?: Rules;
}

interface CompiledTerm {
  /** The term as reported: normalised, with a final "*" for a stem. */
  term: string;
  /** What the automaton looks for: the term without its "*". */
  pattern: string;
  /** A stem ("ukrad*"): the match runs on to the end of the word. */
  stem?: boolean;
  /** A currency cue ("$", "dollars", "달러"): the field may state an amount, so look for one. */
  cue?: boolean;
  group: string;
  role: GroupRole;
  weight: number;
  actor?: string;
  steals?: boolean;
  stage?: AttributionStage;
  /** Latin-script ends must sit on a word boundary; Han, kana and Hangul ends need not. */
  boundaryStart: boolean;
  boundaryEnd: boolean;
}

interface CompiledRules {
  automaton: Automaton;
  terms: CompiledTerm[];
  /** Terms from index ruleTermCount on are currency cues only, never evidence. */
  ruleTermCount: number;
}

const SPACE = 0x20;

// Amounts are parsed only in fields where the automaton saw one of these, which spares the
// amount pattern's scan of most fields. They ride along in the same pass as the rule terms.
const CURRENCY_CUES = [
  "$",
  "dollar",
  "dollars",
  "dolares",
  "dolar",
  "доллар",
  "долар",
  "đo la",
  "usd",
  "달러",
  "ドル",
  "美元",
  "美金",
  "دولار",
];

// Building the automaton costs a few milliseconds: once per Rules object, never per article.
const compiledCache = new WeakMap<Rules, CompiledRules>();

function compile(rules: Rules): CompiledRules {
  const cached = compiledCache.get(rules);
  if (cached) return cached;
  const terms: CompiledTerm[] = [];
  const seen = new Map<string, string>();
  for (const [group, groupRules] of Object.entries(rules.groups)) {
    groupRules.entries.forEach((entry, entryIndex) => {
      const path = `groups.${group}.entries[${entryIndex}]`;
      for (const written of entry.terms) {
        for (const expanded of expandTerm(written)) {
          const stem = expanded.endsWith("*");
          const pattern = normaliseTerm(stem ? expanded.slice(0, -1) : expanded);
          const term = stem ? `${pattern}*` : pattern;
          if (pattern === "")
            throw new RulesError(`rules: ${path}.terms: "${written}" has no matchable characters`);
          const previous = seen.get(pattern);
          if (previous) {
            throw new RulesError(
              `rules: ${path}.terms: "${term}" (from "${written}") is already a term of ${previous}`,
            );
          }
          seen.set(pattern, path);
          const compiled: CompiledTerm = {
            term,
            pattern,
            group,
            role: groupRules.role,
            weight: entry.weight,
            boundaryStart: wordClass(pattern.charCodeAt(0)) === 1,
            boundaryEnd: !stem && wordClass(pattern.charCodeAt(pattern.length - 1)) === 1,
          };
          if (entry.actor) compiled.actor = entry.actor;
          if (entry.steals) compiled.steals = true;
          if (stem) compiled.stem = true;
          if (entry.stage) compiled.stage = entry.stage;
          terms.push(compiled);
        }
      }
    });
  }
  const ruleTermCount = terms.length;
  for (const cue of CURRENCY_CUES) {
    const existing = terms.find((t) => t.pattern === cue);
    if (existing) existing.cue = true;
    else {
      terms.push({
        term: cue,
        pattern: cue,
        cue: true,
        group: "",
        role: "ignore",
        weight: 0,
        boundaryStart: false,
        boundaryEnd: false,
      });
    }
  }
  const result = { automaton: buildAutomaton(terms.map((t) => t.pattern)), terms, ruleTermCount };
  compiledCache.set(rules, result);
  return result;
}

/**
 * Validates a rules document (e.g. the parsed JSON of `--rules FILE`) and prepares it for use.
 * Throws RulesError naming the bad field, or the duplicated term and where it first appeared.
 */
export function loadRules(json: unknown): Rules {
  const rules = validateRules(json);
  compile(rules);
  return rules;
}

/** The bundled rules (lambdas/core/classifier/rules.json). */
export const DEFAULT_RULES: Rules = loadRules(defaultRulesJson);

/** The bundled rules' flagging threshold. */
export const DEFAULT_THRESHOLD: number = DEFAULT_RULES.scoring.threshold;

// Reused by every field: the automaton's hits as (term, start, end) triples, sentence starts, and
// the hits that sit on word boundaries as (start, end, term) triples, sorted in place.
const scratchHits: number[] = [];
const scratchSentences: number[] = [];
const scratchMatches: number[] = [];
const scratchPlainSentences: number[] = [];

/**
 * A field's matching view: its plain text, and where its normalised text came from. `codes` and
 * `starts` are undefined when normalisation was one-to-one (normalised offset = plain offset).
 */
interface FieldText {
  plain: string;
  length: number;
  codes: Uint16Array | undefined;
  starts: Int32Array | undefined;
  /** Sentence starts in normalised offsets. */
  sentenceStarts: number[];
}

/**
 * Normalises and scans one field, filling scratchHits. Most fields take the one-pass scanner;
 * the rest are normalised in full (after htmlToText when they hold markup) and then scanned.
 * Returns undefined for a field with no text.
 */
function scanField(value: string, automaton: Automaton): FieldText | undefined {
  if (scanOneToOne(automaton, value, scratchHits, scratchSentences)) {
    return {
      plain: value,
      length: value.length,
      codes: undefined,
      starts: undefined,
      sentenceStarts: scratchSentences,
    };
  }
  // Normalise the raw field first: when it is already plain (the pipeline's articles are), that
  // saves htmlToText a pass; otherwise reduce it to plain text and normalise that.
  let plain = value;
  let text = normaliseShared(value);
  if (!text.clean) {
    plain = htmlToText(value);
    text = normaliseShared(plain);
  }
  if (plain === "") return undefined;
  scan(automaton, text.codes, text.length, scratchHits);
  return {
    plain,
    length: text.length,
    codes: text.codes,
    starts: text.starts,
    sentenceStarts: text.sentenceStarts,
  };
}

// The helpers below are module functions rather than closures made per field: tsx and esbuild's
// keepNames wrap every closure in a naming call, which showed up in profiles of this hot path.

/** The normalised code unit at an offset: from the buffer, or folded again when one-to-one. */
function codeAt(text: FieldText, i: number): number {
  return text.codes ? text.codes[i]! : SIMPLE_FOLD[text.plain.charCodeAt(i)]! || SPACE;
}

/** Sentence number of a plain-text offset, given the plain offsets where sentences start. */
function sentenceOf(sentenceStarts: readonly number[], plainOffset: number): number {
  let sentence = 0;
  while (sentence < sentenceStarts.length && sentenceStarts[sentence]! <= plainOffset) sentence++;
  return sentence;
}

/**
 * Sorts (start, end, term) triples by start, then longest first, keeping the order of equal ones:
 * an insertion sort, since the automaton reports by end offset and only overlapping matches are
 * out of start order (each moves back past at most the few matches inside its own span).
 */
function sortByStartThenLongest(m: number[], count: number): void {
  for (let i = 3; i < count; i += 3) {
    const start = m[i]!;
    const end = m[i + 1]!;
    const term = m[i + 2]!;
    let j = i - 3;
    while (j >= 0 && (m[j]! > start || (m[j] === start && m[j + 1]! < end))) {
      m[j + 3] = m[j]!;
      m[j + 4] = m[j + 1]!;
      m[j + 5] = m[j + 2]!;
      j -= 3;
    }
    m[j + 3] = start;
    m[j + 4] = end;
    m[j + 5] = term;
  }
}

/** Finds every term and amount in one field; offsets refer to htmlToText(value). */
function collectEvidence(value: string, field: TextField, compiled: CompiledRules, out: Evidence[]): void {
  const text = scanField(value, compiled.automaton);
  if (!text) return;
  const { plain, length, starts } = text;
  const { terms, ruleTermCount } = compiled;
  const hits = scratchHits;
  const matches = scratchMatches;
  let count = 0;
  let currency = false;
  for (let h = 0; h < hits.length; h += 3) {
    const term = hits[h]!;
    const start = hits[h + 1]!;
    const end = hits[h + 2]!;
    const rule = terms[term]!;
    if (rule.cue) currency = true;
    if (term >= ruleTermCount) continue;
    if (rule.boundaryStart && start > 0 && wordClass(codeAt(text, start - 1)) === 1) continue;
    if (rule.boundaryEnd && end < length && wordClass(codeAt(text, end)) === 1) continue;
    let wordEnd = end;
    if (rule.stem) while (wordEnd < length && wordClass(codeAt(text, wordEnd)) === 1) wordEnd++;
    matches[count] = start;
    matches[count + 1] = wordEnd;
    matches[count + 2] = term;
    count += 3;
  }
  if (count === 0 && !currency) return;

  // Sentence boundaries in plain-text offsets, shared by terms and amounts.
  let sentenceStarts = text.sentenceStarts;
  if (starts) {
    sentenceStarts = scratchPlainSentences;
    sentenceStarts.length = 0;
    for (const i of text.sentenceStarts) sentenceStarts.push(starts[i]!);
  }

  // Leftmost-longest, no overlaps: "lazarus group" beats "lazarus", and a shadow phrase such as
  // "in exchange for" keeps "exchange" from counting.
  sortByStartThenLongest(matches, count);
  let lastEnd = 0;
  let sentence = 0; // kept matches come in start order, so their sentence number only grows
  for (let m = 0; m < count; m += 3) {
    if (matches[m]! < lastEnd) continue;
    lastEnd = matches[m + 1]!;
    const rule = terms[matches[m + 2]!]!;
    // One-to-one text holds no surrogates, so there a match's plain end is its normalised end.
    const start = starts ? starts[matches[m]!]! : matches[m]!;
    const end = starts ? sourceEnd(plain, starts[lastEnd - 1]!) : lastEnd;
    while (sentence < sentenceStarts.length && sentenceStarts[sentence]! <= start) sentence++;
    // Every evidence object gets the same keys in the same order, so scoring sees one shape.
    out.push({
      term: rule.term,
      group: rule.group,
      role: rule.role,
      ruleWeight: rule.weight,
      field,
      start,
      end,
      text: plain.slice(start, end),
      sentence,
      actor: rule.actor,
      steals: rule.steals,
      stage: rule.stage,
      usd: undefined,
      points: 0,
    });
  }

  if (!currency) return;
  for (const amount of findAmounts(plain)) {
    out.push({
      term: "amount",
      group: "amount",
      role: "amount",
      ruleWeight: 0,
      field,
      start: amount.start,
      end: amount.end,
      text: amount.text,
      sentence: sentenceOf(sentenceStarts, amount.start),
      actor: undefined,
      steals: undefined,
      stage: undefined,
      usd: amount.usd,
      points: 0,
    });
  }
}

/**
 * The start of `${title}\n${rest}` that detectLanguage reads (LANGUAGE_SAMPLE code units), built
 * without copying all of `rest`: with no summary, `rest` is the whole content.
 */
function languageSample(title: string, rest: string): string {
  if (title.length >= LANGUAGE_SAMPLE) return title.slice(0, LANGUAGE_SAMPLE);
  return `${title}\n${rest.slice(0, LANGUAGE_SAMPLE - title.length - 1)}`;
}

function resolveThreshold(options: ClassifyOptions | undefined, rules: Rules): number {
  const threshold = options?.threshold ?? rules.scoring.threshold;
  if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
    throw new RangeError(`classify: threshold must be a number from 0 to 100, got ${String(threshold)}`);
  }
  return threshold;
}

/**
 * Classifies an article and explains the verdict in full: group totals, bonuses, and the reasons
 * it was flagged or not. `classify` returns the `classification` part of this.
 */
export function explainClassification(input: ClassifyInput, options?: ClassifyOptions): Explanation {
  return analyse(input, options, true);
}

function analyse(
  input: ClassifyInput,
  options: ClassifyOptions | undefined,
  withReasons: boolean,
): Explanation {
  const rules = options?.rules ?? DEFAULT_RULES;
  const threshold = resolveThreshold(options, rules);
  const compiled = compile(rules);
  const evidence: Evidence[] = [];
  if (typeof input.title === "string") collectEvidence(input.title, "title", compiled, evidence);
  if (typeof input.summary === "string") collectEvidence(input.summary, "summary", compiled, evidence);
  if (typeof input.content === "string") collectEvidence(input.content, "content", compiled, evidence);
  const explanation = score(evidence, rules, threshold, withReasons);
  explanation.classification.language =
    typeof input.language === "string" && input.language !== ""
      ? input.language
      : detectLanguage(languageSample(`${input.title}`, `${input.summary ?? input.content ?? ""}`));
  return explanation;
}

/**
 * Scores an article 0..100 for state-sponsored theft of money. Flagged when the score reaches the
 * threshold and the text holds both actor and theft evidence. Every matched term comes with its
 * group, the points it contributed, its field and offsets: `htmlToText(field).slice(start, end) === text`.
 */
export function classify(input: ClassifyInput, options?: ClassifyOptions): Classification {
  return analyse(input, options, false).classification;
}
