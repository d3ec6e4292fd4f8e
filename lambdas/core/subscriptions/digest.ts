/**
 * Digests: one message per period (daily, weekly) and severity tier, listing the period's stories
 * at or above that tier. Pure: the digest handler and local mode read stories, call these, and
 * deliver through the filter policies (a subscriber's policy picks their period and tier).
 */
import { formatUsd, oneLine, safeLink } from "../alerts/messages.ts";
import type { StoryReader } from "../model/ports.ts";
import type { Severity, Story } from "../model/types.ts";
import { digestAttributes } from "./attributes.ts";
import { severitiesAtLeast } from "../model/severity.ts";
import type { DigestPeriod, MessageAttributes } from "./types.ts";

export interface Digest {
  period: DigestPeriod;
  tier: Severity;
  /** ISO bounds: stories first reported in [from, to). */
  from: string;
  to: string;
  stories: Story[];
  attributes: MessageAttributes;
}

/** When digests go out: daily at `hourUtc`, weekly on `weekday` (0 = Sunday) at the same hour. */
export interface DigestSchedule {
  hourUtc: number;
  weekday: number;
}

export const DEFAULT_DIGEST_SCHEDULE: DigestSchedule = { hourUtc: 7, weekday: 1 };

const PERIOD_MS: Record<DigestPeriod, number> = { daily: 86_400_000, weekly: 7 * 86_400_000 };
/** A digest lists at most this many stories per tier (newest first); the page has the rest. */
export const MAX_DIGEST_STORIES = 50;

/** The window a digest sent at `now` covers: the period just ended. */
export function digestWindow(period: DigestPeriod, now: Date): { from: string; to: string } {
  return { from: new Date(now.getTime() - PERIOD_MS[period]).toISOString(), to: now.toISOString() };
}

/**
 * The key of the latest scheduled send at or before `now` ("daily:2026-03-10", "weekly:2026-03-09"),
 * so a job that runs late or twice sends each period once.
 */
export function scheduledSlot(
  period: DigestPeriod,
  now: Date,
  schedule: DigestSchedule,
): { key: string; at: Date } {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), schedule.hourUtc));
  if (at > now) at.setUTCDate(at.getUTCDate() - 1);
  if (period === "weekly") {
    while (at.getUTCDay() !== schedule.weekday) at.setUTCDate(at.getUTCDate() - 1);
  }
  return { key: `${period}:${at.toISOString().slice(0, 10)}`, at };
}

/** Reads the flagged stories first reported in [from, to), newest first, paging the reader. */
export async function storiesBetween(reader: StoryReader, from: string, to: string): Promise<Story[]> {
  const stories: Story[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await reader.listFlaggedStories({ limit: 100, ...(cursor ? { cursor } : {}) });
    for (const story of result.stories) {
      if (story.publishedAt >= from && story.publishedAt < to) stories.push(story);
    }
    const oldest = result.stories.at(-1);
    if (!result.nextCursor || !oldest || oldest.publishedAt < from) break;
    cursor = result.nextCursor;
  }
  return stories;
}

/** The digests for one period: one per severity tier that has stories. */
export function buildDigests(period: DigestPeriod, stories: Story[], now: Date): Digest[] {
  const { from, to } = digestWindow(period, now);
  const inWindow = stories
    .filter((story) => story.publishedAt >= from && story.publishedAt < to)
    .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
  const digests: Digest[] = [];
  for (const tier of severitiesAtLeast("low")) {
    const allowed = new Set(severitiesAtLeast(tier));
    const listed = inWindow.filter((story) => allowed.has(story.severity)).slice(0, MAX_DIGEST_STORIES);
    if (listed.length === 0) continue;
    const actors = [...new Set(listed.flatMap((story) => story.actors))];
    digests.push({
      period,
      tier,
      from,
      to,
      stories: listed,
      attributes: digestAttributes(period, tier, actors),
    });
  }
  return digests;
}

/** "heistwatch daily digest: 3 stories (medium and above)". One line, no control characters. */
export function digestSubject(digest: Digest): string {
  const count = digest.stories.length;
  const tier = digest.tier === "low" ? "" : ` (${digest.tier}${digest.tier === "high" ? "" : " and above"})`;
  return `heistwatch ${digest.period} digest: ${count} ${count === 1 ? "story" : "stories"}${tier}`;
}

/** Plain-text digest body: one block per story. */
export function digestText(digest: Digest): string {
  const lines = [
    `${digestSubject(digest)}`,
    `Stories first reported ${digest.from.slice(0, 16).replace("T", " ")} to ${digest.to.slice(0, 16).replace("T", " ")} UTC.`,
    "",
  ];
  for (const story of digest.stories) {
    lines.push(`[${story.severity.toUpperCase()}] ${oneLine(story.title) || "untitled story"}`);
    const facts = [
      `score ${story.score}/100`,
      story.actors.length ? `actor ${story.actors.map(oneLine).join(", ")}` : "",
      story.amountUsd === null ? "" : `amount ${formatUsd(story.amountUsd)}`,
      `${new Set(story.sources.map((s) => s.feedId)).size} source(s)`,
    ].filter(Boolean);
    lines.push(`  ${facts.join(" | ")}`);
    const link = safeLink(story.url);
    if (link) lines.push(`  ${link}`);
    lines.push("");
  }
  return lines.join("\n");
}
