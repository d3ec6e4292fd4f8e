/**
 * Golden email and SMS texts for three stories (single source, corroborated, escalated).
 * A change to the texts shows up as a diff of test/fixtures/golden/messages/; after reading
 * it, regenerate with `UPDATE_GOLDEN=1 npx vitest run test/messages-golden.test.ts`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { alertEmailText, alertSmsText, alertSubject, smsLength } from "../lambdas/core/alerts/messages.ts";
import { GOLDEN_ALERTS } from "./helpers/alert-stories.ts";

const DIR = fileURLToPath(new URL("./fixtures/golden/messages/", import.meta.url));
const OPTIONS = { pageBaseUrl: "https://abc123def4.execute-api.eu-west-1.amazonaws.com", threshold: 50 };
const update = process.env.UPDATE_GOLDEN === "1";

function golden(name: string, actual: string): void {
  const path = `${DIR}${name}`;
  if (update || !existsSync(path)) {
    if (!update) throw new Error(`golden file ${name} is missing; run with UPDATE_GOLDEN=1 to write it`);
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe("golden alert texts", () => {
  for (const [name, alert] of Object.entries(GOLDEN_ALERTS)) {
    it(`${name}: email`, () => {
      golden(`${name}.email.txt`, `Subject: ${alertSubject(alert)}\n\n${alertEmailText(alert, OPTIONS)}\n`);
    });

    it(`${name}: SMS fits one segment with the link to the story page`, () => {
      const sms = alertSmsText(alert, OPTIONS);
      golden(`${name}.sms.txt`, `${sms}\n`);
      const size = smsLength(sms);
      expect(size.encoding).toBe("GSM-7");
      expect(size.length).toBeLessThanOrEqual(160);
      expect(sms.endsWith(` ${OPTIONS.pageBaseUrl}/stories/${alert.story.id}`)).toBe(true);
    });
  }
});
