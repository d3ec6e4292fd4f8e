/**
 * Evaluates an SNS filter policy (MessageAttributes scope) against a message's attributes, as SNS
 * does for the subset heistwatch writes: exact strings and numbers, `anything-but`, `numeric`
 * ranges, String.Array attributes (any member may match), and `$or` of sub-policies. Local mode
 * decides who gets a mail with it, so a filter means the same locally and on AWS.
 */
import type { FilterCondition, FilterPolicy, MessageAttribute, MessageAttributes } from "./types.ts";

/** A policy using syntax this matcher does not implement; refused rather than guessed. */
export class UnsupportedPolicyError extends Error {
  override name = "UnsupportedPolicyError";
}

/** True when SNS would deliver a message with `attributes` to a subscription with `policy`. */
export function matchesFilterPolicy(policy: FilterPolicy, attributes: MessageAttributes): boolean {
  for (const [key, conditions] of Object.entries(policy)) {
    if (key === "$or") {
      const alternatives = conditions as FilterPolicy[];
      if (!alternatives.some((alternative) => matchesFilterPolicy(alternative, attributes))) return false;
      continue;
    }
    const attribute = attributes[key];
    // SNS: a policy key whose attribute is absent never matches (except "exists": false, unused here).
    if (!attribute) return false;
    const values = valuesOf(attribute);
    const list = conditions as FilterCondition[];
    if (
      !values.some((value) => list.some((condition) => matchesCondition(condition, value, attribute.type)))
    ) {
      return false;
    }
  }
  return true;
}

function valuesOf(attribute: MessageAttribute): (string | number)[] {
  return attribute.type === "String.Array" ? attribute.value : [attribute.value];
}

function matchesCondition(
  condition: FilterCondition,
  value: string | number,
  type: MessageAttribute["type"],
): boolean {
  if (typeof condition === "string") return typeof value === "string" && value === condition;
  if (typeof condition === "number")
    return type === "Number" && typeof value === "number" && value === condition;
  if ("anything-but" in condition) {
    const excluded = condition["anything-but"];
    const list = Array.isArray(excluded) ? excluded : [excluded];
    return !list.some((item) => item === value);
  }
  if ("numeric" in condition) {
    if (type !== "Number" || typeof value !== "number") return false;
    return matchesNumeric(condition.numeric, value);
  }
  throw new UnsupportedPolicyError(`filter condition ${JSON.stringify(condition)} is not supported`);
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  "=": (a, b) => a === b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
};

/** `["numeric", ">=", 5, "<", 10]`-style pairs: every pair must hold. */
function matchesNumeric(pairs: (string | number)[], value: number): boolean {
  if (pairs.length === 0 || pairs.length % 2 !== 0) {
    throw new UnsupportedPolicyError(
      `numeric condition ${JSON.stringify(pairs)} needs operator/number pairs`,
    );
  }
  for (let i = 0; i < pairs.length; i += 2) {
    const compare = COMPARE[String(pairs[i])];
    const bound = pairs[i + 1];
    if (!compare || typeof bound !== "number") {
      throw new UnsupportedPolicyError(`numeric condition ${JSON.stringify(pairs)} is not supported`);
    }
    if (!compare(value, bound)) return false;
  }
  return true;
}
