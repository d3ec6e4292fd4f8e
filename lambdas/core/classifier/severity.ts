/**
 * Severity by impact, not by confidence: from the event's stated amount, how firmly it is
 * attributed, and (for a story) whether independent sources corroborate it. The levels are data
 * (rules.json, scoring.severity); this is a pure function, so the story and alert stages can call
 * it again with the story's corroboration.
 */
import type { AttributionStage, Severity } from "../model/types.ts";
import type { SeverityCondition, SeverityRules } from "./rules.ts";

/** The facts severity depends on. */
export interface SeverityFacts {
  /** The event's stated amount in US dollars, or null when none is stated. */
  amountUsd: number | null;
  attribution: AttributionStage | null;
  /** Independent sources agree; unknown for a single article (false). */
  corroborated?: boolean;
}

const STAGE_RANK: Record<AttributionStage, number> = { suspected: 0, attributed: 1, confirmed: 2 };

function holds(condition: SeverityCondition, facts: SeverityFacts): boolean {
  if (condition.minAmountUsd !== undefined && (facts.amountUsd ?? -1) < condition.minAmountUsd) return false;
  if (
    condition.minStage !== undefined &&
    (facts.attribution === null || STAGE_RANK[facts.attribution] < STAGE_RANK[condition.minStage])
  )
    return false;
  if (condition.corroborated !== undefined && (facts.corroborated ?? false) !== condition.corroborated)
    return false;
  return true;
}

/** The first level (high, then medium) with a condition that holds; otherwise low. */
export function severityOf(facts: SeverityFacts, levels: SeverityRules): Severity {
  if (levels.high.some((c) => holds(c, facts))) return "high";
  if (levels.medium.some((c) => holds(c, facts))) return "medium";
  return levels.otherwise;
}

function describe(condition: SeverityCondition): string {
  const parts: string[] = [];
  if (condition.minAmountUsd !== undefined)
    parts.push(`amount >= $${condition.minAmountUsd.toLocaleString("en-US")}`);
  if (condition.minStage !== undefined) parts.push(`attribution ${condition.minStage} or firmer`);
  if (condition.corroborated !== undefined)
    parts.push(condition.corroborated ? "corroborated" : "not corroborated");
  return parts.join(" and ");
}

/** Which condition set the level, in words ("amount >= $100,000,000"), for explanations. */
export function severityReason(facts: SeverityFacts, levels: SeverityRules): string {
  for (const level of [levels.high, levels.medium]) {
    const condition = level.find((c) => holds(c, facts));
    if (condition) return describe(condition);
  }
  return "no amount or attribution condition of medium or high holds";
}
