/**
 * Debian's Chromium through playwright-core, as every browser test launches it: the flags a closed
 * network needs (no background connections), a fresh profile directory removed on close, and one
 * rule for a missing browser: skipped with a line outside CI, a failure in CI.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const MUST_RUN = Boolean(process.env.CI);

/** False when the browser tests are skipped (no Chromium, not CI); says so once, naming `what`. */
export function browserTestsRun(what: string): boolean {
  if (HAVE_CHROMIUM || MUST_RUN) return true;
  console.warn(
    `${what} skipped: ${CHROMIUM} is absent (apt-get install chromium); with CI set it fails instead`,
  );
  return false;
}

export interface LaunchedChromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile. Throws in CI when Chromium is missing. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<LaunchedChromium> {
  if (!HAVE_CHROMIUM)
    throw new Error(`CI is set but ${CHROMIUM} is missing: install Debian's chromium package`);
  const profile = mkdtempSync(join(tmpdir(), "heistwatch-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects the page's Content Security Policy violations as the console reports them. */
export function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}
