/** The severity levels in order, and the two questions everyone asks of them. */
import type { Severity } from "./types.ts";

/** Lowest first. */
export const SEVERITIES: readonly Severity[] = ["low", "medium", "high"];

/** The severities at or above `min`, lowest first (an SNS filter-policy allow-list). */
export function severitiesAtLeast(min: Severity): Severity[] {
  return SEVERITIES.slice(SEVERITIES.indexOf(min));
}

/** The higher of two severities. */
export function higherSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}
