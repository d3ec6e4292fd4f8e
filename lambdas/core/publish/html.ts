/**
 * The public HTML page: the latest flagged stories with their score, severity, actors,
 * amount, attribution, sources and the evidence behind the score. No JavaScript; one
 * inline stylesheet (allowed by hash in the CSP); readable on a phone.
 */
import type { Story } from "../model/types.ts";
import { recordWords } from "../record/record-view.ts";
import { escapeHtml } from "./escape.ts";
import { ABOUT_ANCHOR } from "./jsonfeed.ts";
import { renderStatusLine } from "./status.ts";
import { renderSignupSection, SIGNUP_STYLE } from "./signup-form.ts";
import { type RenderContext, type StoryView, siteUrl, toStoryView } from "./view.ts";
import { styleOnlyCsp } from "./csp.ts";

const STYLE = `
:root{--bg:#f6f7f9;--card:#fff;--ink:#1b1f24;--muted:#5b6470;--line:#dde1e6;--link:#0b57d0;
--high:#b42318;--high-bg:#fee4e2;--medium:#9a5b00;--medium-bg:#fef0c7;--low:#375a7f;--low-bg:#e4ecf5;--on-link:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--card:#181c22;--ink:#e7eaee;--muted:#a3adba;--on-link:#0f1216;
--line:#2a3038;--link:#8ab4f8;--high:#ffb4ab;--high-bg:#5c1a14;--medium:#ffd27a;--medium-bg:#4a3400;
--low:#b6cdea;--low-bg:#1f3044}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
.wrap{max-width:860px;margin:0 auto;padding:16px}
header.site h1{margin:8px 0 4px;font-size:1.6rem}
header.site p{margin:0 0 8px;color:var(--muted)}
.feeds a{display:inline-block;margin:4px 8px 4px 0;padding:2px 10px;border:1px solid var(--line);border-radius:999px;font-size:.9rem;text-decoration:none;background:var(--card)}
form.filters{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:12px 0 16px;padding:12px;background:var(--card);border:1px solid var(--line);border-radius:10px}
form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted);gap:2px}
form.filters input,form.filters select,form.filters button{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--ink)}
form.filters input[type=number]{width:6em}
form.filters button{background:var(--link);color:var(--on-link);border-color:var(--link);cursor:pointer}
ol.stories{list-style:none;margin:0;padding:0}
.story{display:grid;grid-template-columns:64px 1fr;gap:4px 14px;margin:0 0 14px;padding:14px;background:var(--card);border:1px solid var(--line);border-left:5px solid var(--low);border-radius:10px}
.story.high{border-left-color:var(--high)}.story.medium{border-left-color:var(--medium)}
.score{grid-row:span 2;text-align:center;align-self:start;padding:6px 0;border-radius:8px;background:var(--low-bg);color:var(--low)}
.high .score{background:var(--high-bg);color:var(--high)}.medium .score{background:var(--medium-bg);color:var(--medium)}
.score b{display:block;font-size:1.6rem;line-height:1.1}
.score small{font-size:.7rem;text-transform:uppercase;letter-spacing:.05em}
.story h2{margin:0;font-size:1.1rem;line-height:1.35;overflow-wrap:anywhere}
.story h2 a{text-decoration:none}.story h2 a:hover{text-decoration:underline}
.meta{margin:0;color:var(--muted);font-size:.88rem;display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px}
.pill{display:inline-block;padding:0 8px;border-radius:999px;font-size:.78rem;font-weight:600;border:1px solid var(--line)}
.pill.high{background:var(--high-bg);color:var(--high);border-color:transparent}
.pill.medium{background:var(--medium-bg);color:var(--medium);border-color:transparent}
.pill.low{background:var(--low-bg);color:var(--low);border-color:transparent}
.body{grid-column:1/-1}
.summary{margin:6px 0;overflow-wrap:anywhere}
.sources{margin:6px 0;padding-left:18px;font-size:.9rem}
.sources li{overflow-wrap:anywhere}
details{font-size:.88rem;margin-top:6px}
summary{cursor:pointer;color:var(--muted)}
table.why{border-collapse:collapse;margin-top:6px;width:100%}
table.why th,table.why td{text-align:left;padding:3px 8px 3px 0;border-bottom:1px solid var(--line);vertical-align:top}
table.why td.num{text-align:right;font-variant-numeric:tabular-nums}
table.why td q{overflow-wrap:anywhere}
.neg{color:var(--high)}
.pager{margin:16px 0;text-align:center}
.empty{padding:24px;text-align:center;color:var(--muted);background:var(--card);border:1px dashed var(--line);border-radius:10px}
.health{margin:4px 0 0;font-size:.88rem;color:var(--muted)}.health.stale,.health.down{color:var(--high);font-weight:600}
footer{margin-top:24px;color:var(--muted);font-size:.88rem;border-top:1px solid var(--line)}
footer code{font-size:.85em}
@media (max-width:520px){.story{grid-template-columns:52px 1fr;padding:12px}.score b{font-size:1.3rem}}
`
  .trim()
  .replace(/\n/g, "")
  .concat(SIGNUP_STYLE);

/**
 * Content-Security-Policy for the page: nothing may load or run except this one stylesheet
 * (allowed by its hash), forms post back to the site, and the page cannot be framed.
 */
export const HTML_CSP = styleOnlyCsp(STYLE, "self");

const SEVERITIES = ["low", "medium", "high"] as const;

/** "2025-06-10 04:00 UTC": unambiguous, and the same on server and reader. */
function readableTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return "";
  return `${new Date(time).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function time(iso: string): string {
  const text = readableTime(iso);
  return text ? `<time datetime="${escapeHtml(iso)}">${escapeHtml(text)}</time>` : "";
}

/** A link when the URL is safe http(s) (toStoryView already nulls anything else); plain text otherwise. */
function link(url: string | null, text: string): string {
  // rel: the target is third-party; nofollow/ugc because it came from a feed, not from us.
  return url
    ? `<a href="${escapeHtml(url)}" rel="noopener noreferrer nofollow ugc">${escapeHtml(text)}</a>`
    : escapeHtml(text);
}

function renderEvidence(view: StoryView): string {
  if (!view.evidence.length) return "";
  const rows = view.evidence
    .map(
      (e) =>
        `<tr><td>${escapeHtml(e.group)}</td><td><q>${escapeHtml(e.text)}</q></td><td>${escapeHtml(e.field)}</td>` +
        `<td class="num${e.weight < 0 ? " neg" : ""}">${e.weight > 0 ? "+" : ""}${escapeHtml(String(e.weight))}</td></tr>`,
    )
    .join("");
  return (
    `<details><summary>Why it was flagged (${view.evidence.length} matched terms)</summary>` +
    `<table class="why"><thead><tr><th>group</th><th>matched</th><th>in</th><th>points</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></details>`
  );
}

function renderSources(view: StoryView): string {
  if (!view.sources.length) return "";
  const items = view.sources
    .map((s) => {
      const label = s.title ? `${s.name}: ${s.title}` : s.name;
      const when = readableTime(s.publishedAt);
      return `<li>${link(s.url, label)}${when ? ` <small>(${escapeHtml(when)})</small>` : ""}</li>`;
    })
    .join("");
  const heading =
    view.sources.length === 1 ? "Reported by 1 source" : `Reported by ${view.sources.length} sources`;
  return `<details open><summary>${heading}</summary><ul class="sources">${items}</ul></details>`;
}

function renderStory(story: Story, site: RenderContext["site"]): string {
  const view = toStoryView(story);
  const severity = SEVERITIES.includes(view.severity) ? view.severity : "low";
  const meta = [
    `<span class="pill ${severity}">${escapeHtml(severity)}</span>`,
    view.attribution ? `<span class="pill">${escapeHtml(view.attribution)}</span>` : "",
    time(view.publishedAt),
    view.actors.length ? `<span>Actor: ${escapeHtml(view.actors.join(", "))}</span>` : "",
    view.amountText ? `<span>Amount: <strong>${escapeHtml(view.amountText)}</strong></span>` : "",
    recordWords(story.record) ? `<span class="record">${escapeHtml(recordWords(story.record))}</span>` : "",
    `<a href="${escapeHtml(siteUrl(site, `/stories/${encodeURIComponent(view.id)}`))}">timeline</a>`,
  ].filter(Boolean);
  return (
    `<li><article class="story ${severity}" id="story-${escapeHtml(view.id)}">` +
    `<div class="score" title="score out of 100"><b>${escapeHtml(String(view.score))}</b><small>score</small></div>` +
    `<h2>${link(view.url, view.title)}</h2>` +
    `<p class="meta">${meta.join("")}</p>` +
    `<div class="body">${view.summary ? `<p class="summary">${escapeHtml(view.summary)}</p>` : ""}` +
    `${renderSources(view)}${renderEvidence(view)}</div>` +
    "</article></li>"
  );
}

function renderFilters(ctx: RenderContext): string {
  const { query } = ctx;
  const options = ["", ...SEVERITIES]
    .map(
      (s) =>
        `<option value="${s}"${query.severity === s || (!query.severity && !s) ? " selected" : ""}>${s || "any"}</option>`,
    )
    .join("");
  const filtered = query.severity || query.actor || query.minScore !== undefined;
  return (
    `<form class="filters" method="get" action="${escapeHtml(`${ctx.site.baseUrl}/`)}">` +
    `<label>Severity<select name="severity">${options}</select></label>` +
    `<label>Min score<input type="number" name="min_score" min="0" max="100" value="${query.minScore ?? ""}"></label>` +
    `<label>Actor<input type="text" name="actor" maxlength="100" placeholder="e.g. Lazarus Group" value="${escapeHtml(query.actor ?? "")}"></label>` +
    '<button type="submit">Filter</button>' +
    (filtered ? ` <a href="${escapeHtml(`${ctx.site.baseUrl}/`)}">clear filters</a>` : "") +
    "</form>"
  );
}

function renderAbout(ctx: RenderContext): string {
  const feedJson = siteUrl(ctx.site, "/feed.json");
  return (
    `<footer id="${ABOUT_ANCHOR}"><h2>About the feed</h2>` +
    "<p>Stories are flagged by explainable keyword scoring (0&ndash;100): a story needs both a state actor " +
    "and evidence of theft; the table under each story lists every matched term and its points. One story " +
    "gathers every source that reported the same event.</p>" +
    `<p>The <a href="${escapeHtml(feedJson)}">JSON Feed 1.1</a> carries a <code>_heistwatch</code> object per item: ` +
    "<code>score</code>, <code>severity</code> (low, medium, high), <code>actors</code>, <code>amountUsd</code>, " +
    "<code>attribution</code> (suspected, attributed, confirmed), <code>matched</code> (term, group, weight, field, text) " +
    "and <code>sources</code>. Query parameters: <code>limit</code> (1&ndash;100), <code>cursor</code>, " +
    "<code>min_score</code>, <code>actor</code>, <code>severity</code>.</p></footer>"
  );
}

/** The full HTML page for one page of stories. */
export function renderHtml(stories: Story[], ctx: RenderContext): string {
  const { site, query, nextCursor } = ctx;
  const title = escapeHtml(site.title);
  const jsonFeed = escapeHtml(siteUrl(site, "/feed.json", query));
  const rss = escapeHtml(siteUrl(site, "/feed.xml", query));
  const list = stories.length
    ? `<ol class="stories">${stories.map((story) => renderStory(story, site)).join("")}</ol>`
    : '<p class="empty">No flagged stories match yet.</p>';
  const pager = nextCursor
    ? `<nav class="pager"><a href="${escapeHtml(siteUrl(site, "/", query, nextCursor))}" rel="next">Older stories &rarr;</a></nav>`
    : "";
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<meta name="description" content="${escapeHtml(site.description)}">`,
    `<link rel="alternate" type="application/feed+json" title="${title} (JSON Feed)" href="${jsonFeed}">`,
    `<link rel="alternate" type="application/rss+xml" title="${title} (RSS)" href="${rss}">`,
    `<style>${STYLE}</style>`,
    '</head><body><div class="wrap">',
    `<header class="site"><h1>${title}</h1><p>${escapeHtml(site.description)}</p>`,
    `<nav class="feeds"><a href="${jsonFeed}">JSON Feed</a><a href="${rss}">RSS</a>` +
      `<a href="${escapeHtml(`${site.baseUrl}/record`)}">The record</a><a href="#get-alerts">Get alerts</a><a href="#${ABOUT_ANCHOR}">About</a></nav>` +
      (ctx.health ? renderStatusLine(ctx.health, siteUrl(site, "/status.json")) : "") +
      "</header>",
    "<main>",
    renderFilters(ctx),
    list,
    pager,
    renderSignupSection(`${site.baseUrl}/subscriptions`),
    "</main>",
    renderAbout(ctx),
    "</div></body></html>",
    "",
  ].join("\n");
}
