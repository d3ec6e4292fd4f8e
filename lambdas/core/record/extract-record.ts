/**
 * The rest of an incident's record from its reports' text: the target type, the assets or
 * chains named, and the attack vector when stated, each with the rule terms that matched
 * (like the score's evidence). The vocabulary is data (record-rules.json); this is pure code.
 */
import type { AttackVector, IncidentRecord, RecordEvidence, TargetType, TextField } from "../model/types.ts";
import rulesJson from "./record-rules.json" with { type: "json" };

export interface RecordRules {
  titleWeight: number;
  minScore: number;
  targets: { type: TargetType; entries: { weight: number; terms: string[] }[] }[];
  vectors: { vector: AttackVector; label: string; entries: { weight: number; terms: string[] }[] }[];
  assets: { name: string; terms: string[] }[];
  /** Terms that claim their span for the target role but point to no type ("multisig wallet"). */
  neutralTargetTerms?: string[];
}

export const DEFAULT_RECORD_RULES = rulesJson as RecordRules;

/** The value of neutral target terms: they take their span and are then dropped. */
const NEUTRAL = "";

/** Evidence kept per record at most (merged stories would otherwise grow without bound). */
const MAX_EVIDENCE = 24;

interface CompiledTerm {
  role: RecordEvidence["role"];
  value: string;
  term: string;
  /** Folded term without its trailing "*". */
  folded: string;
  weight: number;
  /** Han, kana or Hangul terms match inside words. */
  inWords: boolean;
  /** Trailing "*": any word ending. */
  prefix: boolean;
  /** The term's first word: a text without it as a whole word cannot contain the term (null: always try). */
  firstWord: string | null;
}

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
const WORD = /[\p{L}\p{N}]/u;
const NON_WORD = /[^\p{L}\p{N}]+/u;

/**
 * Case and accent folding that keeps offsets: every UTF-16 unit maps to exactly one, so a
 * match in the folded text is the same span in the text a person reads.
 */
export function foldKeepingOffsets(text: string): string {
  const out = new Array<string>(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // ASCII, the common case, without a normalisation call.
    if (code < 128) out[i] = code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : text[i]!;
    else out[i] = foldUnit(text[i]!, code);
  }
  return out.join("");
}

const foldedUnits = new Map<string, string>();

function foldUnit(unit: string, code: number): string {
  if (code >= 0xd800 && code <= 0xdfff) return unit;
  if (unit === "\u2019" || unit === "\u2018" || unit === "\u02bc") return "'";
  if (code >= 0x2010 && code <= 0x2015) return "-";
  let folded = foldedUnits.get(unit);
  if (folded === undefined) {
    const stripped = unit
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase();
    const lower = unit.toLowerCase();
    folded = stripped.length === 1 ? stripped : lower.length === 1 ? lower : unit;
    if (foldedUnits.size < 4096) foldedUnits.set(unit, folded);
  }
  return folded;
}

const compiledCache = new WeakMap<RecordRules, CompiledTerm[]>();

function compile(rules: RecordRules): CompiledTerm[] {
  const cached = compiledCache.get(rules);
  if (cached) return cached;
  const terms: CompiledTerm[] = [];
  const add = (role: CompiledTerm["role"], value: string, term: string, weight: number) => {
    const prefix = term.endsWith("*");
    const folded = foldKeepingOffsets(prefix ? term.slice(0, -1) : term);
    if (folded.length === 0) throw new Error(`record rules: empty term for ${role} ${value}`);
    const inWords = CJK.test(folded);
    const first = folded.split(NON_WORD)[0] ?? "";
    // A prefix term's only word may end anywhere, so it cannot be looked up as a whole word.
    const firstWord = inWords || first === "" || (prefix && !NON_WORD.test(folded)) ? null : first;
    terms.push({ role, value, term, folded, weight, inWords, prefix, firstWord });
  };
  for (const target of rules.targets)
    for (const entry of target.entries)
      for (const term of entry.terms) add("target", target.type, term, entry.weight);
  for (const vector of rules.vectors)
    for (const entry of vector.entries)
      for (const term of entry.terms) add("vector", vector.vector, term, entry.weight);
  for (const asset of rules.assets) for (const term of asset.terms) add("asset", asset.name, term, 1);
  for (const term of rules.neutralTargetTerms ?? []) add("target", NEUTRAL, term, 0);
  // Longest first, so that when spans overlap the more specific term is kept.
  terms.sort((a, b) => b.folded.length - a.folded.length);
  compiledCache.set(rules, terms);
  return terms;
}

function isWordAt(text: string, index: number): boolean {
  return index >= 0 && index < text.length && WORD.test(text[index]!);
}

/** Every non-overlapping term match in one field (longer terms claim their span first, per role). */
function matchField(
  plain: string,
  field: TextField,
  terms: CompiledTerm[],
  titleWeight: number,
): RecordEvidence[] {
  const folded = foldKeepingOffsets(plain);
  const words = new Set(folded.split(NON_WORD));
  const taken: Record<CompiledTerm["role"], boolean[]> = { target: [], vector: [], asset: [] };
  const found: RecordEvidence[] = [];
  for (const term of terms) {
    if (term.firstWord !== null && !words.has(term.firstWord)) continue;
    let from = 0;
    for (;;) {
      const start = folded.indexOf(term.folded, from);
      if (start < 0) break;
      from = start + 1;
      let end = start + term.folded.length;
      if (!term.inWords) {
        if (isWordAt(folded, start - 1)) continue;
        if (term.prefix) while (isWordAt(folded, end)) end++;
        else if (isWordAt(folded, end)) continue;
      }
      const claimed = taken[term.role];
      let free = true;
      for (let i = start; i < end && free; i++) if (claimed[i]) free = false;
      if (!free) continue;
      for (let i = start; i < end; i++) claimed[i] = true;
      found.push({
        role: term.role,
        value: term.value,
        term: term.term,
        weight: field === "title" ? term.weight * titleWeight : term.weight,
        field,
        start,
        end,
        text: plain.slice(start, end),
      });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The value with the most points among the evidence for one role; ties go to the earliest match. */
function strongest(
  evidence: RecordEvidence[],
  role: RecordEvidence["role"],
  minScore: number,
): string | null {
  const totals = new Map<string, { points: number; first: number }>();
  evidence.forEach((e, index) => {
    if (e.role !== role) return;
    const total = totals.get(e.value) ?? { points: 0, first: index };
    total.points += e.weight;
    totals.set(e.value, total);
  });
  let best: string | null = null;
  let bestTotal = { points: 0, first: Number.POSITIVE_INFINITY };
  for (const [value, total] of totals) {
    if (
      total.points > bestTotal.points ||
      (total.points === bestTotal.points && total.first < bestTotal.first)
    ) {
      best = value;
      bestTotal = total;
    }
  }
  return best !== null && bestTotal.points >= minScore ? best : null;
}

/** Assets ordered by points, then first mention. */
function rankedAssets(evidence: RecordEvidence[]): string[] {
  const points = new Map<string, number>();
  for (const e of evidence)
    if (e.role === "asset") points.set(e.value, (points.get(e.value) ?? 0) + e.weight);
  return [...points.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
}

/** Decides the record's fields from its evidence (used for one article and for merged stories). */
export function recordFromEvidence(
  evidence: RecordEvidence[],
  rules: RecordRules = DEFAULT_RECORD_RULES,
): IncidentRecord {
  const kept = evidence.slice(0, MAX_EVIDENCE);
  return {
    target: strongest(kept, "target", rules.minScore) as TargetType | null,
    assets: rankedAssets(kept),
    vector: strongest(kept, "vector", rules.minScore) as AttackVector | null,
    evidence: kept,
  };
}

export interface RecordInput {
  title: string;
  summary?: string;
  content?: string;
}

/** Extracts target type, assets and vector from one article's text. */
export function extractRecord(input: RecordInput, rules: RecordRules = DEFAULT_RECORD_RULES): IncidentRecord {
  const terms = compile(rules);
  const fields: [TextField, string | undefined][] = [
    ["title", input.title],
    ["summary", input.summary],
    ["content", input.content],
  ];
  const evidence: RecordEvidence[] = [];
  for (const [field, text] of fields) {
    if (text)
      evidence.push(...matchField(text, field, terms, rules.titleWeight).filter((e) => e.value !== NEUTRAL));
  }
  // Strongest first, so the cap drops the weakest evidence.
  evidence.sort((a, b) => b.weight - a.weight);
  return recordFromEvidence(evidence, rules);
}

/**
 * A story's record after another report joined it: the evidence of both, decided again. An
 * article without a record leaves the story's as it was.
 */
export function mergeRecords(
  story: IncidentRecord | undefined,
  article: IncidentRecord | undefined,
  rules: RecordRules = DEFAULT_RECORD_RULES,
): IncidentRecord | undefined {
  if (!article) return story;
  if (!story) return article;
  const seen = new Set<string>();
  const evidence = [...story.evidence, ...article.evidence]
    .filter((e) => {
      const key = `${e.role}|${e.value}|${e.term}|${e.field}|${e.text}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => b.weight - a.weight);
  return recordFromEvidence(evidence, rules);
}

/** Human label of a vector ("private-key or wallet compromise"). */
export function vectorLabel(vector: AttackVector, rules: RecordRules = DEFAULT_RECORD_RULES): string {
  return rules.vectors.find((v) => v.vector === vector)?.label ?? vector;
}
