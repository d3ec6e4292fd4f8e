/**
 * A subscriber's filters as an SNS filter policy (MessageAttributes scope). On AWS it is set on
 * the subscription; locally match-policy.ts evaluates the same JSON, so one table of cases holds
 * both paths to one meaning.
 */
import { severitiesAtLeast } from "../model/severity.ts";
import type { FilterPolicy, SignupRequest } from "./types.ts";

export type PolicyFilters = Pick<SignupRequest, "minSeverity" | "actors" | "corroboratedOnly" | "digest">;

/**
 * Instant subscribers: every kind but digest, severity at or above their minimum, any of their
 * actors. "Corroborated only" takes the messages marked news_for_corroborated: the first message
 * that says the story is corroborated (a `new`, or the one `corroborated` message sent when it
 * becomes so), then its updates, but not the update that accompanies the `corroborated` message
 * with the same news: exactly one first message per story, and one message per arrival.
 *
 * Digest subscribers: only their period's digest of their severity tier (the digest job publishes
 * one per tier listing the stories at or above it), and with actors only a digest naming one of
 * them. "Corroborated only" does not apply to digests: a digest lists the period's stories.
 */
export function buildFilterPolicy(filters: PolicyFilters): FilterPolicy {
  const policy: FilterPolicy = {};
  if (filters.digest !== "none") {
    policy.kind = ["digest"];
    policy.period = [filters.digest];
    policy.severity = [filters.minSeverity];
  } else {
    if (filters.minSeverity !== "low") policy.severity = severitiesAtLeast(filters.minSeverity);
    if (filters.corroboratedOnly) {
      policy.kind = ["new", "corroborated", "update"];
      policy.news_for_corroborated = ["true"];
    } else {
      // The story's first alert and its escalations; a later `corroborated` message is only for
      // the subscribers who asked for corroborated stories (for them it is the first), never a second copy.
      policy.kind = ["new", "update"];
    }
  }
  if (filters.actors.length > 0) policy.actor = [...filters.actors];
  return policy;
}
