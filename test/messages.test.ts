import { describe, expect, it } from "vitest";
import {
  alertEmailText,
  alertSmsText,
  alertSubject,
  formatUsd,
  isGsm7,
  SMS_GSM7_MAX,
  SMS_UCS2_MAX,
  smsLength,
} from "../lambdas/core/alerts/messages.ts";
import type { Alert, Story } from "../lambdas/core/model/types.ts";
import { storyRecord } from "./helpers/store-fixtures.ts";

function alert(overrides: Partial<Story> = {}, kind: Alert["kind"] = "new", reasons: string[] = []): Alert {
  return { kind, reasons, story: storyRecord(overrides).story };
}

describe("alertSubject", () => {
  it("is one line without control characters, under 100 characters", () => {
    const subject = alertSubject(alert({ title: `Line one\nline two\r\t\u0007 ${"long ".repeat(40)}` }));
    expect(subject).not.toMatch(/[\u0000-\u001F\u007F]/);
    expect(Array.from(subject).length).toBeLessThan(100);
    expect(subject.startsWith("[HIGH] Line one line two")).toBe(true);
    expect(subject.endsWith("…")).toBe(true);
  });

  it("never splits an emoji and marks updates", () => {
    const subject = alertSubject(alert({ title: "💰".repeat(150) }, "update", ["severity raised to high"]));
    expect(subject.startsWith("[HIGH] Update: 💰")).toBe(true);
    expect(subject).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(Array.from(subject).length).toBeLessThan(100);
  });
});

describe("alertEmailText", () => {
  it("says what, how sure, who reported it, why, and links only http(s)", () => {
    const text = alertEmailText(
      alert({
        actors: ["Lazarus Group", "APT38"],
        amountUsd: 1_500_000_000,
        attribution: "confirmed",
        matched: [
          { term: "lazarus", group: "actor", weight: 30, field: "title", start: 0, end: 7, text: "Lazarus" },
          {
            term: "missile",
            group: "dampener",
            weight: -10,
            field: "summary",
            start: 0,
            end: 7,
            text: "missile",
          },
        ],
        sources: [
          {
            articleId: "a",
            feedId: "f1",
            name: "Feed One",
            url: "https://one.example/a",
            title: "T1",
            publishedAt: "x",
          },
          {
            articleId: "b",
            feedId: "f2",
            name: "Feed Two",
            url: "javascript:alert(1)",
            title: "T2",
            publishedAt: "x",
          },
        ],
      }),
    );
    expect(text).toContain("Severity: high    Score: 80/100");
    expect(text).toContain("Actor: Lazarus Group, APT38");
    expect(text).toContain("Amount: $1.5 billion (largest stated)");
    expect(text).toContain("Attribution: confirmed by an authority");
    expect(text).toContain("Reported by 2 source(s):");
    expect(text).toContain('- "Lazarus" (actor, +30, in title)');
    expect(text).toContain('- "missile" (dampener, -10, in summary)');
    expect(text).toContain("https://one.example/a");
    expect(text).not.toContain("javascript:");
    expect(text).toContain("Read: https://news.example/a1");
  });

  it("puts the escalation reasons first in an update", () => {
    const text = alertEmailText(alert({}, "update", ["attribution upgraded to confirmed"]));
    expect(text.split("\n")[0]).toBe(
      "UPDATE to a story you were alerted about: attribution upgraded to confirmed",
    );
  });
});

describe("alertSmsText", () => {
  it("fits one GSM-7 segment for a long plain title", () => {
    const sms = alertSmsText(alert({ title: "North Korean hackers ".repeat(20) }));
    expect(isGsm7(sms)).toBe(true);
    expect(smsLength(sms).length).toBeLessThanOrEqual(SMS_GSM7_MAX);
    expect(sms.startsWith("HIGH $50M Lazarus Group: North Korean hackers")).toBe(true);
    expect(sms.endsWith("...")).toBe(true);
  });

  it("counts GSM-7 extension characters twice", () => {
    const sms = alertSmsText(alert({ title: "€[]{}".repeat(60), actors: [], amountUsd: null }));
    expect(isGsm7(sms)).toBe(true);
    const septets = Array.from(sms).reduce((n, c) => n + ("€[]{}".includes(c) ? 2 : 1), 0);
    expect(septets).toBeLessThanOrEqual(SMS_GSM7_MAX);
    expect(septets).toBeGreaterThan(150);
  });

  it("drops to the 70-unit UCS-2 budget for emoji, CJK and RTL titles", () => {
    for (const title of [
      "🚨 Exchange drained ".repeat(10),
      "라자루스 업비트 해킹 ".repeat(10),
      "سرقة العملات المشفرة ".repeat(10),
    ]) {
      const sms = alertSmsText(alert({ title }));
      expect(smsLength(sms).encoding).toBe("UCS-2");
      expect(sms.length).toBeLessThanOrEqual(SMS_UCS2_MAX);
      expect(sms).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });

  it("keeps short texts whole and says when sources corroborate", () => {
    const story = storyRecord().story;
    const sms = alertSmsText({
      kind: "update",
      reasons: [],
      story: { ...story, sources: [...story.sources, { ...story.sources[0]!, feedId: "feed-b" }] },
    });
    expect(sms).toBe(
      "UPDATE HIGH $50M Lazarus Group: Lazarus Group drains $50 million from ExampleSwap (2 sources)",
    );
  });
});

describe("formatUsd", () => {
  it("formats amounts for people", () => {
    expect(formatUsd(1_460_000_000)).toBe("$1.5 billion");
    expect(formatUsd(275_000_000, true)).toBe("$275M");
    expect(formatUsd(37_300_000)).toBe("$37.3 million");
    expect(formatUsd(900_000)).toBe("$900,000");
  });
});
