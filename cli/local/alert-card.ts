/**
 * How an alert looks in a terminal and in a chat webhook. Story text comes from feeds, so every
 * piece goes through the text policy's one-line rule (controls, bidi and zero-width characters
 * removed, capped by code points) and the chat texts escape each platform's markup.
 */
import { independentSources } from "../../lambdas/core/alerts/messages.ts";
import type { Alert, MatchedTerm } from "../../lambdas/core/model/types.ts";
import { safeHttpUrl } from "../../lambdas/core/text/links.ts";
import { formatUsd } from "../../lambdas/core/text/money.ts";
import { terminalSafe } from "./progress.ts";

const WIDTH = 78;

const CARD_HEAD: Record<Alert["kind"], [string, string]> = {
  new: ["HEIST ALERT", "Heist alert"],
  update: ["ALERT UPDATE", "Alert update"],
  corroborated: ["CORROBORATED", "Corroborated"],
  digest: ["DIGEST", "Digest"],
};

/** What changed, in words: the escalation, or who corroborated the story. */
function changeLine(alert: Alert): string[] {
  if (alert.kind === "update" && alert.reasons.length > 0) {
    return [`Update: ${terminalSafe(alert.reasons.join("; "), 300)}`];
  }
  if (alert.kind === "corroborated") {
    const by = alert.story.corroboration?.by ?? [];
    return [`Corroborated${by.length > 0 ? ` by ${terminalSafe(by.join(", "), 200)}` : ""}`];
  }
  return [];
}

/** A multi-line box for the console: headline, title, actors/amount/attribution, sources, evidence, link. */
export function formatAlertCard(alert: Alert): string {
  const { story } = alert;
  const head = `${CARD_HEAD[alert.kind][0]} · ${story.severity.toUpperCase()} · score ${story.score}`;
  const lines = [
    ...wrap(terminalSafe(story.title, 400), WIDTH - 4),
    ...changeLine(alert).flatMap((line) => wrap(line, WIDTH - 4)),
    ...packSegments(facts(alert), WIDTH - 4),
    ...wrap(sourcesLine(alert), WIDTH - 4),
    ...wrap(`Why: ${evidence(story.matched)}`, WIDTH - 4),
    ...link(story.url, 300),
  ];
  return [
    `╭─ ${head} ${"─".repeat(Math.max(2, WIDTH - head.length - 4))}`,
    ...lines.map((l) => `│ ${l}`),
    `╰${"─".repeat(WIDTH - 1)}`,
  ].join("\n");
}

/** Plain one-paragraph text shared by the chat formats (no markup yet). */
export function alertPlainLines(alert: Alert): string[] {
  const { story } = alert;
  const head = `${CARD_HEAD[alert.kind][1]} (${story.severity}, score ${story.score}): ${terminalSafe(story.title, 300)}`;
  return [head, ...changeLine(alert), facts(alert).join("   "), sourcesLine(alert), ...link(story.url, 500)];
}

function facts(alert: Alert): string[] {
  const { story } = alert;
  return [
    `Actors: ${story.actors.length > 0 ? terminalSafe(story.actors.join(", "), 120) : "none named"}`,
    `Amount: ${formatUsd(story.amountUsd, "long") ?? "not stated"}`,
    `Attribution: ${story.attribution ?? "none"}`,
  ];
}

/** Puts whole segments on lines of at most `width` (a segment longer than that gets its own line). */
function packSegments(segments: string[], width: number): string[] {
  const lines: string[] = [];
  for (const segment of segments) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 3 + segment.length <= width) lines[last] += `   ${segment}`;
    else lines.push(...wrap(segment, width));
  }
  return lines;
}

function sourcesLine(alert: Alert): string {
  const names = [...new Set(alert.story.sources.map((s) => terminalSafe(s.name, 60)))];
  return `Sources (${independentSources(alert.story)}): ${names.join(", ") || "unknown"}`;
}

function evidence(matched: MatchedTerm[]): string {
  const top = [...matched].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, 5);
  if (top.length === 0) return "no matched terms recorded";
  return top
    .map((m) => `"${terminalSafe(m.text, 40)}" ${m.group} ${m.weight >= 0 ? "+" : ""}${m.weight}`)
    .join(" · ");
}

/** The story's link as a one-element list when it is http(s) (javascript:, data: and the like are dropped). */
function link(url: string | null, max: number): string[] {
  const safe = safeHttpUrl(url);
  return safe ? [terminalSafe(safe, max)] : [];
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) out.push(line);
  return out;
}
