/**
 * From matched evidence to a verdict: group totals with diminishing returns and caps, the
 * rule that theft needs money context, the actor-and-theft gate, bonuses, attribution stage,
 * severity, and the reasons a person tuning rules needs to read.
 */
import type { AttributionStage, Classification, MatchedTerm, Severity, TextField } from "../types.ts";
import type { GroupRole, Rules } from "./rules.ts";

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
function applyCap(points: Map<Evidence, number>, members: Evidence[], cap: number): void {
  let remaining = cap;
  const ordered = [...members].sort((a, b) => Math.abs(points.get(b)!) - Math.abs(points.get(a)!));
  for (const e of ordered) {
    const p = points.get(e)!;
    const allowed = Math.min(Math.abs(p), Math.max(0, remaining));
    remaining -= allowed;
    points.set(e, Math.sign(p) * allowed);
  }
}

function formatUsd(usd: number): string {
  return `$${usd.toLocaleString("en-US")}`;
}

/** Scores evidence against the rules. `threshold` is the flagging threshold in force. */
export function score(evidence: Evidence[], rules: Rules, threshold: number): Explanation {
  const { scoring, groups } = rules;
  const minUsd = scoring.amount.minUsd;
  const amounts = evidence.filter((e) => e.role === "amount");
  const moneyContext =
    evidence.some((e) => e.role === "money") || amounts.some((e) => (e.usd ?? 0) >= minUsd);

  // 1. Each match's effective weight; theft and incident words need money context to count.
  const points = new Map<Evidence, number>();
  const uncounted: Evidence[] = [];
  for (const e of evidence) {
    if (e.role === "amount" || e.role === "ignore") {
      points.set(e, 0);
      continue;
    }
    if (THEFT_ROLES.has(e.role) && !moneyContext) {
      points.set(e, 0);
      uncounted.push(e);
      continue;
    }
    points.set(e, e.ruleWeight * scoring.fieldWeights[e.field]);
  }

  // 2. Diminishing returns and cap within each group.
  const groupTotals: GroupTotal[] = [];
  for (const [name, group] of Object.entries(groups)) {
    const members = evidence.filter((e) => e.group === name && points.get(e) !== 0);
    const all = evidence.filter((e) => e.group === name);
    if (all.length === 0) continue;
    members.sort((a, b) => Math.abs(points.get(b)!) - Math.abs(points.get(a)!) || byPosition(a, b));
    members.forEach((e, rank) => {
      points.set(e, points.get(e)! * scoring.decay ** rank);
    });
    applyCap(points, members, group.cap);
    groupTotals.push({ group: name, role: group.role, points: 0, cap: group.cap, matches: all.length });
  }

  // 3. Role caps: all actor groups together, and theft + incident together.
  const actorMembers = evidence.filter((e) => e.role === "actor" && points.get(e)! > 0);
  const theftMembers = evidence.filter((e) => THEFT_ROLES.has(e.role) && points.get(e)! > 0);
  applyCap(points, actorMembers, scoring.roleCaps.actor);
  applyCap(points, theftMembers, scoring.roleCaps.theft);
  const actorPoints = actorMembers.reduce((sum, e) => sum + points.get(e)!, 0);
  const theftPoints = theftMembers.reduce((sum, e) => sum + points.get(e)!, 0);

  // 4. The largest stated amount earns points; the others are reported for the record.
  let largest: Evidence | undefined;
  for (const e of amounts) if (!largest || (e.usd ?? 0) > (largest.usd ?? 0)) largest = e;
  const amountUsd = largest?.usd ?? null;
  if (largest && amountUsd !== null && amountUsd >= minUsd) {
    const a = scoring.amount;
    points.set(largest, a.base + (amountUsd >= 1e7 ? a.over10M : 0) + (amountUsd >= 1e8 ? a.over100M : 0));
  }

  for (const total of groupTotals) {
    total.points = round1(
      evidence.filter((e) => e.group === total.group).reduce((s, e) => s + points.get(e)!, 0),
    );
  }
  if (amounts.length > 0) {
    groupTotals.push({
      group: "amount",
      role: "amount",
      points: largest ? points.get(largest)! : 0,
      cap: scoring.amount.base + scoring.amount.over10M + scoring.amount.over100M,
      matches: amounts.length,
    });
  }

  // 5. Bonus: actor and counted theft evidence in the same sentence of the same field.
  const bonuses: Bonus[] = [];
  const together = actorMembers.find((a) =>
    theftMembers.some((t) => t.field === a.field && t.sentence === a.sentence),
  );
  if (together && scoring.proximityBonus > 0) {
    const theft = theftMembers.find((t) => t.field === together.field && t.sentence === together.sentence)!;
    bonuses.push({
      name: "proximity",
      points: scoring.proximityBonus,
      reason: `actor "${together.text}" and theft "${theft.text}" in the same sentence of the ${together.field}`,
    });
  }

  const rawScore = round1(
    evidence.reduce((s, e) => s + points.get(e)!, 0) + bonuses.reduce((s, b) => s + b.points, 0),
  );
  const hasActor = actorPoints > 0;
  const hasTheft = theftPoints > 0;
  let finalScore = Math.max(0, Math.min(100, Math.round(rawScore)));
  if (!(hasActor && hasTheft)) finalScore = Math.min(finalScore, scoring.unmetCap);
  const flagged = hasActor && hasTheft && finalScore >= threshold;

  // Attribution: none without an actor; else the firmest stage any evidence supports.
  const actorEvidence = evidence.filter((e) => e.role === "actor");
  let attribution: AttributionStage | null = null;
  if (actorEvidence.length > 0) {
    attribution = "suspected";
    for (const e of evidence) {
      if (e.stage && STAGE_RANK[e.stage] > STAGE_RANK[attribution]) attribution = e.stage;
    }
  }

  const groupOrder = Object.keys(groups);
  const actors: string[] = [];
  const actorRank = [...actorEvidence].sort(
    (a, b) =>
      groupOrder.indexOf(a.group) - groupOrder.indexOf(b.group) ||
      b.ruleWeight - a.ruleWeight ||
      byPosition(a, b),
  );
  for (const e of actorRank) if (e.actor && !actors.includes(e.actor)) actors.push(e.actor);

  const sev = scoring.severity;
  let severity: Severity = "low";
  if (flagged) {
    if ((amountUsd ?? 0) >= sev.highAmountUsd || finalScore >= sev.highScore) severity = "high";
    else if ((amountUsd ?? 0) >= sev.mediumAmountUsd || finalScore >= sev.mediumScore) severity = "medium";
  }

  const matched: MatchedTerm[] = [...evidence].sort(byPosition).map((e) => ({
    term: e.term,
    group: e.group,
    weight: round1(points.get(e)!),
    field: e.field,
    start: e.start,
    end: e.end,
    text: e.text,
  }));

  const reasons: string[] = [];
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
  const damped = evidence.filter((e) => (points.get(e) ?? 0) < 0);
  if (damped.length > 0) {
    const total = round1(damped.reduce((s, e) => s + points.get(e)!, 0));
    reasons.push(
      `dampeners: ${damped.map((e) => `"${e.text}" (${e.group})`).join(", ")} took ${total} points`,
    );
  }

  return {
    classification: {
      score: finalScore,
      flagged,
      severity,
      actors,
      amountUsd,
      attribution,
      matched,
    },
    threshold,
    rawScore,
    groups: groupTotals,
    bonuses,
    hasActor,
    hasTheft,
    moneyContext,
    reasons,
  };
}
