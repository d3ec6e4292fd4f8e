/**
 * Evaluates an SNS subscription filter policy (scope MessageAttributes) on a publish's message
 * attributes, as SNS documents it: every policy key must match; a key matches when any of its
 * values matches; a String.Array attribute matches when any member does. Covers the operators
 * the docs' examples use: exact strings and numbers, numeric ranges, anything-but, prefix, exists.
 * Throws on anything else, so a policy this cannot judge never passes silently.
 */
import type { MessageAttributeValue } from "@aws-sdk/client-sns";

import type { FilterPolicy } from "../../lambdas/core/alerts/filter-policies.ts";

export type { FilterPolicy };

type Scalar = string | number;

function valuesOf(attribute: MessageAttributeValue): Scalar[] {
  const text = attribute.StringValue ?? "";
  if (attribute.DataType === "Number") return [Number(text)];
  if (attribute.DataType === "String.Array") return JSON.parse(text) as Scalar[];
  return [text];
}

function numericMatches(value: Scalar, conditions: unknown[]): boolean {
  if (typeof value !== "number") return false;
  for (let i = 0; i < conditions.length; i += 2) {
    const op = conditions[i];
    const bound = conditions[i + 1] as number;
    const ok =
      op === "="
        ? value === bound
        : op === ">"
          ? value > bound
          : op === ">="
            ? value >= bound
            : op === "<"
              ? value < bound
              : op === "<="
                ? value <= bound
                : undefined;
    if (ok === undefined) throw new Error(`numeric operator ${String(op)} not supported`);
    if (!ok) return false;
  }
  return true;
}

function ruleMatches(rule: unknown, attribute: MessageAttributeValue | undefined): boolean {
  if (rule !== null && typeof rule === "object") {
    const [operator, operand] = Object.entries(rule)[0] ?? [];
    if (operator === "exists") return (attribute !== undefined) === operand;
    if (!attribute) return false;
    const values = valuesOf(attribute);
    if (operator === "numeric") return values.some((v) => numericMatches(v, operand as unknown[]));
    if (operator === "prefix")
      return values.some((v) => typeof v === "string" && v.startsWith(String(operand)));
    if (operator === "anything-but") {
      const excluded = Array.isArray(operand) ? operand : [operand];
      return values.some((v) => !excluded.includes(v));
    }
    throw new Error(`filter operator ${String(operator)} not supported`);
  }
  if (!attribute) return false;
  return valuesOf(attribute).some((value) => value === rule);
}

/** True when SNS would deliver a message with these attributes to a subscription with this policy. */
export function policyAccepts(
  policy: FilterPolicy,
  attributes: Record<string, MessageAttributeValue> | undefined,
): boolean {
  return Object.entries(policy).every(([key, rules]) =>
    rules.some((rule) => ruleMatches(rule, attributes?.[key])),
  );
}
