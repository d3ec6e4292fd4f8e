/**
 * Stolen amount per month by actor over the last two years, from the stored stories: the
 * numbers (monthlyByActor), an inline SVG of stacked bars rendered on the server (no script, no
 * inline styles or event handlers, so the page's strict CSP holds), and the same numbers as a
 * table beside it for screen readers and for anyone who would rather read than look.
 */
import type { Story } from "../model/types.ts";
import { escapeHtml } from "../publish/escape.ts";

export interface MonthlySeries {
  /** "YYYY-MM", oldest first. */
  months: string[];
  /** Actors with their own series, largest total first; the last may be OTHER_ACTORS. */
  actors: string[];
  /** cells[month][actor]: US dollars. */
  cells: number[][];
  /** Per month, all actors. */
  totals: number[];
  /** Stories counted. */
  counted: number;
}

export const OTHER_ACTORS = "Other actors";
export const UNATTRIBUTED = "Unattributed";

/** Palette for the series (readable on light and dark backgrounds; the table carries the numbers). */
const PALETTE = ["#c0392b", "#2471a3", "#d68910", "#229954", "#7d3c98", "#7f8c8d"];

function monthKey(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** The `count` months ending with the month of `now`, oldest first. */
export function lastMonths(now: Date, count: number): string[] {
  const months: string[] = [];
  for (let back = count - 1; back >= 0; back--) {
    months.push(monthKey(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1))));
  }
  return months;
}

/**
 * Which stories count as thefts for the chart: a stated amount and a named target type (an
 * annual report's "$2 billion stolen this year" names no target and would count every heist twice).
 */
export function countsAsTheft(story: Story): boolean {
  return (
    story.amountUsd !== null &&
    Number.isFinite(story.amountUsd) &&
    story.amountUsd > 0 &&
    Boolean(story.record?.target)
  );
}

/** Sums the stolen amounts per month (of first report) and actor (the most specific one named). */
export function monthlyByActor(stories: Story[], now: Date, monthCount = 24, maxActors = 5): MonthlySeries {
  const months = lastMonths(now, monthCount);
  const index = new Map(months.map((month, i) => [month, i]));
  const byActor = new Map<string, number[]>();
  let counted = 0;
  for (const story of stories) {
    if (!countsAsTheft(story)) continue;
    const time = Date.parse(story.publishedAt);
    if (Number.isNaN(time)) continue;
    const i = index.get(monthKey(new Date(time)));
    if (i === undefined) continue;
    const actor = story.actors[0] ?? UNATTRIBUTED;
    const series = byActor.get(actor) ?? new Array<number>(months.length).fill(0);
    series[i]! += story.amountUsd!;
    byActor.set(actor, series);
    counted++;
  }
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const ranked = [...byActor.entries()].sort((a, b) => sum(b[1]) - sum(a[1]) || a[0].localeCompare(b[0]));
  const kept = ranked.length > maxActors ? ranked.slice(0, maxActors - 1) : ranked;
  const series = kept.map(([actor, values]) => ({ actor, values }));
  if (ranked.length > maxActors) {
    const rest = new Array<number>(months.length).fill(0);
    for (const [, values] of ranked.slice(maxActors - 1)) values.forEach((v, i) => (rest[i]! += v));
    series.push({ actor: OTHER_ACTORS, values: rest });
  }
  const cells = months.map((_, m) => series.map((s) => s.values[m]!));
  return {
    months,
    actors: series.map((s) => s.actor),
    cells,
    totals: cells.map(sum),
    counted,
  };
}

/** A round axis maximum at or above `value` (1, 2 or 5 times a power of ten). */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** "$1.5B", "$620M", "$40K". */
export function shortUsd(amount: number): string {
  const units: [number, string][] = [
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "K"],
  ];
  for (const [size, suffix] of units) {
    if (amount >= size) return `$${Number((amount / size).toFixed(1))}${suffix}`;
  }
  return `$${Math.round(amount)}`;
}

const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function monthLabel(month: string): string {
  const [year, m] = month.split("-");
  return `${MONTH_NAMES[Number(m) - 1]} ${year}`;
}

export interface ChartGeometry {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const CHART: ChartGeometry = { width: 760, height: 320, left: 64, right: 12, top: 16, bottom: 44 };

/** The stacked-bar chart as inline SVG. Every bar segment carries its month, actor and dollars. */
export function renderChartSvg(series: MonthlySeries, geometry: ChartGeometry = CHART): string {
  const { width, height, left, right, top, bottom } = geometry;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const max = niceMax(Math.max(0, ...series.totals));
  const slot = plotWidth / Math.max(1, series.months.length);
  const barWidth = Math.max(2, slot * 0.7);
  const y = (usd: number) => (usd / max) * plotHeight;
  const parts: string[] = [];
  // Grid and y-axis labels.
  for (let tick = 0; tick <= 4; tick++) {
    const value = (max * tick) / 4;
    const ty = top + plotHeight - y(value);
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${ty.toFixed(2)}" y2="${ty.toFixed(2)}" stroke="#8a94a0" stroke-opacity="0.35" stroke-width="1"/>`,
      `<text x="${left - 6}" y="${(ty + 4).toFixed(2)}" text-anchor="end" font-size="11" fill="currentColor">${escapeHtml(shortUsd(value))}</text>`,
    );
  }
  series.months.forEach((month, m) => {
    const x = left + m * slot + (slot - barWidth) / 2;
    let stacked = 0;
    series.actors.forEach((actor, a) => {
      const usd = series.cells[m]![a]!;
      if (usd <= 0) return;
      const h = y(usd);
      const by = top + plotHeight - y(stacked) - h;
      stacked += usd;
      parts.push(
        `<rect class="bar" x="${x.toFixed(2)}" y="${by.toFixed(2)}" width="${barWidth.toFixed(2)}" height="${h.toFixed(3)}" ` +
          `fill="${PALETTE[a % PALETTE.length]}" data-month="${month}" data-actor="${escapeHtml(actor)}" data-usd="${usd}">` +
          `<title>${escapeHtml(`${actor}, ${monthLabel(month)}: ${shortUsd(usd)}`)}</title></rect>`,
      );
    });
    if (m % 3 === 0 || m === series.months.length - 1) {
      parts.push(
        `<text x="${(left + m * slot + slot / 2).toFixed(2)}" y="${height - bottom + 16}" text-anchor="middle" font-size="11" fill="currentColor">${escapeHtml(monthLabel(month))}</text>`,
      );
    }
  });
  parts.push(
    `<line x1="${left}" x2="${width - right}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="currentColor" stroke-width="1"/>`,
  );
  const first = series.months[0] ?? "";
  const last = series.months[series.months.length - 1] ?? "";
  const description = `Stacked bars: US dollars stolen per month from ${monthLabel(first)} to ${monthLabel(last)}, by actor (${series.actors.join(", ") || "none"}). The same numbers are in the table.`;
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
    `aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg" data-max-usd="${max}" ` +
    `data-plot-height="${plotHeight}">` +
    `<title id="chart-title">Stolen per month by actor</title><desc id="chart-desc">${escapeHtml(description)}</desc>` +
    parts.join("") +
    "</svg>"
  );
}

/** The legend: one colour swatch per actor (small SVGs, so no inline style is needed). */
export function renderLegend(series: MonthlySeries): string {
  const items = series.actors
    .map(
      (actor, a) =>
        `<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${PALETTE[a % PALETTE.length]}"/></svg> ${escapeHtml(actor)}</li>`,
    )
    .join("");
  return `<ul class="legend">${items}</ul>`;
}

function dollars(usd: number): string {
  return `$${Math.round(usd).toLocaleString("en-US")}`;
}

/** The same numbers as a table: one row per month with any theft, one column per actor, and the total. */
export function renderChartTable(series: MonthlySeries): string {
  const head = series.actors.map((actor) => `<th scope="col">${escapeHtml(actor)}</th>`).join("");
  const rows = series.months
    .map((month, m) => {
      if (series.totals[m]! <= 0) return "";
      const cells = series.actors
        .map((actor, a) => {
          const usd = series.cells[m]![a]!;
          return `<td class="num" data-actor="${escapeHtml(actor)}" data-usd="${usd}">${usd > 0 ? dollars(usd) : "&ndash;"}</td>`;
        })
        .join("");
      return (
        `<tr data-month="${month}"><th scope="row">${escapeHtml(monthLabel(month))}</th>${cells}` +
        `<td class="num total" data-usd="${series.totals[m]}">${dollars(series.totals[m]!)}</td></tr>`
      );
    })
    .join("");
  const body =
    rows || `<tr><td colspan="${series.actors.length + 2}">No stated thefts in these months.</td></tr>`;
  return (
    `<table class="chart-table"><caption>US dollars stolen per month by actor (${series.counted} incidents)</caption>` +
    `<thead><tr><th scope="col">Month</th>${head}<th scope="col">Total</th></tr></thead><tbody>${body}</tbody></table>`
  );
}
