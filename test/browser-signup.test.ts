/**
 * Chromium (Debian's, driven by playwright-core) fills in the page's "Get alerts" form and submits
 * it, with no page script, under the page's strict CSP (form-action 'self'): it lands on the
 * "check your inbox" page, the confirmation mail reaches a real SMTP server, and the hidden
 * honeypot stays empty. Screenshots go to test-output/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";
import { type LaunchedChromium, browserTestsRun, cspViolations, launchChromium } from "./helpers/browser.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiServer } from "../cli/local/http-adapter.ts";
import { type LocalStack, openLocalStack } from "../cli/local/runtime.ts";
import { type SmtpInbox, startSmtpInbox } from "./helpers/smtp-inbox.ts";
import { testLocalConfig } from "./helpers/local-config.ts";

const runBrowser = browserTestsRun("browser sign-up test");

describe.skipIf(!runBrowser)("the sign-up form in Chromium", () => {
  let inbox: SmtpInbox;
  let stack: LocalStack;
  let api: ApiServer;
  let context: BrowserContext;
  let browser: LaunchedChromium | undefined;
  const outDir = join(process.cwd(), "test-output");

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    stack = await openLocalStack({
      config: testLocalConfig({
        allowPrivateAddresses: [],
        smtpUrl: inbox.url,
        mailFrom: "alerts@heistwatch.test",
      }),
      feeds: [],
      dataDir: null,
      output: { out: () => {}, err: () => {} },
    });
    api = await stack.serveApi(0);
    browser = await launchChromium({ width: 1100, height: 900 });
    context = browser.context;
    mkdirSync(outDir, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await inbox?.close();
  });

  it("submits the form and shows the check-your-inbox page; the confirmation mail arrives", async () => {
    const page = await context.newPage();
    const violations = cspViolations(page);
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
    expect(violations).toEqual([]);
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
