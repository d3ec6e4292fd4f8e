/**
 * The record page in a real browser (Debian's Chromium via playwright-core): the monthly chart
 * by actor renders from the stored stories under the strict CSP, every bar's drawn height is its
 * amount on the axis, and the table beside it shows the same numbers (read as a person reads
 * them). Screenshot: test-output/browser-chart.png.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { type LaunchedChromium, browserTestsRun, cspViolations, launchChromium } from "./helpers/browser.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../cli/local/http-adapter.ts";
import { createApiGatewayHandler } from "../lambdas/core/api/apigw.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import type { Story } from "../lambdas/core/model/types.ts";
import { extractRecord } from "../lambdas/core/record/extract-record.ts";
import { makeStory, memoryReader, recordingLog } from "./helpers/api-stories.ts";

const runBrowser = browserTestsRun("browser chart test");

const NOW = new Date("2026-11-15T12:00:00Z");
const TITLES = [
  "Crypto exchange hot wallet drained",
  "Cross-chain bridge exploited after private keys leaked",
  "DeFi lending protocol hit by flash loan attack",
  "Bank heist via SWIFT transfers",
  "Crypto payments provider loses funds",
];
const ACTORS = ["Lazarus Group", "APT38", "TraderTraitor", "Kimsuky", "Andariel", "BlueNoroff"];

/** Two years of invented incidents: varied actors, targets and amounts, some months empty. */
function incidents(): Story[] {
  const stories: Story[] = [];
  for (let i = 0; i < 40; i++) {
    const month = (i * 11) % 24;
    const day = 1 + ((i * 5) % 27);
    const publishedAt = new Date(Date.UTC(2024, 11 + month, day, 9)).toISOString();
    const title = `${TITLES[i % TITLES.length]} (${i})`;
    const story = makeStory({
      id: `incident-${i}`,
      title,
      publishedAt,
      actors: [ACTORS[Math.floor(i / 3) % ACTORS.length]!],
      amountUsd: (((i * 37) % 90) + 3) * 1_000_000 * (i % 9 === 0 ? 12 : 1),
    });
    stories.push({ ...story, record: extractRecord({ title }) });
  }
  return stories;
}

describe.skipIf(!runBrowser)("the record chart in Chromium", () => {
  let server: ApiServer;
  let context: BrowserContext;
  let browser: LaunchedChromium | undefined;
  const outDir = join(process.cwd(), "test-output");

  beforeAll(async () => {
    const app = createApi({
      reader: memoryReader(incidents()),
      site: { title: "heistwatch", description: "State-sponsored theft of money, scored and explained." },
      log: recordingLog(),
      clock: () => NOW,
    });
    server = await startApiServer(createApiGatewayHandler(app), { port: 0, host: "127.0.0.1" });
    browser = await launchChromium({ width: 1280, height: 900 });
    context = browser.context;
    mkdirSync(outDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("draws each bar at its amount and the table beside it shows the same numbers", async () => {
    const page = await context.newPage();
    const violations = cspViolations(page);
    const response = await page.goto(`${server.url}/record`);
    expect(response?.status()).toBe(200);

    // Expressions as strings: they run in the page, and this project's TS has no DOM lib.
    const chart = await page.evaluate<{
      max: number;
      plot: number;
      bars: { month: string; actor: string; usd: number; height: number; fill: string }[];
    }>(`(() => {
      const svg = document.querySelector("svg.chart");
      const scale = svg.getBoundingClientRect().height / svg.viewBox.baseVal.height;
      return {
        max: Number(svg.dataset.maxUsd),
        plot: Number(svg.dataset.plotHeight),
        bars: [...svg.querySelectorAll("rect.bar")].map((r) => ({
          month: r.dataset.month,
          actor: r.dataset.actor,
          usd: Number(r.dataset.usd),
          height: r.getBoundingClientRect().height / scale,
          fill: getComputedStyle(r).fill,
        })),
      };
    })()`);
    const table = await page.evaluate<
      { month: string; cells: { actor: string; text: string }[]; total: string }[]
    >(
      `[...document.querySelectorAll("table.chart-table tbody tr[data-month]")].map((tr) => ({
        month: tr.dataset.month,
        cells: [...tr.querySelectorAll("td[data-actor]")].map((td) => ({ actor: td.dataset.actor, text: td.innerText })),
        total: tr.querySelector("td.total").innerText,
      }))`,
    );
    const dollars = (text: string) => (/^\$[\d,]+$/.test(text) ? Number(text.replace(/[$,]/g, "")) : 0);

    expect(chart.bars.length).toBeGreaterThan(20);
    // Every bar is drawn at its share of the axis (within half a pixel) and painted.
    for (const bar of chart.bars) {
      expect(Math.abs(bar.height - (bar.usd / chart.max) * chart.plot)).toBeLessThan(0.5);
      expect(bar.fill).not.toBe("none");
    }
    // The table, as read on the page, holds exactly the bars' numbers, and each total their sum.
    const fromTable = table.flatMap((row) =>
      row.cells.filter((c) => dollars(c.text) > 0).map((c) => `${row.month}|${c.actor}|${dollars(c.text)}`),
    );
    const fromBars = chart.bars.map((b) => `${b.month}|${b.actor}|${Math.round(b.usd)}`);
    expect(fromTable.sort()).toEqual(fromBars.sort());
    for (const row of table) {
      const sum = chart.bars.filter((b) => b.month === row.month).reduce((s, b) => s + b.usd, 0);
      expect(dollars(row.total)).toBe(Math.round(sum));
    }
    // Accessible: the chart is a labelled image and the table has a caption.
    await expect(page.locator("svg.chart").getAttribute("role")).resolves.toBe("img");
    await expect(page.locator("table.chart-table caption").innerText()).resolves.toMatch(
      /per month by actor/,
    );
    // The stylesheet applied under the CSP (the figure got its card background), and nothing ran.
    const background = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('figure')).backgroundColor",
    );
    expect(background).not.toBe("rgba(0, 0, 0, 0)");
    expect(violations).toEqual([]);
    await page.screenshot({ path: join(outDir, "browser-chart.png"), fullPage: true });
    await page.close();
  });
});
