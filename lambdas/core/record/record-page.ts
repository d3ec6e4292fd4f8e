/**
 * GET /record: the record of heists at a glance. The monthly chart by actor (inline SVG) with
 * its table beside it, and links to the record as data. No JavaScript; one inline stylesheet
 * allowed by its hash, like the main page.
 */
import { escapeHtml } from "../publish/escape.ts";
import type { SiteConfig } from "../publish/view.ts";
import { type MonthlySeries, renderChartSvg, renderChartTable, renderLegend } from "./monthly-chart.ts";
import { styleOnlyCsp } from "../publish/csp.ts";

const STYLE = `
:root{--bg:#f6f7f9;--card:#fff;--ink:#1b1f24;--muted:#5b6470;--line:#dde1e6;--link:#0b57d0}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--card:#181c22;--ink:#e7eaee;--muted:#9aa4b1;--line:#2a3038;--link:#8ab4f8}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
.wrap{max-width:1200px;margin:0 auto;padding:16px}
h1{margin:8px 0 4px;font-size:1.6rem}
p.lead{margin:0 0 12px;color:var(--muted)}
.record{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figure{margin:0;padding:12px;background:var(--card);border:1px solid var(--line);border-radius:10px;flex:3 1 520px;min-width:0}
figure svg.chart{width:100%;height:auto;color:var(--ink)}
figcaption{font-weight:600;margin-bottom:6px}
ul.legend{list-style:none;margin:6px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.88rem}
.tablebox{flex:2 1 460px;overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px}
table.chart-table{border-collapse:collapse;width:100%;font-size:.85rem}
table.chart-table caption{text-align:left;font-weight:600;margin-bottom:6px}
table.chart-table th,table.chart-table td{padding:3px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
table.chart-table td.num{text-align:right;font-variant-numeric:tabular-nums}
footer{margin-top:24px;color:var(--muted);font-size:.88rem;border-top:1px solid var(--line)}
`
  .trim()
  .replace(/\n/g, "");

/** CSP of the record page: this stylesheet by hash, nothing else loads or runs. */
export const RECORD_PAGE_CSP = styleOnlyCsp(STYLE, "none");

export function renderRecordPage(series: MonthlySeries, site: SiteConfig): string {
  const title = escapeHtml(`${site.title}: the record of heists`);
  const base = escapeHtml(site.baseUrl);
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<link rel="alternate" type="application/json" title="Incidents (JSON)" href="${base}/incidents.json">`,
    `<link rel="alternate" type="text/csv" title="Incidents (CSV)" href="${base}/incidents.csv">`,
    `<style>${STYLE}</style>`,
    '</head><body><div class="wrap">',
    `<header><h1>${title}</h1><p class="lead">US dollars stolen per month over the last two years, by the actor ` +
      "each incident is pinned on. An incident counts when a story states an amount and names what kind of target " +
      `was robbed. <a href="${base}/">Latest stories</a> · <a href="${base}/incidents.json">incidents.json</a> · ` +
      `<a href="${base}/incidents.csv">incidents.csv</a></p></header>`,
    '<main class="record">',
    `<figure><figcaption>Stolen per month by actor</figcaption>${renderChartSvg(series)}${renderLegend(series)}</figure>`,
    `<div class="tablebox">${renderChartTable(series)}</div>`,
    "</main>",
    "<footer><p>Amounts are the largest stated in the reports of each story, in US dollars at the time of reporting; " +
      "a story is dated by its first report. The bars and the table are the same numbers.</p></footer>",
    "</div></body></html>",
    "",
  ].join("\n");
}
