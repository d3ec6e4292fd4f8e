/**
 * Alert texts: a subject, a plain-text email body and an SMS, from one Alert. Used by the SNS
 * notifier and by the local console/webhook notifiers. Everything from feeds is treated as
 * untrusted: control characters and line breaks are removed where a channel forbids them, and
 * links are only ever http(s).
 */
import { createHash } from "node:crypto";
import { recordWords } from "../record/record-view.ts";
import type { Alert, AttributionStage, Story } from "../model/types.ts";
import { oneLine } from "../text/characters.ts";
import { safeHttpUrl } from "../text/links.ts";
import { formatUsd as formatMoney } from "../text/money.ts";
import { truncate } from "../text/truncate.ts";

export { oneLine };

/** SNS: a Subject must be under 100 characters, with no line breaks or control characters. */
export const SUBJECT_MAX_CHARS = 99;
/** One SMS segment: 160 GSM-7 characters (extension characters count twice)... */
export const SMS_GSM7_MAX = 160;
/** ...or 70 UTF-16 code units once any character needs UCS-2 (emoji, CJK, RTL scripts). */
export const SMS_UCS2_MAX = 70;

const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
const GSM7_EXTENSION = new Set("^{}\\[~]|€");

const ATTRIBUTION_WORDS: Record<AttributionStage, string> = {
  suspected: "suspected (the reports hedge)",
  attributed: "attributed by researchers",
  confirmed: "confirmed by an authority",
};

/** Cuts to at most `max` code points (never splitting a character), ending with `ellipsis`. */
function cutCodePoints(text: string, max: number, ellipsis = "…"): string {
  return truncate(text, max, { ellipsis });
}

/** "$1.5 billion", "$275 million", "$900,000"; short: "$1.5B", "$275M" (the text policy's formatUsd). */
export function formatUsd(amount: number, short = false): string {
  return formatMoney(amount, short ? "short" : "long") ?? "$0";
}

/** A link is printed only when the text policy allows it (http(s), no credentials). */
export const safeLink = safeHttpUrl;

/**
 * A stable id for one alert, the same on every redelivery of it (a retry after a crash or a
 * failed publish), so receivers can deduplicate: the story, the kind, and for an update the
 * state it announces. Sent as a header/attribute and in the body.
 */
export function deliveryId(alert: Alert): string {
  const { story } = alert;
  const escalation =
    alert.kind === "update" ? [story.severity, story.attribution ?? "", story.amountUsd ?? ""].join("|") : "";
  return createHash("sha256").update(`${story.id}|${alert.kind}|${escalation}`).digest("hex").slice(0, 32);
}

/** Distinct reporting outlets (by feed), the basis of "corroborated". */
export function independentSources(story: Story): number {
  return new Set(story.sources.map((source) => source.feedId)).size;
}

/** SNS Subject: "[HIGH] Update: <title>", one line, under 100 characters. */
export function alertSubject(alert: Alert): string {
  const prefix = `[${alert.story.severity.toUpperCase()}] ${alert.kind === "update" ? "Update: " : ""}`;
  const title = oneLine(alert.story.title) || "untitled story";
  return cutCodePoints(`${prefix}${title}`, SUBJECT_MAX_CHARS);
}

/** Plain-text email body: what happened, how sure, who reported it, why it was flagged, the link. */
export function alertEmailText(alert: Alert): string {
  const { story } = alert;
  const lines: string[] = [];
  if (alert.kind === "update") {
    lines.push(`UPDATE to a story you were alerted about: ${alert.reasons.map(oneLine).join("; ")}`, "");
  }
  lines.push(oneLine(story.title), "");
  if (story.summary) lines.push(oneLine(story.summary), "");
  lines.push(`Severity: ${story.severity}    Score: ${story.score}/100`);
  lines.push(`Actor: ${story.actors.length > 0 ? story.actors.map(oneLine).join(", ") : "not named"}`);
  lines.push(
    `Amount: ${story.amountUsd === null ? "not stated" : `${formatUsd(story.amountUsd)} (largest stated)`}`,
  );
  lines.push(`Attribution: ${story.attribution === null ? "none" : ATTRIBUTION_WORDS[story.attribution]}`);
  if (recordWords(story.record)) lines.push(oneLine(recordWords(story.record)));
  lines.push("", `Reported by ${independentSources(story)} source(s):`);
  for (const source of story.sources) {
    lines.push(`- ${oneLine(source.name)}: ${oneLine(source.title)}`);
    const link = safeLink(source.url);
    if (link) lines.push(`  ${link}`);
  }
  if (story.matched.length > 0) {
    lines.push("", "Why it was flagged:");
    for (const term of story.matched) {
      const sign = term.weight >= 0 ? "+" : "";
      lines.push(`- "${oneLine(term.text)}" (${term.group}, ${sign}${term.weight}, in ${term.field})`);
    }
  }
  const link = safeLink(story.url);
  if (link) lines.push("", `Read: ${link}`);
  return lines.join("\n");
}

/** Whether every character is in the GSM 03.38 alphabet (basic or extension table). */
export function isGsm7(text: string): boolean {
  for (const char of text) if (!GSM7_BASIC.has(char) && !GSM7_EXTENSION.has(char)) return false;
  return true;
}

/** Length as the SMS network counts it: GSM-7 septets (extension characters = 2), else UTF-16 units. */
export function smsLength(text: string): { encoding: "GSM-7" | "UCS-2"; length: number; max: number } {
  if (!isGsm7(text)) return { encoding: "UCS-2", length: text.length, max: SMS_UCS2_MAX };
  let length = 0;
  for (const char of text) length += GSM7_EXTENSION.has(char) ? 2 : 1;
  return { encoding: "GSM-7", length, max: SMS_GSM7_MAX };
}

/**
 * One SMS segment: "HIGH $1.5B Lazarus Group: <title> (3 sources)", with the title shortened
 * to fit 160 GSM-7 characters, or 70 when the text needs UCS-2. A fixed template keeps cost
 * predictable: a longer text would be split and billed as several messages.
 */
export function alertSmsText(alert: Alert): string {
  const { story } = alert;
  const head = [
    alert.kind === "update" ? "UPDATE" : "",
    story.severity.toUpperCase(),
    story.amountUsd === null ? "" : formatUsd(story.amountUsd, true),
    story.actors[0] ? `${oneLine(story.actors[0])}:` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const sources = independentSources(story);
  const tail = sources > 1 ? ` (${sources} sources)` : "";
  // No SMS holds more than 160 characters of title: cap first, so the loop below stays short.
  const title = truncate(oneLine(story.title), SMS_GSM7_MAX, { ellipsis: "" }) || "untitled story";
  const full = `${head} ${title}${tail}`;
  const measured = smsLength(full);
  if (measured.length <= measured.max) return full;
  // Shorten the title until the whole text fits its encoding's budget.
  const ellipsis = measured.encoding === "GSM-7" ? "..." : "…";
  let points = Array.from(title);
  while (points.length > 0) {
    points = points.slice(0, -1);
    const candidate = `${head} ${points.join("").trimEnd()}${ellipsis}${tail}`;
    if (fitsOneSms(candidate)) return candidate;
  }
  // Even without a title the head is too long (a very long actor name): cut the whole text.
  let whole = Array.from(`${head}${tail}`);
  while (whole.length > 0 && !fitsOneSms(`${whole.join("")}${ellipsis}`)) whole = whole.slice(0, -1);
  return `${whole.join("")}${ellipsis}`;
}

function fitsOneSms(text: string): boolean {
  const size = smsLength(text);
  return size.length <= size.max;
}
