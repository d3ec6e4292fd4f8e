/**
 * A real browser (Debian's Chromium, driven by playwright-core) on GET /stories/{id}: the
 * timeline and evidence render under the strict CSP with no script, the page fits a phone, a
 * browser gets an HTML 400 page, and every text in dark mode (front page, its Filter button,
 * story page) passes WCAG AA contrast (4.5:1). Screenshots go to test-output/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, type Page } from "playwright-core";
import { type LaunchedChromium, browserTestsRun, cspViolations, launchChromium } from "./helpers/browser.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../cli/local/http-adapter.ts";
import { createApiGatewayHandler } from "../lambdas/core/api/apigw.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import type { FeedState } from "../lambdas/core/model/types.ts";
import { ESCALATED_WITH_TIMELINE as story } from "./helpers/alert-stories.ts";
import { makeStory, memoryReader, recordingLog } from "./helpers/api-stories.ts";

const runBrowser = browserTestsRun("story page browser test");

const stories = [
  story,
  makeStory({ id: "medium", severity: "medium", score: 64 }),
  makeStory({ id: "low", severity: "low", score: 41, attribution: null }),
];
const states: FeedState[] = [
  {
    feedId: "a",
    url: "https://a.example/feed",
    lastStatus: "ok",
    lastPolledAt: "2026-03-11T15:58:00.000Z",
    consecutiveFailures: 0,
  },
  {
    feedId: "b",
    url: "https://b.example/feed",
    lastStatus: "timeout",
    lastPolledAt: "2026-03-11T15:59:00.000Z",
    consecutiveFailures: 3,
    failingSince: "2026-03-11T10:00:00.000Z",
  },
];

/**
 * In the page: WCAG contrast of each matched element's text colour against the first opaque
 * background behind it. A string, because it runs in the browser and this project's TS has no DOM lib.
 */
const CONTRAST = (selectors: string[]) => `(() => {
  const rgb = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || c[3] > 0) return c; } return [255, 255, 255]; };
  return ${JSON.stringify(selectors)}.flatMap((selector) => [...document.querySelectorAll(selector)].slice(0, 3).map((el) => {
    const a = lum(rgb(getComputedStyle(el).color)); const b = lum(background(el));
    return { selector, ratio: Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100 };
  }));
})()`;

async function contrasts(page: Page, selectors: string[]): Promise<{ selector: string; ratio: number }[]> {
  return page.evaluate<{ selector: string; ratio: number }[]>(CONTRAST(selectors));
}

describe.skipIf(!runBrowser)("the story page in Chromium", () => {
  let server: ApiServer;
  let context: BrowserContext;
  let browser: LaunchedChromium | undefined;
  const outDir = join(process.cwd(), "test-output");

  beforeAll(async () => {
    const app = createApi({
      reader: memoryReader(stories),
      feedStates: { listFeedStates: async () => states },
      clock: () => new Date("2026-03-11T16:02:00.000Z"),
      site: { title: "heistwatch", description: "State-sponsored theft of money, scored and explained." },
      log: recordingLog(),
      threshold: 50,
    });
    server = await startApiServer(createApiGatewayHandler(app), { port: 0, host: "127.0.0.1" });
    browser = await launchChromium({ width: 1000, height: 900 });
    context = browser.context;
    mkdirSync(outDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("renders the verdict, the timeline and the evidence, styled under the strict CSP", async () => {
    const page = await context.newPage();
    const violations = cspViolations(page);
    const response = await page.goto(`${server.url}/stories/${story.id}`);
    expect(response?.status()).toBe(200);
    expect(await page.locator("ol.timeline li").count()).toBe(6);
    await expect(page.locator("ol.timeline li").nth(4).innerText()).resolves.toContain(
      "Attribution attributed by researchers → confirmed by an authority, from FBI national press releases",
    );
    await expect(page.locator("ol.timeline li").nth(5).innerText()).resolves.toContain("Amount $41M → $95M");
    expect(await page.locator("table.why tbody tr").count()).toBe(story.matched.length);
    expect(await page.evaluate<number>("document.querySelectorAll('script').length")).toBe(0);
    const border = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('section')).borderTopStyle",
    );
    expect(border).toBe("solid");
    expect(violations).toEqual([]);
    await page.screenshot({ path: join(outDir, "browser-story-page.png"), fullPage: true });
  });

  it("is reached from the front page's timeline link", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.locator(`#story-${story.id} a`, { hasText: "timeline" }).click();
    expect(new URL(page.url()).pathname).toBe(`/stories/${story.id}`);
    await expect(page.locator("h1").innerText()).resolves.toBe(story.title);
  });

  it("fits a phone screen without sideways scrolling", async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/stories/${story.id}`);
    expect(
      await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth"),
    ).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(outDir, "browser-story-page-phone.png"), fullPage: true });
  });

  it("shows a browser an HTML page for a 400", async () => {
    const page = await context.newPage();
    const response = await page.goto(`${server.url}/?severity=extreme`);
    expect(response?.status()).toBe(400);
    await expect(page.locator("h1").innerText()).resolves.toBe("That request has a value we cannot use");
    await expect(page.locator("code").innerText()).resolves.toBe("severity");
  });

  it("passes WCAG AA contrast in dark mode on the front page (Filter button included) and the story page", async () => {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto(`${server.url}/`);
    await expect(page.locator(".health").innerText()).resolves.toContain("1 of 2 failing");
    const front = await contrasts(page, [
      "body",
      ".story h2 a",
      ".meta",
      ".pill.high",
      ".pill.medium",
      ".pill.low",
      ".score",
      "form.filters label",
      "form.filters button",
      ".feeds a",
      "details summary",
      ".sources li",
      ".health",
      "footer",
    ]);
    await page.screenshot({ path: join(outDir, "browser-front-dark.png"), fullPage: true });
    await page.goto(`${server.url}/stories/${story.id}`);
    const storyPage = await contrasts(page, [
      "h1 a",
      "dl.verdict dt",
      "dl.verdict dd",
      ".pill",
      "ol.timeline time",
      ".muted",
      "table.why td",
      ".neg",
      "nav.crumbs a",
      "footer",
    ]);
    await page.screenshot({ path: join(outDir, "browser-story-page-dark.png"), fullPage: true });
    const all = [...front, ...storyPage];
    expect(all.map((c) => c.selector)).toEqual(
      expect.arrayContaining(["form.filters button", ".pill.high", "ol.timeline time"]),
    );
    expect(all.filter((c) => c.ratio < 4.5)).toEqual([]);
  });
});
