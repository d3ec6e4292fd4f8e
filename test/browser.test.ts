/**
 * A real browser (Debian's Chromium, driven by playwright-core) loads the page served by the
 * local HTTP adapter: the stories render with their scores, the CSP-hashed stylesheet applies,
 * hostile feed text runs nothing, and the page fits a phone. Screenshots go to test-output/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { type LaunchedChromium, browserTestsRun, cspViolations, launchChromium } from "./helpers/browser.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../cli/local/http-adapter.ts";
import { createApiGatewayHandler } from "../lambdas/core/api/apigw.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import { HOSTILE, makeStory, memoryReader, recordingLog } from "./helpers/api-stories.ts";

const runBrowser = browserTestsRun("browser test");

const stories = [
  makeStory({
    id: "bybit",
    title: "FBI confirms North Korea's TraderTraitor behind $1.5 billion Bybit theft",
    summary:
      "The FBI attributed the theft of about 401,000 ETH from the Bybit exchange to North Korea's TraderTraitor, also known as Lazarus Group, and urged exchanges to block laundering addresses.",
    score: 97,
    severity: "high",
    actors: ["TraderTraitor", "Lazarus Group", "DPRK"],
    amountUsd: 1_500_000_000,
    attribution: "confirmed",
    publishedAt: "2025-02-27T09:00:00.000Z",
    sources: [
      {
        articleId: "a1",
        feedId: "the-record",
        name: "The Record",
        url: "https://therecord.example/fbi-bybit",
        title: "FBI says North Korea stole $1.5 billion from Bybit",
        publishedAt: "2025-02-27T09:00:00.000Z",
      },
      {
        articleId: "a2",
        feedId: "coindesk",
        name: "CoinDesk",
        url: "https://coindesk.example/bybit-fbi",
        title: "FBI pins Bybit hack on Lazarus",
        publishedAt: "2025-02-27T10:30:00.000Z",
      },
    ],
  }),
  makeStory({
    id: "bridge",
    title: "Cross-chain bridge drained of $27 million; researchers see Lazarus hallmarks",
    summary: "On-chain investigators say the laundering pattern matches earlier DPRK operations.",
    score: 64,
    severity: "medium",
    actors: ["Lazarus Group"],
    amountUsd: 27_000_000,
    attribution: "suspected",
    publishedAt: "2025-02-20T14:00:00.000Z",
  }),
  makeStory({
    id: "hostile",
    title: HOSTILE.title,
    summary: HOSTILE.summary,
    url: HOSTILE.url,
    score: 42,
    severity: "low",
    attribution: null,
    amountUsd: null,
    publishedAt: "2025-02-10T08:00:00.000Z",
  }),
];

describe.skipIf(!runBrowser)("the HTML page in Chromium", () => {
  let server: ApiServer;
  let context: BrowserContext;
  let browser: LaunchedChromium | undefined;
  const dialogs: string[] = [];
  const outDir = join(process.cwd(), "test-output");

  beforeAll(async () => {
    const app = createApi({
      reader: memoryReader(stories),
      site: { title: "heistwatch", description: "State-sponsored theft of money, scored and explained." },
      log: recordingLog(),
    });
    server = await startApiServer(createApiGatewayHandler(app), { port: 0, host: "127.0.0.1" });
    browser = await launchChromium({ width: 1100, height: 900 });
    context = browser.context;
    context.on("page", (page) => page.on("dialog", (dialog) => dialogs.push(dialog.message())));
    mkdirSync(outDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("renders the stories with their scores, styled under the strict CSP", async () => {
    const page = await context.newPage();
    const violations = cspViolations(page);
    const response = await page.goto(`${server.url}/`);
    expect(response?.status()).toBe(200);
    expect(await page.locator("article.story").count()).toBe(3);
    expect(await page.locator("article.story .score b").allInnerTexts()).toEqual(["97", "64", "42"]);
    // Playwright's innerText is the rendered text a reader sees.
    await expect(page.locator("#story-bybit").innerText()).resolves.toContain("$1.5B");
    // The stylesheet applied: its hash is in the CSP, so the score badge got its background.
    // Expressions as strings: they run in the page, and this project's TS has no DOM lib.
    const badge = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('#story-bybit .score')).backgroundColor",
    );
    expect(badge).not.toBe("rgba(0, 0, 0, 0)");
    expect(violations).toEqual([]);
    await page.screenshot({ path: join(outDir, "browser-desktop.png"), fullPage: true });
    // The evidence table is folded by default; open it (a click, no page script) and check it.
    await page.locator("#story-bybit details summary", { hasText: "Why it was flagged" }).click();
    await expect(page.locator("#story-bybit table.why tbody tr").count()).resolves.toBe(2);
    await page.locator("#story-bybit").screenshot({ path: join(outDir, "browser-story-evidence.png") });
  });

  it("runs nothing from hostile feed text and shows it as text", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    // Playwright's innerText is the rendered text a reader sees.
    const title = await page.locator("#story-hostile h2").innerText();
    expect(title).toContain("<script>alert(1)</script>");
    expect(await page.locator("#story-hostile h2 a").count()).toBe(0);
    expect(await page.evaluate<number>("document.querySelectorAll('script, img, svg').length")).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("fits a phone screen without sideways scrolling", async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/`);
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(outDir, "browser-phone.png"), fullPage: true });
  });
});
