/**
 * The rules document: term groups with weights and the scoring knobs, kept as data
 * (rules.json) so people can tune them without touching code. `loadRules` validates a
 * document and names the first bad field, so a typo in a hand-edited file is found at once.
 */
import type { AttributionStage, TextField } from "../model/types.ts";

/**
 * What a group means to the scorer:
 * actor (who), theft (money taken or laundered), incident (hack, breach: theft only with money context),
 * money (exchanges, wallets, banks, crypto: the money context), authority / researcher / attribution
 * (who says so, and how firmly: sets the attribution stage), enforcement (sanctions, seizures),
 * dampener (negative weights: missiles, summits, IT workers, namesakes), negation (a dampener that
 * also rules out the actor named in the same sentence: "no evidence of North Korean involvement"),
 * ignore (phrases that only shadow the shorter terms inside them, such as "in exchange for"),
 * background (marks its sentence as background, not the reported event: reputation clauses, recaps,
 * cumulative totals; theft evidence and amounts there weigh little), other-amount (a price, fine,
 * market cap or total: an amount next to it is not the event's amount).
 */
export const GROUP_ROLES = [
  "actor",
  "theft",
  "incident",
  "money",
  "authority",
  "researcher",
  "attribution",
  "enforcement",
  "dampener",
  "negation",
  "ignore",
  "background",
  "other-amount",
] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** Terms sharing a weight (and, for actors, a canonical name). */
export interface TermEntry {
  /**
   * Terms as people write them; `{a,b}` expands ("hack{,s,ed}" is hack, hacks, hacked). A final `*`
   * makes a stem that matches at a word start whatever ending follows ("ukra*" finds ukradli,
   * ukradziono): how inflected languages are matched, language by language, as data.
   */
  terms: string[];
  /** Points per match before field weight and diminishing returns; negative for dampeners. */
  weight: number;
  /** Canonical actor name reported in `actors` (actor groups only). */
  actor?: string;
  /** Attribution stage this evidence supports (authority, researcher and attribution groups). */
  stage?: AttributionStage;
  /**
   * Actor entries only: a unit whose known purpose is stealing money (APT38, TraderTraitor). With
   * money context, naming it counts as theft evidence by itself ("BlueNoroff targets Web3 firms").
   */
  steals?: boolean;
  /** Why the entry exists; shown to people tuning rules, ignored by the scorer. */
  note?: string;
}

export interface GroupRules {
  role: GroupRole;
  /** Most points (absolute value) the whole group can contribute. */
  cap: number;
  description?: string;
  /**
   * Dampener groups only: its matches count nothing in a sentence that holds theft evidence
   * ("crypto-funded nuclear programme": the weapons word is not what the sentence is about).
   */
  sparedByTheft?: boolean;
  /** Theft groups only: its terms name money themselves ("crypto crime"), so they are money context. */
  impliesMoney?: boolean;
  /**
   * Attribution groups only: its terms are hedges ("bears the hallmarks of", "suspected"). One within
   * this many characters of an actor in its sentence caps that sentence's attribution at suspected:
   * the firm or authority there suspects, it does not attribute.
   */
  hedgeReach?: number;
  entries: TermEntry[];
}

/** One way to reach a severity level: every stated condition must hold. */
export interface SeverityCondition {
  /** The event's stated amount is at least this many US dollars. */
  minAmountUsd?: number;
  /** The attribution stage is at least this firm (suspected < attributed < confirmed). */
  minStage?: AttributionStage;
  /** The story is corroborated by independent sources (a story-level fact the caller passes). */
  corroborated?: boolean;
}

/** Severity by impact: the first level with a condition that holds, else `otherwise`. */
export interface SeverityRules {
  high: SeverityCondition[];
  medium: SeverityCondition[];
  otherwise: "low";
}

export interface ScoringRules {
  /** Default flagging threshold, 0..100. */
  threshold: number;
  /** Multiplier per field: a title hit says more than one deep in the content. */
  fieldWeights: Record<TextField, number>;
  /** Within a group, the n-th strongest match counts decay^n of its weight (diminishing returns). */
  decay: number;
  /** Most points all actor groups together, and all theft + incident groups together, can give. */
  roleCaps: { actor: number; theft: number };
  /**
   * Kinds of evidence that count once, by name: of all positive matches of the listed roles, only
   * the strongest earns points ("money context": a second exchange or wallet word adds no
   * confidence; "attribution stage": an FBI statement and a "blamed" are one stage, not two).
   */
  countedOnce: Record<string, GroupRole[]>;
  /**
   * A supporting term repeated in the article (the summary restating the headline) counts once,
   * where it weighs most; the repeats stay as evidence with no points. Dampeners still add up.
   */
  repeatedTermsOnce: boolean;
  /** Bonus when an actor and theft evidence stand in the same sentence of the same field. */
  proximityBonus: number;
  /** Points for a stated amount: base when at least minUsd, plus extras for large sums. */
  amount: { minUsd: number; base: number; over10M: number; over100M: number };
  /** Highest score an article can get without both actor and theft evidence. */
  unmetCap: number;
  /**
   * The score is a bounded transform of the raw points: 100 * (1 - exp(-raw / scoreScale)), so it
   * never reaches 100 and flagged articles spread by how much evidence they hold.
   */
  scoreScale: number;
  /** Multiplier for theft and incident evidence in a background sentence (recap, reputation, total). */
  backgroundFactor: number;
  /** An amount within this many characters of an other-amount term in its sentence is not the event's. */
  otherAmountReach: number;
  severity: SeverityRules;
}

export interface Rules {
  version: 1;
  description?: string;
  scoring: ScoringRules;
  groups: Record<string, GroupRules>;
}

/** A rules document failed validation; the message names the field. */
export class RulesError extends Error {
  override name = "RulesError";
}

const STAGES: readonly string[] = ["suspected", "attributed", "confirmed"];
const FIELDS: readonly TextField[] = ["title", "summary", "content"];

function fail(path: string, problem: string): never {
  throw new RulesError(`rules: ${path}: ${problem}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function number(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(path, "expected a number");
  if (value < min || value > max) fail(path, `expected a number from ${min} to ${max}, got ${value}`);
  return value;
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (!isObject(value)) fail(path, "expected an object");
  return value;
}

function validateScoring(value: unknown): ScoringRules {
  const s = object(value, "scoring");
  const fieldWeights = object(s.fieldWeights, "scoring.fieldWeights");
  const roleCaps = object(s.roleCaps, "scoring.roleCaps");
  const amount = object(s.amount, "scoring.amount");
  const severity = object(s.severity, "scoring.severity");
  const fields = {} as Record<TextField, number>;
  for (const field of FIELDS)
    fields[field] = number(fieldWeights[field], `scoring.fieldWeights.${field}`, 0, 10);
  return {
    threshold: number(s.threshold, "scoring.threshold", 0, 100),
    fieldWeights: fields,
    decay: number(s.decay, "scoring.decay", 0, 1),
    roleCaps: {
      actor: number(roleCaps.actor, "scoring.roleCaps.actor", 0, 100),
      theft: number(roleCaps.theft, "scoring.roleCaps.theft", 0, 100),
    },
    countedOnce: validateCountedOnce(s.countedOnce),
    repeatedTermsOnce:
      typeof s.repeatedTermsOnce === "boolean"
        ? s.repeatedTermsOnce
        : fail("scoring.repeatedTermsOnce", "expected true or false"),
    proximityBonus: number(s.proximityBonus, "scoring.proximityBonus", 0, 100),
    amount: {
      minUsd: number(amount.minUsd, "scoring.amount.minUsd", 0, Number.MAX_SAFE_INTEGER),
      base: number(amount.base, "scoring.amount.base", 0, 100),
      over10M: number(amount.over10M, "scoring.amount.over10M", 0, 100),
      over100M: number(amount.over100M, "scoring.amount.over100M", 0, 100),
    },
    unmetCap: number(s.unmetCap, "scoring.unmetCap", 0, 100),
    scoreScale: number(s.scoreScale, "scoring.scoreScale", 1, 1000),
    backgroundFactor: number(s.backgroundFactor, "scoring.backgroundFactor", 0, 1),
    otherAmountReach: number(s.otherAmountReach, "scoring.otherAmountReach", 0, 1000),
    severity: {
      high: validateConditions(severity.high, "scoring.severity.high"),
      medium: validateConditions(severity.medium, "scoring.severity.medium"),
      otherwise: severity.otherwise === "low" ? "low" : fail("scoring.severity.otherwise", 'expected "low"'),
    },
  };
}

function validateCountedOnce(value: unknown): Record<string, GroupRole[]> {
  const families = object(value, "scoring.countedOnce");
  const result: Record<string, GroupRole[]> = {};
  const claimed = new Map<string, string>();
  for (const [name, roles] of Object.entries(families)) {
    const path = `scoring.countedOnce.${name}`;
    if (!Array.isArray(roles) || roles.length === 0) fail(path, "expected a non-empty array of group roles");
    result[name] = roles.map((role, i) => {
      if (!(GROUP_ROLES as readonly unknown[]).includes(role))
        fail(`${path}[${i}]`, `expected a group role (${GROUP_ROLES.join(", ")})`);
      const other = claimed.get(role as string);
      if (other !== undefined)
        fail(`${path}[${i}]`, `role "${role as string}" is already counted once in ${other}`);
      claimed.set(role as string, name);
      return role as GroupRole;
    });
  }
  return result;
}

function validateConditions(value: unknown, path: string): SeverityCondition[] {
  if (!Array.isArray(value)) fail(path, "expected an array of conditions");
  return value.map((item, i) => {
    const c = object(item, `${path}[${i}]`);
    const condition: SeverityCondition = {};
    for (const key of Object.keys(c)) {
      if (!["minAmountUsd", "minStage", "corroborated"].includes(key))
        fail(`${path}[${i}].${key}`, "unknown condition (minAmountUsd, minStage, corroborated)");
    }
    if (c.minAmountUsd !== undefined)
      condition.minAmountUsd = number(
        c.minAmountUsd,
        `${path}[${i}].minAmountUsd`,
        0,
        Number.MAX_SAFE_INTEGER,
      );
    if (c.minStage !== undefined) {
      if (typeof c.minStage !== "string" || !STAGES.includes(c.minStage))
        fail(`${path}[${i}].minStage`, `expected one of ${STAGES.join(", ")}`);
      condition.minStage = c.minStage as AttributionStage;
    }
    if (c.corroborated !== undefined) {
      if (typeof c.corroborated !== "boolean") fail(`${path}[${i}].corroborated`, "expected true or false");
      condition.corroborated = c.corroborated;
    }
    if (Object.keys(condition).length === 0) fail(`${path}[${i}]`, "a condition needs at least one key");
    return condition;
  });
}

function validateEntry(value: unknown, path: string, role: GroupRole): TermEntry {
  const e = object(value, path);
  if (!Array.isArray(e.terms) || e.terms.length === 0)
    fail(`${path}.terms`, "expected a non-empty array of strings");
  const terms = e.terms.map((term, i) => {
    if (typeof term !== "string" || term.trim() === "")
      fail(`${path}.terms[${i}]`, "expected a non-empty string");
    return term;
  });
  const weight = number(e.weight, `${path}.weight`, -100, 100);
  const negative = role === "dampener" || role === "negation";
  // Background and other-amount terms mark context; they carry no points of their own.
  if ((role === "background" || role === "other-amount") && weight !== 0)
    fail(`${path}.weight`, `a ${role} term's weight must be 0`);
  if (negative && weight > 0) fail(`${path}.weight`, `a ${role}'s weight must be negative or zero`);
  if (!negative && weight < 0) fail(`${path}.weight`, `a ${role} weight must not be negative`);
  const entry: TermEntry = { terms, weight };
  if (e.actor !== undefined) {
    if (role !== "actor") fail(`${path}.actor`, "only actor groups name actors");
    if (typeof e.actor !== "string" || e.actor.trim() === "")
      fail(`${path}.actor`, "expected a non-empty string");
    entry.actor = e.actor;
  } else if (role === "actor") {
    fail(`${path}.actor`, "every actor entry needs a canonical actor name");
  }
  if (e.stage !== undefined) {
    if (typeof e.stage !== "string" || !STAGES.includes(e.stage)) {
      fail(`${path}.stage`, `expected one of ${STAGES.join(", ")}`);
    }
    entry.stage = e.stage as AttributionStage;
  }
  if (e.steals !== undefined) {
    if (role !== "actor") fail(`${path}.steals`, "only actor entries can be thieves by purpose");
    if (typeof e.steals !== "boolean") fail(`${path}.steals`, "expected true or false");
    entry.steals = e.steals;
  }
  if (e.note !== undefined) {
    if (typeof e.note !== "string") fail(`${path}.note`, "expected a string");
    entry.note = e.note;
  }
  return entry;
}

/**
 * Validates a rules document (for example a parsed `--rules FILE`) and returns it typed.
 * Throws RulesError naming the first bad field, e.g. `rules: groups.theft.entries[2].weight: expected a number`.
 * Duplicate terms (after expansion and normalisation) are reported too; see `compileRules`.
 */
export function validateRules(json: unknown): Rules {
  const doc = object(json, "(document)");
  if (doc.version !== 1) fail("version", "expected 1");
  const scoring = validateScoring(doc.scoring);
  const groupsIn = object(doc.groups, "groups");
  const groups: Record<string, GroupRules> = {};
  for (const [name, value] of Object.entries(groupsIn)) {
    const path = `groups.${name}`;
    if (!/^[a-z][a-z0-9-]*$/.test(name)) fail(path, "group names are lower-case words ([a-z0-9-])");
    const g = object(value, path);
    if (typeof g.role !== "string" || !(GROUP_ROLES as readonly string[]).includes(g.role)) {
      fail(`${path}.role`, `expected one of ${GROUP_ROLES.join(", ")}`);
    }
    const role = g.role as GroupRole;
    const cap = number(g.cap, `${path}.cap`, 0, 100);
    if (!Array.isArray(g.entries)) fail(`${path}.entries`, "expected an array");
    const entries = g.entries.map((entry, i) => validateEntry(entry, `${path}.entries[${i}]`, role));
    const group: GroupRules = { role, cap, entries };
    if (g.sparedByTheft !== undefined) {
      if (role !== "dampener") fail(`${path}.sparedByTheft`, "only dampener groups can be spared by theft");
      if (typeof g.sparedByTheft !== "boolean") fail(`${path}.sparedByTheft`, "expected true or false");
      group.sparedByTheft = g.sparedByTheft;
    }
    if (g.impliesMoney !== undefined) {
      if (role !== "theft") fail(`${path}.impliesMoney`, "only theft groups can imply money context");
      if (typeof g.impliesMoney !== "boolean") fail(`${path}.impliesMoney`, "expected true or false");
      group.impliesMoney = g.impliesMoney;
    }
    if (g.hedgeReach !== undefined) {
      if (role !== "attribution") fail(`${path}.hedgeReach`, "only attribution groups can hedge");
      group.hedgeReach = number(g.hedgeReach, `${path}.hedgeReach`, 0, 1000);
    }
    if (g.description !== undefined) {
      if (typeof g.description !== "string") fail(`${path}.description`, "expected a string");
      group.description = g.description;
    }
    groups[name] = group;
  }
  const rules: Rules = { version: 1, scoring, groups };
  if (typeof doc.description === "string") rules.description = doc.description;
  return rules;
}

/** Expands `{a,b}` alternatives: "hack{,s,ed}" gives hack, hacks, hacked. Nested braces are not supported. */
export function expandTerm(term: string): string[] {
  const open = term.indexOf("{");
  if (open < 0) return [term];
  const close = term.indexOf("}", open);
  if (close < 0) throw new RulesError(`rules: term "${term}": "{" without "}"`);
  const head = term.slice(0, open);
  const tail = expandTerm(term.slice(close + 1));
  const options = term.slice(open + 1, close).split(",");
  return options.flatMap((option) => tail.map((rest) => `${head}${option}${rest}`));
}
