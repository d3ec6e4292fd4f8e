/**
 * From matched evidence to a verdict: group totals with diminishing returns and caps, the
 * rule that theft needs money context, the event versus the background, the actor-and-theft gate,
 * bonuses, the bounded score, attribution stage, severity, and the reasons a person tuning rules
 * needs to read.
 */
import type { AttributionStage, Classification, MatchedTerm, Severity, TextField } from "../model/types.ts";
import type { GroupRole, GroupRules, Rules } from "./rules.ts";
import { formatUsd as formatMoney } from "../text/money.ts";
import { severityOf, severityReason } from "./severity.ts";

/** One match before scoring: what the rules say it is and where it stood. */
export interface Evidence {
  term: string;
  group: string;
  role: GroupRole | "amount";
  /** Rule weight before field weight and diminishing returns. */
  ruleWeight: number;
  field: TextField;
  /** The field's place in FIELD_ORDER (title 0, summary 1, content 2), as a number. */
  fieldIndex: number;
  start: number;
  end: number;
  text: string;
  /** Sentence number within its field. */
  sentence: number;
  actor?: string;
  /** The actor is a unit whose purpose is theft (rules: `steals`). */
  steals?: boolean;
  stage?: AttributionStage;
  usd?: number;
  /** The rules of its group (`rules.groups[group]`), looked up when the rules were compiled. */
  groupRules: GroupRules | undefined;
  /** Its group's place in the rules (`Object.keys(rules.groups)`), or -1 for a stated amount. */
  groupIndex: number;
  /** Points this match contributes; set by `score`. */
  points: number;
  /** Set by `score`: a negation in its sentence rules this actor out. */
  ruledOut: boolean;
  /** Set by `score`: a supporting term said again, which counts once (repeatedTermsOnce). */
  repeat: boolean;
}

export interface GroupTotal {
  group: string;
  role: string;
  points: number;
  cap: number;
  matches: number;
}

export interface Bonus {
  name: string;
  points: number;
  reason: string;
}

/** The verdict with everything behind it, for `heistwatch explain`. */
export interface Explanation {
  classification: Classification;
  threshold: number;
  /** Sum of all points before the bounded transform and before the actor-and-theft gate. */
  rawScore: number;
  /** Highest score without both actor and theft evidence. */
  unmetCap: number;
  groups: GroupTotal[];
  bonuses: Bonus[];
  hasActor: boolean;
  hasTheft: boolean;
  moneyContext: boolean;
  /** Plain-language reasons, most important first. */
  reasons: string[];
}

/** The fields in article order; an evidence's fieldIndex is its field's index here. */
export const FIELD_ORDER: readonly TextField[] = ["title", "summary", "content"];
const STAGE_RANK: Record<AttributionStage, number> = { suspected: 0, attributed: 1, confirmed: 2 };
/** Theft and incident roles count together (a comparison: cheaper than a Set on this hot path). */
const isTheftRole = (role: string) => role === "theft" || role === "incident";

const round1 = (n: number) => Math.round(n * 10) / 10;

function byPosition(a: Evidence, b: Evidence): number {
  // Numbers, not lookups by field name: a lookup by a varying key is megamorphic in V8.
  return a.fieldIndex - b.fieldIndex || a.start - b.start || b.end - a.end;
}

/**
 * The evidence in position order, sorted in a copy only when it is not in order already: the
 * classifier's mostly is, and the check costs far less than a sort (same result: sort is stable).
 */
function inPositionOrder(evidence: readonly Evidence[]): readonly Evidence[] {
  for (let i = 1; i < evidence.length; i++) {
    if (byPosition(evidence[i - 1]!, evidence[i]!) > 0) return [...evidence].sort(byPosition);
  }
  return evidence;
}

/** Sorts in place, unless already in order (a check costs far less than a sort; same result, as sort is stable). */
function sortUnlessSorted(items: Evidence[], order: (a: Evidence, b: Evidence) => number): void {
  for (let i = 1; i < items.length; i++) {
    if (order(items[i - 1]!, items[i]!) > 0) {
      items.sort(order);
      return;
    }
  }
}

function byStrengthThenPosition(a: Evidence, b: Evidence): number {
  return Math.abs(b.points) - Math.abs(a.points) || byPosition(a, b);
}

function byPointsThenPosition(a: Evidence, b: Evidence): number {
  return b.points - a.points || byPosition(a, b);
}

/** Each counted-once kind, and for each role the index of its kind, computed once per rules. */
interface CountedOnceIndex {
  kinds: string[];
  kindOfRole: Map<string, number>;
}
const countedOnceIndexes = new WeakMap<object, CountedOnceIndex>();
function countedOnceIndexOf(countedOnce: Rules["scoring"]["countedOnce"]): CountedOnceIndex {
  let index = countedOnceIndexes.get(countedOnce);
  if (!index) {
    const kinds = Object.keys(countedOnce);
    const kindOfRole = new Map<string, number>();
    // Rules validation keeps each role in one kind at most; the first kind wins regardless.
    kinds.forEach((kind, i) => {
      for (const role of countedOnce[kind]!) if (!kindOfRole.has(role)) kindOfRole.set(role, i);
    });
    index = { kinds, kindOfRole };
    countedOnceIndexes.set(countedOnce, index);
  }
  return index;
}

const scratchOrdered: Evidence[] = [];

/** Trims contributions, largest first, so their sum stays within `cap` (absolute value). */
function applyCap(members: Evidence[], cap: number): void {
  let total = 0;
  for (const e of members) total += Math.abs(e.points);
  if (total <= cap) return;
  let remaining = cap;
  // Largest first, equal ones in their order: an insertion sort of a copy, as sort() would do
  // (stable) but with no comparator calls; groups are small.
  const ordered = scratchOrdered;
  ordered.length = 0;
  for (const e of members) {
    let j = ordered.length;
    while (j > 0 && Math.abs(ordered[j - 1]!.points) < Math.abs(e.points)) {
      ordered[j] = ordered[j - 1]!;
      j--;
    }
    ordered[j] = e;
  }
  for (const e of ordered) {
    const allowed = Math.min(Math.abs(e.points), Math.max(0, remaining));
    remaining -= allowed;
    e.points = Math.sign(e.points) * allowed;
  }
}

// A negation rules out an actor it precedes in the same sentence ("no evidence of North Korean
// involvement"), or one it follows closely ("Lazarus was not behind"); further after the actor,
// it is usually about something else ("Lazarus stole $5m, but no evidence user funds were hit").
const NEGATION_AFTER_ACTOR_CHARS = 25;

/** Marks the actor matches that a negation in the same sentence rules out; returns how many. */
function markActorsRuledOut(evidence: readonly Evidence[]): number {
  let negations: Evidence[] | undefined;
  for (const e of evidence) {
    e.ruledOut = false;
    if (e.role === "negation") (negations ??= []).push(e);
  }
  // Most articles hold no negation.
  if (!negations) return 0;
  let count = 0;
  for (const actor of evidence) {
    if (actor.role !== "actor") continue;
    const negated = negations.some(
      (n) =>
        n.field === actor.field &&
        n.sentence === actor.sentence &&
        (n.end <= actor.start || (n.start >= actor.end && n.start - actor.end <= NEGATION_AFTER_ACTOR_CHARS)),
    );
    if (negated) {
      actor.ruledOut = true;
      count++;
    }
  }
  return count;
}

const NOTHING_HEDGED: ReadonlySet<Evidence> = new Set();

/**
 * Attribution evidence a hedge holds at suspected: an authority, researcher or attribution match
 * firmer than suspected, in a sentence where a hedge (a group with `hedgeReach`) stands within reach
 * of an actor. "A security firm says the attack bears the hallmarks of Lazarus": the firm suspects,
 * it does not attribute. Its points are held to the hedge's and it sets no firmer stage.
 */
function hedgedAttribution(
  evidence: readonly Evidence[],
  actors: readonly Evidence[],
): ReadonlySet<Evidence> {
  let hedges: Evidence[] | undefined;
  for (const h of evidence) {
    const reach = h.groupRules?.hedgeReach;
    if (reach === undefined || !(h.points > 0)) continue;
    const nearActor = actors.some(
      (a) =>
        a.field === h.field &&
        a.sentence === h.sentence &&
        (h.end <= a.start ? a.start - h.end : h.start - a.end) <= reach,
    );
    if (nearActor) (hedges ??= []).push(h);
  }
  // Most articles hold no hedge: no set to build.
  if (!hedges) return NOTHING_HEDGED;
  const held = new Set<Evidence>();
  for (const e of evidence) {
    if (!e.stage || STAGE_RANK[e.stage] <= STAGE_RANK.suspected) continue;
    let most = -1;
    for (const h of hedges)
      if (h.field === e.field && h.sentence === e.sentence) most = Math.max(most, h.points);
    if (most < 0) continue;
    held.add(e);
    if (e.points > most) e.points = most;
  }
  return held;
}

function formatUsd(usd: number): string {
  return formatMoney(usd, "exact") ?? "$0";
}

/** Reused by `score` for each group's terms counted so far. */
const scratchTerms: string[] = [];

/** One number per sentence of the article (field, then sentence), cheaper than a string key. */
const sentenceKey = (e: Evidence) => e.fieldIndex * 1_000_000 + e.sentence;

/** Maps raw points to the 0..100 score: bounded, so more evidence always ranks higher. */
export function boundedScore(raw: number, scale: number): number {
  return Math.round(100 * (1 - Math.exp(-Math.max(0, raw) / scale)));
}

/**
 * The event's amount: amounts in background sentences (recaps, totals) and next to a price, fine
 * or market-cap word are set aside; of the rest, the title's largest, else the largest elsewhere.
 */
function eventAmount(
  amounts: readonly Evidence[],
  background: ReadonlySet<number>,
  otherAmountTerms: readonly Evidence[],
  reach: number,
): { event: Evidence | undefined; setAside: Evidence[] } {
  const setAside: Evidence[] = [];
  let event: Evidence | undefined;
  for (const a of amounts) {
    const other = otherAmountTerms.some(
      (o) =>
        o.field === a.field &&
        o.sentence === a.sentence &&
        (o.end <= a.start ? a.start - o.end <= reach : o.start - a.end <= reach),
    );
    if (other || background.has(sentenceKey(a))) {
      setAside.push(a);
      continue;
    }
    if (
      !event ||
      (a.field === "title" && event.field !== "title") ||
      (a.field === event.field && (a.usd ?? 0) > (event.usd ?? 0)) ||
      (event.field !== "title" && a.field !== "title" && (a.usd ?? 0) > (event.usd ?? 0))
    )
      event = a;
  }
  return { event, setAside };
}

/**
 * Scores evidence against the rules. `threshold` is the flagging threshold in force; `withReasons`
 * adds the plain-language reasons (for explain), which the hot path does not need.
 */
export function score(
  evidence: Evidence[],
  rules: Rules,
  threshold: number,
  withReasons = true,
): Explanation {
  const { scoring, groups } = rules;
  const minUsd = scoring.amount.minUsd;
  const fieldWeights = FIELD_ORDER.map((field) => scoring.fieldWeights[field]);

  // Context first: which sentences are background, which hold theft words, where amounts stand.
  let moneyContext = false;
  const background = new Set<number>();
  const theftSentences = new Set<number>();
  const amounts: Evidence[] = [];
  const otherAmountTerms: Evidence[] = [];
  for (const e of evidence) {
    if (e.role === "money" || e.groupRules?.impliesMoney) moneyContext = true;
    if (e.role === "amount") {
      if ((e.usd ?? 0) >= minUsd) moneyContext = true;
      amounts.push(e);
    } else if (e.role === "background") {
      // The headline is the event by definition: only summary and content sentences are background.
      if (e.field !== "title") background.add(sentenceKey(e));
    } else if (e.role === "other-amount") otherAmountTerms.push(e);
    else if (e.role === "theft") theftSentences.add(sentenceKey(e));
  }
  const { event: eventAmountEvidence, setAside } = eventAmount(
    amounts,
    background,
    otherAmountTerms,
    scoring.otherAmountReach,
  );
  const amountUsd = eventAmountEvidence?.usd ?? null;

  // 1. Each match's effective weight; theft and incident words need money context to count, an
  // actor the text rules out ("no evidence of North Korean involvement") does not count, theft
  // words in a background sentence weigh little, and some dampeners spare a sentence about theft.
  const ruledOutCount = markActorsRuledOut(evidence);
  // Members by group index, and the groups in order of first match (an array beats a Map by name).
  const byGroup: Evidence[][] = [];
  const groupsSeen: number[] = [];
  const uncounted: Evidence[] = [];
  const spared: Evidence[] = [];
  const actorMembers: Evidence[] = [];
  const theftMembers: Evidence[] = [];
  // Actor matches the text does not rule out, in evidence order: they name the actors.
  const actorEvidence: Evidence[] = [];
  for (const e of evidence) {
    e.points = 0;
    e.repeat = false;
    if (e.role === "amount" || e.role === "ignore" || e.ruledOut) continue;
    if (e.role === "actor") actorEvidence.push(e);
    if (e.role === "background" || e.role === "other-amount") continue;
    if (isTheftRole(e.role) && !moneyContext) {
      uncounted.push(e);
      continue;
    }
    if (e.groupRules?.sparedByTheft && theftSentences.has(sentenceKey(e))) {
      spared.push(e);
      continue;
    }
    e.points = e.ruleWeight * fieldWeights[e.fieldIndex]!;
    if (isTheftRole(e.role) && background.has(sentenceKey(e))) e.points *= scoring.backgroundFactor;
    const members = byGroup[e.groupIndex];
    if (members) members.push(e);
    else {
      byGroup[e.groupIndex] = [e];
      groupsSeen.push(e.groupIndex);
    }
  }

  // A hedge beside the actor holds its sentence's attribution words at suspected, before they count.
  const hedged = hedgedAttribution(evidence, actorEvidence);

  // 2. Diminishing returns and cap within each group. A supporting term said again (the summary
  // restating the headline) adds no confidence: it counts once, where it weighs most, and its
  // repeats stay members with no points, so they still place actor and theft in a sentence.
  let repeatCount = 0;
  for (const g of groupsSeen) {
    const members = byGroup[g]!;
    const group = members[0]!.groupRules!;
    if (members.length > 1) {
      sortUnlessSorted(members, byStrengthThenPosition);
      // The terms counted so far in this group: a few, so an array beats building a Set.
      const seen = scratchTerms;
      seen.length = 0;
      let factor = 1;
      for (const e of members) {
        if (e.points > 0 && scoring.repeatedTermsOnce) {
          if (seen.includes(e.term)) {
            e.points = 0;
            e.repeat = true;
            repeatCount++;
            continue;
          }
          seen.push(e.term);
        }
        e.points *= factor;
        factor *= scoring.decay;
      }
    }
    applyCap(members, group.cap);
    const into = group.role === "actor" ? actorMembers : isTheftRole(group.role) ? theftMembers : undefined;
    if (into) {
      for (const e of members) if (e.points > 0 || e.repeat) into.push(e);
    }
  }

  // Kinds of evidence that count once (money context, attribution stage): only the strongest match
  // of the kind earns points, however many groups and languages say the same thing.
  // One pass buckets the scoring evidence by kind (each role belongs to one kind at most).
  const onceKept: { kind: string; kept: Evidence; dropped: Evidence[] }[] = [];
  const { kinds, kindOfRole } = countedOnceIndexOf(scoring.countedOnce);
  const byKind: (Evidence[] | undefined)[] = [];
  for (const e of evidence) {
    if (!(e.points > 0)) continue;
    const k = kindOfRole.get(e.role);
    if (k !== undefined) (byKind[k] ??= []).push(e);
  }
  for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[k]!;
    const members = byKind[k];
    if (!members || members.length < 2) continue;
    sortUnlessSorted(members, byPointsThenPosition);
    const [kept, ...dropped] = members as [Evidence, ...Evidence[]];
    for (const e of dropped) e.points = 0;
    onceKept.push({ kind, kept, dropped });
  }

  // 3. Role caps: all actor groups together, and theft + incident together.
  applyCap(actorMembers, scoring.roleCaps.actor);
  applyCap(theftMembers, scoring.roleCaps.theft);
  let actorPoints = 0;
  for (const e of actorMembers) actorPoints += e.points;
  let theftPoints = 0;
  for (const e of theftMembers) theftPoints += e.points;

  // 4. The event's amount earns points; the others are reported for the record.
  if (eventAmountEvidence && amountUsd !== null && amountUsd >= minUsd) {
    const a = scoring.amount;
    eventAmountEvidence.points =
      a.base + (amountUsd >= 1e7 ? a.over10M : 0) + (amountUsd >= 1e8 ? a.over100M : 0);
  }

  // What counts as this event's theft: theft or laundering words outside background sentences;
  // an incident word ("hack", "exploit", "attack") only beside a stated amount of this event; a
  // unit whose purpose is theft, in money context, by itself.
  const amountStated = amountUsd !== null && amountUsd >= minUsd;
  const eventTheft: Evidence[] = [];
  for (const e of theftMembers) {
    if ((e.role === "theft" || amountStated) && !background.has(sentenceKey(e))) eventTheft.push(e);
  }
  const thiefUnit = moneyContext ? actorMembers.find((e) => e.steals) : undefined;
  const hasActor = actorPoints > 0;
  const hasTheft = eventTheft.length > 0 || thiefUnit !== undefined;

  // 5. Bonus: actor and this event's theft evidence in the same sentence of the same field.
  const bonuses: Bonus[] = [];
  if (scoring.proximityBonus > 0) {
    for (const actor of actorMembers) {
      const theft = eventTheft.find((t) => t.field === actor.field && t.sentence === actor.sentence);
      if (theft) {
        bonuses.push({
          name: "proximity",
          points: scoring.proximityBonus,
          reason: `actor "${actor.text}" and theft "${theft.text}" in the same sentence of the ${actor.field}`,
        });
        break;
      }
    }
  }

  let raw = 0;
  for (const e of evidence) raw += e.points;
  for (const b of bonuses) raw += b.points;
  const rawScore = round1(raw);
  let finalScore = boundedScore(rawScore, scoring.scoreScale);
  if (!(hasActor && hasTheft)) finalScore = Math.min(finalScore, scoring.unmetCap);
  const flagged = hasActor && hasTheft && finalScore >= threshold;

  // Attribution: none without an actor; else the firmest stage any evidence supports.
  let attribution: AttributionStage | null = null;
  if (actorEvidence.length > 0) {
    attribution = "suspected";
    for (const e of evidence) {
      if (e.stage && STAGE_RANK[e.stage] > STAGE_RANK[attribution] && !hedged.has(e)) attribution = e.stage;
    }
  }

  const actors: string[] = [];
  if (actorEvidence.length > 0) {
    actorEvidence.sort(
      (a, b) => a.groupIndex - b.groupIndex || b.ruleWeight - a.ruleWeight || byPosition(a, b),
    );
    for (const e of actorEvidence) if (e.actor && !actors.includes(e.actor)) actors.push(e.actor);
  }

  const severity: Severity = flagged
    ? severityOf({ amountUsd, attribution }, scoring.severity)
    : scoring.severity.otherwise;

  const matched: MatchedTerm[] = inPositionOrder(evidence).map((e) => ({
    term: e.term,
    group: e.group,
    weight: round1(e.points),
    field: e.field,
    start: e.start,
    end: e.end,
    text: e.text,
  }));

  const classification: Classification = {
    score: finalScore,
    flagged,
    severity,
    actors,
    amountUsd,
    attribution,
    matched,
    rawScore,
    scoreScale: scoring.scoreScale,
    threshold,
  };
  const explanation: Explanation = {
    classification,
    threshold,
    rawScore,
    unmetCap: scoring.unmetCap,
    groups: [],
    bonuses,
    hasActor,
    hasTheft,
    moneyContext,
    reasons: [],
  };
  if (!withReasons) return explanation;

  for (const [name, group] of Object.entries(groups)) {
    const all = evidence.filter((e) => e.group === name);
    if (all.length === 0) continue;
    const points = round1(all.reduce((sum, e) => sum + e.points, 0));
    explanation.groups.push({ group: name, role: group.role, points, cap: group.cap, matches: all.length });
  }
  if (amounts.length > 0) {
    const a = scoring.amount;
    explanation.groups.push({
      group: "amount",
      role: "amount",
      points: eventAmountEvidence?.points ?? 0,
      cap: a.base + a.over10M + a.over100M,
      matches: amounts.length,
    });
  }

  const reasons = explanation.reasons;
  reasons.push(
    flagged
      ? `flagged: score ${finalScore} >= threshold ${threshold}, with actor and theft evidence`
      : !(hasActor && hasTheft)
        ? `not flagged: a flag needs both actor and theft evidence (score capped at ${scoring.unmetCap})`
        : `not flagged: score ${finalScore} < threshold ${threshold}`,
  );
  reasons.push(
    hasActor
      ? `actor evidence: ${actors.join(", ")} (${round1(actorPoints)} points)`
      : ruledOutCount > 0
        ? `no actor evidence: the text rules out ${evidence
            .filter((e) => e.ruledOut)
            .map((e) => `"${e.text}"`)
            .join(", ")}`
        : "no actor evidence: nothing names a state actor",
  );
  if (hasTheft) {
    reasons.push(
      eventTheft.length > 0
        ? `theft evidence: ${round1(theftPoints)} points`
        : `theft evidence: "${thiefUnit!.text}" is a unit whose purpose is theft, named in money context`,
    );
  } else if (uncounted.length > 0) {
    const words = [...new Set(uncounted.map((e) => `"${e.text}"`))].join(", ");
    reasons.push(
      `no theft evidence: ${words} count 0 without money context (no exchange, wallet, bank, crypto or amount)`,
    );
  } else if (theftMembers.length > 0) {
    reasons.push(
      "no theft evidence of this event: incident words (hack, attack, breach) need a stated amount, and theft words in background sentences do not count",
    );
  } else reasons.push("no theft evidence: no theft, laundering or intrusion words");
  if (amountUsd !== null) reasons.push(`the event's stated amount: ${formatUsd(amountUsd)}`);
  reasons.push(
    flagged
      ? `severity ${severity}: ${severityReason({ amountUsd, attribution }, scoring.severity)}`
      : "severity low: not flagged",
  );
  if (setAside.length > 0) {
    reasons.push(
      `amounts set aside (background, total, price or fine): ${setAside.map((e) => `"${e.text}"`).join(", ")}`,
    );
  }
  const backgroundTerms = evidence.filter((e) => e.role === "background");
  if (backgroundTerms.length > 0) {
    reasons.push(
      `background sentences (theft words there count x${scoring.backgroundFactor}): ${backgroundTerms.map((e) => `"${e.text}"`).join(", ")}`,
    );
  }
  const damped = evidence.filter((e) => e.points < 0);
  if (damped.length > 0) {
    const total = round1(damped.reduce((sum, e) => sum + e.points, 0));
    reasons.push(
      `dampeners: ${damped.map((e) => `"${e.text}" (${e.group})`).join(", ")} took ${total} points`,
    );
  }
  if (spared.length > 0) {
    reasons.push(`dampeners spared in sentences about theft: ${spared.map((e) => `"${e.text}"`).join(", ")}`);
  }
  if (hedged.size > 0) {
    reasons.push(
      `attribution hedged: ${[...hedged].map((e) => `"${e.text}"`).join(", ")} ${hedged.size === 1 ? "stands" : "stand"} in a sentence that hedges (suspected, at most the hedge's points)`,
    );
  }
  for (const { kind, kept, dropped } of onceKept) {
    reasons.push(
      `${kind} counted once: "${kept.text}" (${round1(kept.points)} points); ${dropped.map((e) => `"${e.text}"`).join(", ")} ${dropped.length === 1 ? "adds" : "add"} nothing`,
    );
  }
  if (repeatCount > 0) {
    const words = evidence
      .filter((e) => e.repeat)
      .sort(byPosition)
      .map((e) => `"${e.text}" (${e.field})`);
    reasons.push(
      `repeated terms count once: ${words.join(", ")} ${words.length === 1 ? "adds" : "add"} nothing`,
    );
  }
  return explanation;
}
