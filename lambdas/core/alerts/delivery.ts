/**
 * Which message a claimed story owes next, derived from what the subscribers were last told:
 * the first message ("new", carrying the latest state, corroborated or not), then at most one
 * "corroborated" (only when the first said it was not; the first message of corroborated-only
 * subscribers, carrying the latest state), then "update" for an escalation, marked when it is
 * news only to the first message's audience so nobody gets two messages for one arrival.
 * Also decides, and says why, when a story is not worth a message. Pure.
 */
import type { StoryRecord } from "../model/ports.ts";
import type { Alert, Story } from "../model/types.ts";
import { isCorroborated } from "../stories/corroboration.ts";
import { escalationReasons } from "../stories/story.ts";

export interface DeliveryPolicy {
  /** Stories scoring below this are not alerted. */
  minAlertScore: number;
  /** Stories first reported longer ago than this are not alerted. */
  maxAlertAgeHours: number;
}

type Snapshot = NonNullable<Story["alerted"]>;

export type DeliveryPlan =
  /** Publish `alert`, then record `seq` as sent and `snapshot` as what subscribers were told. */
  | { action: "send"; alert: Alert; seq: number; snapshot: Snapshot }
  /** Record `seq` without publishing, for the reason given (logged for operators). */
  | { action: "suppress"; kind: Alert["kind"]; reason: string; seq: number; snapshot: Snapshot };

/** The next message a story owes (call only with a claimed record: dueSeq > sentSeq). */
export function planDelivery(record: StoryRecord, now: Date, policy: DeliveryPolicy): DeliveryPlan {
  const { story, alert } = record;
  const told = story.alerted;
  const current: Snapshot = {
    severity: story.severity,
    attribution: story.attribution,
    amountUsd: story.amountUsd,
    corroborated: isCorroborated(story),
    at: now.toISOString(),
  };
  let next: { alert: Alert; seq: number; snapshot: Snapshot } | null;
  if (alert.sentSeq === 0 || !told) {
    next = { alert: { kind: "new", story, reasons: [] }, seq: alert.dueSeq, snapshot: current };
  } else if (told.corroborated === false && current.corroborated) {
    // The first message for corroborated-only subscribers, carrying the latest state. The first
    // message's audience keeps `told`: an escalation still owed goes out to them after it, as an update.
    next = {
      alert: { kind: "corroborated", story, reasons: [] },
      seq: alert.sentSeq + 1,
      snapshot: {
        ...told,
        corroborated: true,
        at: current.at,
        corroboratedAudience: {
          severity: current.severity,
          attribution: current.attribution,
          amountUsd: current.amountUsd,
        },
      },
    };
  } else {
    const reasons = escalationReasons(told, story);
    next =
      reasons.length > 0
        ? {
            alert: { kind: "update", story, reasons, newsForCorroborated: newsForCorroborated(told, story) },
            seq: alert.dueSeq,
            snapshot: current,
          }
        : null;
  }
  if (!next) {
    // Owed on an earlier state that no longer differs from what was told: settle quietly.
    return {
      action: "suppress",
      kind: "update",
      reason: "nothing new to tell",
      seq: alert.dueSeq,
      snapshot: told!,
    };
  }
  const reason = suppression(story, now, policy);
  if (reason)
    return { action: "suppress", kind: next.alert.kind, reason, seq: next.seq, snapshot: next.snapshot };
  return { action: "send", ...next };
}

/**
 * Whether an update tells corroborated-only subscribers anything: not when their `corroborated`
 * message already carried this state (the arrival that corroborated the story also escalated it).
 */
function newsForCorroborated(told: Snapshot, story: Story): boolean {
  if (!told.corroboratedAudience) return true;
  return escalationReasons({ ...told, ...told.corroboratedAudience }, story).length > 0;
}

function suppression(story: Story, now: Date, policy: DeliveryPolicy): string | null {
  // Age of the newest report: a fresh follow-up escalating a weeks-old incident is news, a backlog is not.
  const newest = story.sources.reduce(
    (max, s) => (s.publishedAt > max ? s.publishedAt : max),
    story.publishedAt,
  );
  const ageHours = (now.getTime() - Date.parse(newest)) / 3_600_000;
  if (ageHours > policy.maxAlertAgeHours) {
    return `too old: newest report ${Math.round(ageHours)} h ago, alerts stop after ${policy.maxAlertAgeHours} h`;
  }
  if (story.score < policy.minAlertScore) {
    return `under the alert score: ${story.score} < ${policy.minAlertScore}`;
  }
  return null;
}
