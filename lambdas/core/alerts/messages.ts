/**
 * Alert texts: a subject, a plain-text email body and an SMS, from one Alert. Used by the SNS
 * notifier and by the local console/webhook notifiers. Everything from feeds is treated as
 * untrusted: control characters and line breaks are removed where a channel forbids them, and
 * links are only ever http(s).
 */
import { createHash } from "node:crypto";
import { DEFAULT_THRESHOLD } from "../classifier/classify.ts";
import { recordWords } from "../record/record-view.ts";
import type { Alert, AttributionStage, Story } from "../model/types.ts";
import { independentGroups } from "../stories/corroboration.ts";
import { oneLine } from "../text/characters.ts";
import { safeHttpUrl } from "../text/links.ts";
import { formatUsd as formatMoney } from "../text/money.ts";
import { truncate } from "../text/truncate.ts";
import { alertAttributes } from "./attributes.ts";

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

/** Independent outlets (syndicated copies and one outlet's several feeds count once). */
export function independentSources(story: Story): number {
  return story.corroboration?.independentSources ?? independentGroups(story.sources).length;
}

/** What the texts need besides the alert. */
export interface MessageOptions {
  /** Absolute http(s) base of the public site (no trailing slash): links go to its story page. */
  pageBaseUrl?: string;
  /** The flagging threshold shown beside the score; default: the rules' own. */
  threshold?: number;
}

/** Terms shown under "why": the ones that moved the score most. */
export const MAX_WHY_TERMS = 8;
/** The score's cap: raw points above it still show, so a reader sees how far past it a story went. */
export const SCORE_CAP = 100;

/** The story's own page, when the site's address is known. */
export function storyPageUrl(story: Story, options: MessageOptions = {}): string | null {
  const base = safeLink(options.pageBaseUrl);
  return base ? `${base.replace(/\/+$/, "")}/stories/${encodeURIComponent(story.id)}` : null;
}

const SUBJECT_PREFIX: Record<Alert["kind"], string> = {
  new: "",
  update: "Update: ",
  corroborated: "Corroborated: ",
  digest: "Digest: ",
};

/** SNS Subject: "[HIGH] Update: <title>", one line, under 100 characters. */
export function alertSubject(alert: Alert): string {
  const prefix = `[${alert.story.severity.toUpperCase()}] ${SUBJECT_PREFIX[alert.kind]}`;
  const title = oneLine(alert.story.title) || "untitled story";
  return cutCodePoints(`${prefix}${title}`, SUBJECT_MAX_CHARS);
}

/** "2025-01-10 10:00 UTC", or the raw text when it is not a date. */
function readableTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time)
    ? oneLine(iso)
    : `${new Date(time).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** Named bodies behind the attribution stage, as the evidence matched them ("FBI", "Elliptic"). */
function attributors(story: Story): string[] {
  const group =
    story.attribution === "confirmed"
      ? "authority"
      : story.attribution === "attributed"
        ? "researcher"
        : null;
  if (!group) return [];
  const names = story.matched.filter((term) => term.group === group).map((term) => oneLine(term.text));
  return [...new Set(names)].slice(0, 3);
}

function corroborationLine(story: Story): string {
  const count = independentSources(story);
  const by = story.corroboration?.by.map(oneLine) ?? [];
  if (story.corroboration?.corroborated || (!story.corroboration && count >= 2)) {
    return `Corroborated: yes${by.length > 0 ? `, by ${by.join(", ")}` : ""} (${plural(count, "independent source")})`;
  }
  return `Corroborated: not yet (${plural(count, "independent source")}; needs a second, or one official source)`;
}

function headline(alert: Alert): string[] {
  if (alert.kind === "update") {
    return [`UPDATE to a story you were alerted about: ${alert.reasons.map(oneLine).join("; ")}`, ""];
  }
  if (alert.kind === "corroborated") {
    const by = alert.story.corroboration?.by.map(oneLine) ?? [];
    return [
      `CORROBORATED${by.length > 0 ? ` by ${by.join(", ")}` : ""}: this story is now confirmed beyond one source.`,
      "",
    ];
  }
  return [];
}

/** The "why" block: at most eight terms by points, then the raw total, the cap and the threshold. */
function whyLines(story: Story, threshold: number): string[] {
  const contributing = story.matched.filter((term) => term.weight !== 0);
  if (contributing.length === 0) return [];
  const raw = Math.round(contributing.reduce((sum, term) => sum + term.weight, 0) * 10) / 10;
  const top = [...contributing]
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, MAX_WHY_TERMS)
    .sort((a, b) => b.weight - a.weight);
  const shown =
    top.length < contributing.length
      ? `top ${top.length} of ${contributing.length}`
      : plural(top.length, "term");
  const lines = ["", `Why it was flagged (${shown}, by points):`];
  for (const term of top) {
    const points = `${term.weight > 0 ? "+" : ""}${term.weight}`.padStart(4);
    lines.push(`${points}  "${oneLine(term.text)}" (${oneLine(term.group)}, in ${term.field})`);
  }
  lines.push(
    `Total: ${raw} raw points from all ${plural(contributing.length, "term")}; the score is capped at ${SCORE_CAP}, and ${threshold} or more is flagged.`,
  );
  return lines;
}

/**
 * Plain-text email: headline, what happened, severity and score with their scales, actor,
 * amount, attribution and who confirmed it, sources in time order, why (at most eight terms,
 * with total and threshold), the story page, and a footer on filters and unsubscribing.
 */
export function alertEmailText(alert: Alert, options: MessageOptions = {}): string {
  const { story } = alert;
  const threshold = options.threshold ?? story.threshold ?? DEFAULT_THRESHOLD;
  const lines: string[] = [...headline(alert), oneLine(story.title) || "untitled story", ""];
  if (story.summary) lines.push(`What happened: ${cutCodePoints(oneLine(story.summary), 400)}`, "");
  lines.push(`Severity: ${story.severity} (on a scale of low, medium, high)`);
  lines.push(`Score: ${story.score}/${SCORE_CAP} (how sure the rules are; ${threshold} or more is flagged)`);
  lines.push(`Actor: ${story.actors.length > 0 ? story.actors.map(oneLine).join(", ") : "not named"}`);
  lines.push(
    `Amount: ${story.amountUsd === null ? "not stated" : `${formatUsd(story.amountUsd)} (largest stated)`}`,
  );
  const named = attributors(story);
  lines.push(
    `Attribution: ${story.attribution === null ? "none" : ATTRIBUTION_WORDS[story.attribution]}${named.length > 0 ? ` (${named.join(", ")})` : ""}`,
  );
  if (recordWords(story.record)) lines.push(oneLine(recordWords(story.record)));
  lines.push(corroborationLine(story));

  const sources = [...story.sources].sort((a, b) => a.publishedAt.localeCompare(b.publishedAt));
  lines.push(
    "",
    `Sources, earliest first (${plural(sources.length, "report")}, ${plural(independentSources(story), "independent source")}):`,
  );
  for (const source of sources) {
    lines.push(`- ${readableTime(source.publishedAt)}  ${oneLine(source.name)}: ${oneLine(source.title)}`);
    const link = safeLink(source.url);
    if (link) lines.push(`  ${link}`);
  }
  lines.push(...whyLines(story, threshold));

  const page = storyPageUrl(story, options);
  const first = safeLink(story.url);
  lines.push("");
  if (page) lines.push(`Story page (evidence and timeline): ${page}`);
  if (first) lines.push(`First report: ${first}`);
  lines.push("", "--", ...footer(alert));
  return lines.join("\n");
}

/** Which attribute values this message carries (what filters match on), and how to change or stop. */
function footer(alert: Alert): string[] {
  const values = Object.entries(alertAttributes(alert)).map(([name, attribute]) => {
    const value =
      attribute.DataType === "String.Array"
        ? (JSON.parse(attribute.StringValue) as string[]).map(oneLine).join(" | ")
        : attribute.StringValue;
    return `${name}=${value}`;
  });
  return [
    `You received this because your subscription's filter accepts a message with: ${values.join(", ")}.`,
    "To receive fewer or other alerts, change the subscription's filter policy (severity, score, amount_usd, actor,",
    "corroborated, kind); to stop them all, use the unsubscribe link below or ask the operator of this monitor.",
  ];
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

const SMS_KIND: Record<Alert["kind"], string> = {
  new: "",
  update: "UPDATE",
  corroborated: "CORROBORATED",
  digest: "DIGEST",
};

/** Links longer than this are left out of an SMS: they would leave no room for the news. */
const SMS_MAX_LINK = 100;

/**
 * Text reduced to GSM 03.38: accents folded ("é" stays, "á" becomes "a"), other characters
 * dropped, so the SMS keeps its 160-character budget and its link.
 */
export function toGsm7(text: string): string {
  let out = "";
  for (const char of text) {
    if (GSM7_BASIC.has(char) || GSM7_EXTENSION.has(char)) out += char;
    else {
      const folded = char.normalize("NFKD").replace(/\p{M}/gu, "");
      out += [...folded].every((c) => GSM7_BASIC.has(c)) ? folded : " ";
    }
  }
  return out.replace(/\s+/g, " ").trim();
}

/**
 * One GSM-7 SMS segment: "CORROBORATED HIGH $1.5B Lazarus Group: <title> (3 sources) <link>",
 * the title shortened to fit 160 characters with the link to the story page whole. A fixed
 * template keeps cost predictable: a longer text would be split and billed as several messages.
 * A headline in another script is named, not sent: UCS-2 would leave 70 characters, too few
 * for the link.
 */
export function alertSmsText(alert: Alert, options: MessageOptions = {}): string {
  const { story } = alert;
  // The actor is left out of the head when the headline names it anyway.
  const actor = story.actors[0] ? oneLine(story.actors[0]) : "";
  const named = actor !== "" && oneLine(story.title).toLowerCase().includes(actor.toLowerCase());
  const head = `${toGsm7(
    [
      SMS_KIND[alert.kind],
      story.severity.toUpperCase(),
      story.amountUsd === null ? "" : formatUsd(story.amountUsd, true),
      actor && !named ? actor : "",
    ]
      .filter(Boolean)
      .join(" "),
  )}:`;

  const link = gsm7Link(storyPageUrl(story, options) ?? safeLink(story.url));
  const sources = independentSources(story);
  const tail = `${sources > 1 ? ` (${sources} sources)` : ""}${link && link.length <= SMS_MAX_LINK ? ` ${link}` : ""}`;
  // No SMS holds more than 160 characters of title: cap first, so the loops below stay short.
  const headline = truncate(oneLine(story.title), SMS_GSM7_MAX, { ellipsis: "" });
  const gsmTitle = toGsm7(headline);
  // A headline mostly in another script would be a few stray Latin characters: say so instead.
  const letters = (text: string) => (text.match(/\p{L}/gu) ?? []).length;
  const kept = letters(gsmTitle);
  const original = letters(headline);
  const title =
    kept >= original / 2 && (kept >= 3 || original < 3)
      ? gsmTitle || "untitled story"
      : "headline in another script, see link";
  const full = `${head} ${title}${tail}`;
  if (fitsOneSms(full)) return full;
  // Shorten the title until the whole text fits.
  let points = Array.from(title);
  while (points.length > 0) {
    points = points.slice(0, -1);
    const candidate = `${head} ${points.join("").trimEnd()}...${tail}`;
    if (fitsOneSms(candidate)) return candidate;
  }
  // Even without a title the head is too long (a very long actor name): cut the head, keep the tail.
  let whole = Array.from(head);
  while (whole.length > 0 && !fitsOneSms(`${whole.join("")}...${tail}`)) whole = whole.slice(0, -1);
  return `${whole.join("")}...${tail}`;
}

/**
 * The link with every character GSM 03.38 lacks percent-encoded. A normalised URL is ASCII, but
 * its query may keep "`", which GSM-7 lacks: one such character would make the whole SMS UCS-2,
 * 70 characters, too few for the link, and no shortening of the title could make it fit.
 */
function gsm7Link(link: string | null): string | null {
  if (link === null || isGsm7(link)) return link;
  return Array.from(link, (char) => (isGsm7(char) ? char : encodeURIComponent(char))).join("");
}

function fitsOneSms(text: string): boolean {
  const size = smsLength(text);
  return size.length <= size.max;
}
