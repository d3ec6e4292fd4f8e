/**
 * GET /stories/{id}: one story's page. The verdict (severity, score with its scale,
 * attribution, corroboration), the evidence sorted by points, and a timeline: each source as
 * it arrived and each change of attribution stage or amount with the source that caused it.
 * HTML with one hashed stylesheet and no JavaScript, like the front page.
 */
import type { Story, StorySource, TimelineEvent } from "../model/types.ts";
import { displayText, MAX_DISPLAY_TITLE } from "../text/display.ts";
import { safeHttpUrl } from "../text/links.ts";
import { formatUsd } from "../text/money.ts";
import { escapeHtml } from "./escape.ts";
import { type SiteConfig, siteUrl, toStoryView } from "./view.ts";
import { styleOnlyCsp } from "./csp.ts";

/** Colours shared with the front page; every text/background pair passes WCAG AA in both schemes. */
const STYLE = `
:root{--bg:#f6f7f9;--card:#fff;--ink:#1b1f24;--muted:#5b6470;--line:#dde1e6;--link:#0b57d0;
--high:#b42318;--high-bg:#fee4e2;--medium:#9a5b00;--medium-bg:#fef0c7;--low:#375a7f;--low-bg:#e4ecf5}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--card:#181c22;--ink:#e7eaee;--muted:#a3adba;
--line:#2a3038;--link:#8ab4f8;--high:#ffb4ab;--high-bg:#5c1a14;--medium:#ffd27a;--medium-bg:#4a3400;
--low:#b6cdea;--low-bg:#1f3044}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
.wrap{max-width:860px;margin:0 auto;padding:16px}
nav.crumbs{font-size:.9rem;margin:4px 0 12px}
h1{margin:0 0 8px;font-size:1.5rem;line-height:1.3;overflow-wrap:anywhere}
section{margin:0 0 14px;padding:14px;background:var(--card);border:1px solid var(--line);border-radius:10px}
section h2{margin:0 0 8px;font-size:1.05rem}
dl.verdict{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}
dl.verdict dt{color:var(--muted)}dl.verdict dd{margin:0;overflow-wrap:anywhere}
.pill{display:inline-block;padding:0 8px;border-radius:999px;font-size:.8rem;font-weight:600}
.pill.high{background:var(--high-bg);color:var(--high)}.pill.medium{background:var(--medium-bg);color:var(--medium)}
.pill.low{background:var(--low-bg);color:var(--low)}
.summary{margin:0;overflow-wrap:anywhere}
ol.timeline{list-style:none;margin:0;padding:0;border-left:2px solid var(--line)}
ol.timeline li{margin:0 0 10px;padding-left:12px;overflow-wrap:anywhere}
ol.timeline time,.muted{color:var(--muted);font-size:.88rem}
ol.timeline .change{font-weight:600}
table.why{border-collapse:collapse;width:100%;font-size:.9rem}
table.why th,table.why td{text-align:left;padding:3px 8px 3px 0;border-bottom:1px solid var(--line);vertical-align:top}
table.why td.num{text-align:right;font-variant-numeric:tabular-nums}
table.why td q{overflow-wrap:anywhere}
.neg{color:var(--high)}
footer{color:var(--muted);font-size:.88rem}
`
  .trim()
  .replace(/\n/g, "");

/** CSP for the story page: this one stylesheet by hash, nothing else loads or runs. */
export const STORY_PAGE_CSP = styleOnlyCsp(STYLE, "none");

export interface StoryPageContext {
  site: SiteConfig;
  /** The flagging threshold shown beside the score, when known. */
  threshold?: number;
}

const ATTRIBUTION_TEXT: Record<string, string> = {
  suspected: "suspected (the reports hedge)",
  attributed: "attributed by researchers",
  confirmed: "confirmed by an authority",
};

function readableTime(iso: string): string {
  const time = Date.parse(iso);
  return Number.isNaN(time) ? "" : `${new Date(time).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function time(iso: string): string {
  const text = readableTime(iso);
  return text ? `<time datetime="${escapeHtml(iso)}">${escapeHtml(text)}</time>` : "";
}

function link(url: string | null | undefined, text: string): string {
  const safe = safeHttpUrl(url);
  return safe
    ? `<a href="${escapeHtml(safe)}" rel="noopener noreferrer nofollow ugc">${escapeHtml(text)}</a>`
    : escapeHtml(text);
}

const label = (text: string) => displayText(text, 100) || "(unnamed source)";

function stageText(stage: string | null | undefined): string {
  return stage ? (ATTRIBUTION_TEXT[stage] ?? displayText(stage, 40)) : "none";
}

function amountText(value: string | null | undefined): string {
  return value ? (formatUsd(Number(value)) ?? "not stated") : "not stated";
}

/** The timeline as recorded, or (stories stored before it was kept) rebuilt from the sources. */
function timelineOf(story: Story): TimelineEvent[] {
  if (story.timeline && story.timeline.length > 0) return story.timeline;
  return [...story.sources]
    .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt))
    .map((source) => ({
      at: source.publishedAt,
      kind: "source",
      articleId: source.articleId,
      sourceName: source.name,
    }));
}

function renderEvent(event: TimelineEvent, sources: Map<string, StorySource>): string {
  const source = sources.get(event.articleId);
  const who = escapeHtml(label(event.sourceName));
  let what: string;
  switch (event.kind) {
    case "source": {
      const title = displayText(source?.title, MAX_DISPLAY_TITLE);
      const published = source ? readableTime(source.publishedAt) : "";
      what =
        `Reported by <strong>${who}</strong>${title ? `: ${link(source?.url, title)}` : ""}` +
        (published ? ` <span class="muted">(published ${escapeHtml(published)})</span>` : "");
      break;
    }
    case "attribution":
      what = `<span class="change">Attribution ${escapeHtml(stageText(event.from))} &rarr; ${escapeHtml(stageText(event.to))}</span>, from ${who}`;
      break;
    case "amount":
      what = `<span class="change">Amount ${escapeHtml(amountText(event.from))} &rarr; ${escapeHtml(amountText(event.to))}</span>, from ${who}`;
      break;
    default:
      what = `<span class="change">Corroborated</span> with ${who}`;
  }
  return `<li>${time(event.at)}<br>${what}</li>`;
}

function thresholdText(threshold: number | undefined): string {
  return threshold === undefined
    ? "the rules' threshold flags it"
    : `${escapeHtml(String(threshold))} or more is flagged`;
}

function renderEvidence(story: Story, threshold: number | undefined): string {
  const terms = [...(story.matched ?? [])].sort((a, b) => b.weight - a.weight);
  if (terms.length === 0) return "";
  const raw = Math.round(terms.reduce((sum, term) => sum + term.weight, 0) * 10) / 10;
  const rows = terms
    .slice(0, 40)
    .map(
      (term) =>
        `<tr><td class="num${term.weight < 0 ? " neg" : ""}">${term.weight > 0 ? "+" : ""}${escapeHtml(String(term.weight))}</td>` +
        `<td><q>${escapeHtml(displayText(term.text, 200))}</q></td><td>${escapeHtml(displayText(term.group, 100))}</td>` +
        `<td>${escapeHtml(term.field)}</td></tr>`,
    )
    .join("");
  return (
    `<section id="evidence"><h2>Why it was flagged</h2>` +
    `<table class="why"><thead><tr><th>points</th><th>matched</th><th>group</th><th>in</th></tr></thead><tbody>${rows}</tbody></table>` +
    `<p class="muted">Total ${escapeHtml(String(raw))} raw points; the score is capped at 100, and ${thresholdText(threshold)}.</p></section>`
  );
}

function corroborationText(story: Story): string {
  const c = story.corroboration;
  const count = c?.independentSources ?? new Set(story.sources.map((s) => s.feedId)).size;
  const sources = `${count} independent source${count === 1 ? "" : "s"}`;
  if (c?.corroborated) {
    const by = c.by.map(label).join(", ");
    return `yes${by ? `, by ${escapeHtml(by)}` : ""} (${sources})`;
  }
  return `not yet (${sources}; needs a second, or one official source)`;
}

/** The full HTML page for one story. */
export function renderStoryPage(story: Story, ctx: StoryPageContext): string {
  const view = toStoryView(story);
  const severity = (["low", "medium", "high"] as const).includes(view.severity) ? view.severity : "low";
  const home = `${ctx.site.baseUrl}/`;
  const sources = new Map(story.sources.map((source) => [source.articleId, source]));
  const timeline = timelineOf(story)
    .map((event) => renderEvent(event, sources))
    .join("");
  const verdict = [
    [
      "Severity",
      `<span class="pill ${severity}">${escapeHtml(severity)}</span> <span class="muted">(low, medium, high)</span>`,
    ],
    [
      "Score",
      `${escapeHtml(String(view.score))}/100 <span class="muted">(how sure the rules are; ${thresholdText(ctx.threshold)})</span>`,
    ],
    ["Actor", view.actors.length ? escapeHtml(view.actors.join(", ")) : "not named"],
    [
      "Amount",
      view.amountText
        ? `${escapeHtml(view.amountText)} <span class="muted">(largest stated)</span>`
        : "not stated",
    ],
    ["Attribution", escapeHtml(stageText(view.attribution))],
    ["Corroborated", corroborationText(story)],
    ["First reported", time(view.publishedAt)],
    ["Last change", time(view.updatedAt)],
  ]
    .map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`)
    .join("");
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(view.title)} · ${escapeHtml(ctx.site.title)}</title>`,
    `<link rel="alternate" type="application/json" href="${escapeHtml(siteUrl(ctx.site, `/items/${encodeURIComponent(view.id)}`))}">`,
    `<style>${STYLE}</style>`,
    '</head><body><div class="wrap">',
    `<nav class="crumbs"><a href="${escapeHtml(home)}">&larr; ${escapeHtml(ctx.site.title)}: all stories</a></nav>`,
    `<main><h1>${link(view.url, view.title)}</h1>`,
    view.summary
      ? `<section><h2>What happened</h2><p class="summary">${escapeHtml(view.summary)}</p></section>`
      : "",
    `<section><h2>Verdict</h2><dl class="verdict">${verdict}</dl></section>`,
    `<section id="timeline"><h2>Timeline</h2><ol class="timeline">${timeline}</ol></section>`,
    renderEvidence(story, ctx.threshold),
    "</main>",
    `<footer><p>This story as JSON: <a href="${escapeHtml(siteUrl(ctx.site, `/items/${encodeURIComponent(view.id)}`))}">/items/${escapeHtml(view.id)}</a>.</p></footer>`,
    "</div></body></html>",
    "",
  ].join("\n");
}
