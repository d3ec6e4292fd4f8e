/**
 * Chromium (Debian's, driven by playwright-core) fills in the page's "Get alerts" form and submits
 * it, with no page script, under the page's strict CSP (form-action 'self'): it lands on the
 * "check your inbox" page, the confirmation mail reaches a real SMTP server, and the hidden
 * honeypot stays empty. Screenshots go to test-output/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiServer } from "../cli/local/http-adapter.ts";
import { type LocalStack, openLocalStack } from "../cli/local/runtime.ts";
import { type SmtpInbox, startSmtpInbox } from "./helpers/smtp-inbox.ts";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
const mustRun = Boolean(process.env.CI);
if (!haveChromium && !mustRun) {
  console.warn(
    `browser sign-up test skipped: ${CHROMIUM} is absent (apt-get install chromium); with CI set it fails instead`,
  );
}

describe.skipIf(!haveChromium && !mustRun)("the sign-up form in Chromium", () => {
  let inbox: SmtpInbox;
  let stack: LocalStack;
  let api: ApiServer;
  let context: BrowserContext;
  let profile: string;
  const outDir = join(process.cwd(), "test-output");

  beforeAll(async () => {
    if (!haveChromium)
      throw new Error(`CI is set but ${CHROMIUM} is missing: install Debian's chromium package`);
    inbox = await startSmtpInbox();
    stack = await openLocalStack({
      config: {
        port: 0,
        host: "127.0.0.1",
        dataDir: "(memory)",
        feedsFile: "(test)",
        intervalSeconds: 60,
        allowPrivateAddresses: [],
        concurrency: 1,
        hostGapMs: 0,
        smtpUrl: inbox.url,
        mailFrom: "alerts@heistwatch.test",
      },
      feeds: [],
      dataDir: null,
      output: { out: () => {}, err: () => {} },
    });
    api = await stack.serveApi(0);
    profile = mkdtempSync(join(tmpdir(), "heistwatch-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-sync",
      ],
      viewport: { width: 1100, height: 900 },
    });
    mkdirSync(outDir, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await stack?.close();
    await inbox?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("submits the form and shows the check-your-inbox page; the confirmation mail arrives", async () => {
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(`${api.url}/`);
    const form = page.locator("#get-alerts form.signup");
    expect(await form.isVisible()).toBe(true);
    // The honeypot is out of sight for people.
    expect(await page.locator('input[name="website"]').isVisible()).toBe(false);
    await form.locator('input[name="email"]').fill("browser.reader@example.org");
    await form.locator('select[name="min_severity"]').selectOption("medium");
    await form.locator('input[name="actors"]').fill("Lazarus Group");
    await form.locator('select[name="digest"]').selectOption("daily");
    await page.locator("#get-alerts").screenshot({ path: join(outDir, "browser-signup-form.png") });
    await Promise.all([
      page.waitForURL(`${api.url}/subscriptions`),
      form.locator('button[type="submit"]').click(),
    ]);
    expect(await page.locator("h1").innerText()).toBe("Check your inbox");
    expect(await page.locator("body").innerText()).toContain("we sent a confirmation link");
    expect(cspViolations).toEqual([]);
    await page.screenshot({ path: join(outDir, "browser-signup-check-inbox.png"), fullPage: true });

    const mails = inbox.to("browser.reader@example.org");
    expect(mails).toHaveLength(1);
    expect(mails[0]!.parsed.text).toContain(
      "a daily digest; severity medium and above; actors: Lazarus Group",
    );
  });

  it("shows a refusal naming the field when the address is not one", async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/`);
    const form = page.locator("#get-alerts form.signup");
    // type=email would stop the browser itself; a lookalike address passes its check but not ours.
    await form.locator('input[name="email"]').fill("reader@exаmple.org");
    await Promise.all([
      page.waitForURL(`${api.url}/subscriptions`),
      form.locator('button[type="submit"]').click(),
    ]);
    expect(await page.locator("h1").innerText()).toBe("Not subscribed");
    expect(await page.locator("body").innerText()).toContain("email:");
    expect(inbox.mails).toHaveLength(1);
  });
});
