/**
 * From matched evidence to a verdict: group totals with diminishing returns and caps, the
 * rule that theft needs money context, the actor-and-theft gate, bonuses, attribution stage,
 * severity, and the reasons a person tuning rules needs to read.
 */
import type { AttributionStage, Classification, MatchedTerm, Severity, TextField } from "../model/types.ts";
import type { GroupRole, Rules } from "./rules.ts";
import { formatUsd as formatMoney } from "../text/money.ts";

/** One match before scoring: what the rules say it is and where it stood. */
export interface Evidence {
  term: string;
  group: string;
  role: GroupRole | "amount";
  /** Rule weight before field weight and diminishing returns. */
  ruleWeight: number;
  field: TextField;
  start: number;
  end: number;
  text: string;
  /** Sentence number within its field. */
  sentence: number;
  actor?: string;
  stage?: AttributionStage;
  usd?: number;
  /** Points this match contributes; set by `score`. */
  points: number;
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
  /** Sum of all points before clamping to 0..100 and before the actor-and-theft gate. */
  rawScore: number;
  groups: GroupTotal[];
  bonuses: Bonus[];
  hasActor: boolean;
  hasTheft: boolean;
  moneyContext: boolean;
  /** Plain-language reasons, most important first. */
  reasons: string[];
}

const FIELD_ORDER: Record<TextField, number> = { title: 0, summary: 1, content: 2 };
const STAGE_RANK: Record<AttributionStage, number> = { suspected: 0, attributed: 1, confirmed: 2 };
const THEFT_ROLES: ReadonlySet<string> = new Set(["theft", "incident"]);

const round1 = (n: number) => Math.round(n * 10) / 10;

function byPosition(a: Evidence, b: Evidence): number {
  return FIELD_ORDER[a.field] - FIELD_ORDER[b.field] || a.start - b.start || b.end - a.end;
}

/** Trims contributions, largest first, so their sum stays within `cap` (absolute value). */
function applyCap(members: Evidence[], cap: number): void {
  let total = 0;
  for (const e of members) total += Math.abs(e.points);
  if (total <= cap) return;
  let remaining = cap;
  const ordered = [...members].sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
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

/** Actor matches that a negation in the same sentence rules out. */
function actorsRuledOut(evidence: readonly Evidence[]): Set<Evidence> {
  const ruledOut = new Set<Evidence>();
  const negations = evidence.filter((e) => e.role === "negation");
  if (negations.length === 0) return ruledOut;
  for (const actor of evidence) {
    if (actor.role !== "actor") continue;
    const negated = negations.some(
      (n) =>
        n.field === actor.field &&
        n.sentence === actor.sentence &&
        (n.end <= actor.start || (n.start >= actor.end && n.start - actor.end <= NEGATION_AFTER_ACTOR_CHARS)),
    );
    if (negated) ruledOut.add(actor);
  }
  return ruledOut;
}

function formatUsd(usd: number): string {
  return formatMoney(usd, "exact") ?? "$0";
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
  const fieldWeights = scoring.fieldWeights;

  let moneyContext = false;
  let largest: Evidence | undefined;
  for (const e of evidence) {
    if (e.role === "money") moneyContext = true;
    else if (e.role === "amount") {
      if ((e.usd ?? 0) >= minUsd) moneyContext = true;
      if (!largest || (e.usd ?? 0) > (largest.usd ?? 0)) largest = e;
    }
  }

  // 1. Each match's effective weight; theft and incident words need money context to count, and
  // an actor the text rules out ("no evidence of North Korean involvement") does not count.
  const ruledOut = actorsRuledOut(evidence);
  const byGroup = new Map<string, Evidence[]>();
  const uncounted: Evidence[] = [];
  const actorMembers: Evidence[] = [];
  const theftMembers: Evidence[] = [];
  for (const e of evidence) {
    e.points = 0;
    if (e.role === "amount" || e.role === "ignore" || ruledOut.has(e)) continue;
    if (THEFT_ROLES.has(e.role) && !moneyContext) {
      uncounted.push(e);
      continue;
    }
    e.points = e.ruleWeight * fieldWeights[e.field];
    const members = byGroup.get(e.group);
    if (members) members.push(e);
    else byGroup.set(e.group, [e]);
  }

  // 2. Diminishing returns and cap within each group.
  for (const [name, members] of byGroup) {
    const group = groups[name]!;
    if (members.length > 1) {
      members.sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || byPosition(a, b));
      let factor = 1;
      for (const e of members) {
        e.points *= factor;
        factor *= scoring.decay;
      }
    }
    applyCap(members, group.cap);
    if (group.role === "actor") actorMembers.push(...members.filter((e) => e.points > 0));
    else if (THEFT_ROLES.has(group.role)) theftMembers.push(...members.filter((e) => e.points > 0));
  }

  // 3. Role caps: all actor groups together, and theft + incident together.
  applyCap(actorMembers, scoring.roleCaps.actor);
  applyCap(theftMembers, scoring.roleCaps.theft);
  let actorPoints = 0;
  for (const e of actorMembers) actorPoints += e.points;
  let theftPoints = 0;
  for (const e of theftMembers) theftPoints += e.points;

  // 4. The largest stated amount earns points; the others are reported for the record.
  const amountUsd = largest?.usd ?? null;
  if (largest && amountUsd !== null && amountUsd >= minUsd) {
    const a = scoring.amount;
    largest.points = a.base + (amountUsd >= 1e7 ? a.over10M : 0) + (amountUsd >= 1e8 ? a.over100M : 0);
  }

  // 5. Bonus: actor and counted theft evidence in the same sentence of the same field.
  const bonuses: Bonus[] = [];
  if (scoring.proximityBonus > 0) {
    for (const actor of actorMembers) {
      const theft = theftMembers.find((t) => t.field === actor.field && t.sentence === actor.sentence);
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
  const hasActor = actorPoints > 0;
  const hasTheft = theftPoints > 0;
  let finalScore = Math.max(0, Math.min(100, Math.round(rawScore)));
  if (!(hasActor && hasTheft)) finalScore = Math.min(finalScore, scoring.unmetCap);
  const flagged = hasActor && hasTheft && finalScore >= threshold;

  // Attribution: none without an actor; else the firmest stage any evidence supports.
  const actorEvidence = evidence.filter((e) => e.role === "actor" && !ruledOut.has(e));
  let attribution: AttributionStage | null = null;
  if (actorEvidence.length > 0) {
    attribution = "suspected";
    for (const e of evidence) {
      if (e.stage && STAGE_RANK[e.stage] > STAGE_RANK[attribution]) attribution = e.stage;
    }
  }

  const actors: string[] = [];
  if (actorEvidence.length > 0) {
    const groupOrder = Object.keys(groups);
    actorEvidence.sort(
      (a, b) =>
        groupOrder.indexOf(a.group) - groupOrder.indexOf(b.group) ||
        b.ruleWeight - a.ruleWeight ||
        byPosition(a, b),
    );
    for (const e of actorEvidence) if (e.actor && !actors.includes(e.actor)) actors.push(e.actor);
  }

  const sev = scoring.severity;
  let severity: Severity = "low";
  if (flagged) {
    if ((amountUsd ?? 0) >= sev.highAmountUsd || finalScore >= sev.highScore) severity = "high";
    else if ((amountUsd ?? 0) >= sev.mediumAmountUsd || finalScore >= sev.mediumScore) severity = "medium";
  }

  const matched: MatchedTerm[] = [...evidence].sort(byPosition).map((e) => ({
    term: e.term,
    group: e.group,
    weight: round1(e.points),
    field: e.field,
    start: e.start,
    end: e.end,
    text: e.text,
  }));

  const explanation: Explanation = {
    classification: { score: finalScore, flagged, severity, actors, amountUsd, attribution, matched },
    threshold,
    rawScore,
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
  const amounts = evidence.filter((e) => e.role === "amount");
  if (amounts.length > 0) {
    const a = scoring.amount;
    explanation.groups.push({
      group: "amount",
      role: "amount",
      points: largest?.points ?? 0,
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
      : ruledOut.size > 0
        ? `no actor evidence: the text rules out ${[...ruledOut].map((e) => `"${e.text}"`).join(", ")}`
        : "no actor evidence: nothing names a state actor",
  );
  if (hasTheft) reasons.push(`theft evidence: ${round1(theftPoints)} points`);
  else if (uncounted.length > 0) {
    const words = [...new Set(uncounted.map((e) => `"${e.text}"`))].join(", ");
    reasons.push(
      `no theft evidence: ${words} count 0 without money context (no exchange, wallet, bank, crypto or amount)`,
    );
  } else reasons.push("no theft evidence: no theft, laundering or intrusion words");
  if (amountUsd !== null) reasons.push(`largest stated amount: ${formatUsd(amountUsd)}`);
  const damped = evidence.filter((e) => e.points < 0);
  if (damped.length > 0) {
    const total = round1(damped.reduce((sum, e) => sum + e.points, 0));
    reasons.push(
      `dampeners: ${damped.map((e) => `"${e.text}" (${e.group})`).join(", ")} took ${total} points`,
    );
  }
  return explanation;
}
