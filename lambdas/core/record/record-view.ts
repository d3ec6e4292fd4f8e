/**
 * How a story's record (target type, assets, vector) shows wherever a story is shown: the JSON
 * Feed extension, one line of words for the page and the email, and the SNS message attribute
 * `target` that subscription filter policies match ("bridges only"). Pure.
 */
import type { AttackVector, IncidentRecord, Story, TargetType } from "../model/types.ts";
import { vectorLabel } from "./extract-record.ts";

export const TARGET_TYPES: readonly TargetType[] = [
  "exchange",
  "bridge",
  "defi",
  "wallet",
  "bank",
  "payments",
  "other",
];

export const ATTACK_VECTORS: readonly AttackVector[] = [
  "key-compromise",
  "social-engineering",
  "supply-chain",
  "smart-contract",
  "insider",
];

/** The record as published: the fields and the evidence without offsets. */
export interface RecordJson {
  target: TargetType | null;
  assets: string[];
  vector: AttackVector | null;
  evidence: { role: string; value: string; term: string; weight: number; field: string; text: string }[];
}

export function recordJson(record: IncidentRecord | undefined): RecordJson | null {
  if (!record) return null;
  return {
    target: record.target,
    assets: record.assets,
    vector: record.vector,
    evidence: record.evidence.map(({ role, value, term, weight, field, text }) => ({
      role,
      value,
      term,
      weight,
      field,
      text,
    })),
  };
}

/** `{ record }` for the JSON Feed's `_heistwatch` object, or nothing for a story without one. */
export function recordExtension(story: Story): { record?: RecordJson } {
  const json = recordJson(story.record);
  return json ? { record: json } : {};
}

/** "Target: bridge · Vector: private-key or wallet compromise · Assets: Ethereum, USDC", or "". */
export function recordWords(record: IncidentRecord | undefined): string {
  if (!record) return "";
  const parts: string[] = [];
  if (record.target) parts.push(`Target: ${record.target}`);
  if (record.vector) parts.push(`Vector: ${vectorLabel(record.vector)}`);
  if (record.assets.length) parts.push(`Assets: ${record.assets.join(", ")}`);
  return parts.join(" · ");
}

/**
 * The SNS message attribute for filter policies: `target` is always present (`unknown` when no
 * target is named) so that `{"target": ["bridge"]}` and `{"target": [{"anything-but": ["other"]}]}`
 * both behave predictably.
 */
export function recordAttributes(story: Story): Record<string, { DataType: "String"; StringValue: string }> {
  return { target: { DataType: "String", StringValue: story.record?.target ?? "unknown" } };
}
