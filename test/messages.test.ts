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

const PAGE = { pageBaseUrl: "https://site.example" };

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

  it("marks corroborated messages", () => {
    expect(alertSubject(alert({}, "corroborated"))).toBe(
      "[HIGH] Corroborated: Lazarus Group drains $50 million from ExampleSwap",
    );
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
    // Issue 12 rewrote the layout: scales beside severity and score, counted sources, sorted "why".
    expect(text).toContain("Severity: high (on a scale of low, medium, high)");
    expect(text).toContain("Score: 80/100 (how sure the rules are; 50 or more is flagged)");
    expect(text).toContain("Actor: Lazarus Group, APT38");
    expect(text).toContain("Amount: $1.5 billion (largest stated)");
    expect(text).toContain("Attribution: confirmed by an authority");
    expect(text).toContain("Sources, earliest first (2 reports, 2 independent sources):");
    expect(text).toContain(' +30  "Lazarus" (actor, in title)');
    expect(text).toContain(' -10  "missile" (dampener, in summary)');
    expect(text).toContain(
      "Total: 20 raw points from all 2 terms; the score is capped at 100, and 50 or more is flagged.",
    );
    expect(text).toContain("https://one.example/a");
    expect(text).not.toContain("javascript:");
    expect(text).toContain("First report: https://news.example/a1");
    expect(text).not.toContain("Story page");
    expect(text).toContain(
      "kind=new, severity=high, score=80, amount_usd=1000000000, actor=Lazarus Group | APT38",
    );
  });

  it("shows at most eight terms, sorted by points, and links the story page when the site is known", () => {
    const matched = Array.from({ length: 12 }, (_, i) => ({
      term: `t${i}`,
      group: "theft",
      weight: i === 3 ? 0 : i + 1,
      field: "summary" as const,
      start: 0,
      end: 2,
      text: `t${i}`,
    }));
    const text = alertEmailText(alert({ matched }), { pageBaseUrl: "https://site.example/", threshold: 40 });
    const why = text.split("\n").filter((line) => /^ +[+-]\d+ {2}"/.test(line));
    expect(why).toHaveLength(8);
    const points = why.map((line) => Number(line.trim().split(" ")[0]));
    expect(points).toEqual([...points].sort((a, b) => b - a));
    expect(points[0]).toBe(12);
    expect(text).toContain("Why it was flagged (top 8 of 11, by points):");
    expect(text).toContain("40 or more is flagged");
    expect(text).toContain("Story page (evidence and timeline): https://site.example/stories/s1");
  });

  it("puts the escalation reasons first in an update", () => {
    const text = alertEmailText(alert({}, "update", ["attribution upgraded to confirmed"]));
    expect(text.split("\n")[0]).toBe(
      "UPDATE to a story you were alerted about: attribution upgraded to confirmed",
    );
  });
});

describe("alertSmsText", () => {
  it("fits one GSM-7 segment for a long plain title, link included", () => {
    const sms = alertSmsText(alert({ title: "North Korean hackers ".repeat(20) }), PAGE);
    expect(isGsm7(sms)).toBe(true);
    expect(smsLength(sms).length).toBeLessThanOrEqual(SMS_GSM7_MAX);
    expect(sms.startsWith("HIGH $50M Lazarus Group: North Korean hackers")).toBe(true);
    expect(sms.endsWith("... https://site.example/stories/s1")).toBe(true);
  });

  it("counts GSM-7 extension characters twice", () => {
    const sms = alertSmsText(alert({ title: "€[]{}".repeat(60), actors: [], amountUsd: null }), PAGE);
    expect(isGsm7(sms)).toBe(true);
    const septets = Array.from(sms).reduce((n, c) => n + ("€[]{}".includes(c) ? 2 : 1), 0);
    expect(septets).toBeLessThanOrEqual(SMS_GSM7_MAX);
    expect(septets).toBeGreaterThan(150);
    expect(sms.endsWith(" https://site.example/stories/s1")).toBe(true);
  });

  it("stays GSM-7 with its link for emoji, CJK and RTL titles (UCS-2's 70 would not hold the link)", () => {
    // Issue 12: every SMS carries the story page link, so a headline in another script is named, not sent.
    for (const title of [
      "🚨 Exchange drained ".repeat(10),
      "라자루스 업비트 해킹 ".repeat(10),
      "سرقة العملات المشفرة ".repeat(10),
      "Ataque de hackers norcoreanos: robo de 30 millones en criptomonedas según la policía",
    ]) {
      const sms = alertSmsText(alert({ title }), PAGE);
      expect(smsLength(sms).encoding).toBe("GSM-7");
      expect(smsLength(sms).length).toBeLessThanOrEqual(SMS_GSM7_MAX);
      expect(sms.endsWith(" https://site.example/stories/s1")).toBe(true);
    }
    expect(alertSmsText(alert({ title: "라자루스 업비트 해킹 ".repeat(10) }), PAGE)).toBe(
      "HIGH $50M Lazarus Group: headline in another script, see link https://site.example/stories/s1",
    );
    expect(alertSmsText(alert({ title: "🚨 Exchange drained" }), PAGE)).toContain(
      ": Exchange drained https://",
    );
    expect(alertSmsText(alert({ title: "Robo de criptomonedas según la policía" }), PAGE)).toContain(
      "Robo de criptomonedas segun la policia",
    );
    expect(SMS_UCS2_MAX).toBe(70);
  });

  it("stays one GSM-7 segment with its link when the link keeps a character GSM-7 lacks", () => {
    // Found by `npm run fuzz` (seed 1030672790, case 31,365): a normalised URL's query keeps "`",
    // the SMS went UCS-2 (70 characters) and came out 99 long. The link is percent-encoded instead.
    const url = "https://example.com/a?b=1&c=%3Cd%3E%EF%BB%BF%F0%B7%BF%87%F0%93%9A%80@`u";
    const sms = alertSmsText(alert({ title: "\uFFFE🕑 drained 💰", url }));
    expect(smsLength(sms).encoding).toBe("GSM-7");
    expect(smsLength(sms).length).toBeLessThanOrEqual(SMS_GSM7_MAX);
    expect(sms.endsWith(" https://example.com/a?b=1&c=%3Cd%3E%EF%BB%BF%F0%B7%BF%87%F0%93%9A%80@%60u")).toBe(
      true,
    );
  });

  it("keeps short texts whole and says when sources corroborate", () => {
    const story = storyRecord().story;
    const sms = alertSmsText({
      kind: "update",
      reasons: [],
      story: {
        ...story,
        sources: [
          ...story.sources,
          {
            ...story.sources[0]!,
            feedId: "feed-b",
            name: "Feed B",
            url: "https://b.example/x",
            title: "Other words",
          },
        ],
      },
    });
    // The headline names the actor, so the head does not repeat it (issue 12: room for the link).
    expect(sms).toBe(
      "UPDATE HIGH $50M: Lazarus Group drains $50 million from ExampleSwap (2 sources) https://news.example/a1",
    );
    expect(alertSmsText({ kind: "corroborated", reasons: [], story }, PAGE)).toBe(
      "CORROBORATED HIGH $50M: Lazarus Group drains $50 million from ExampleSwap https://site.example/stories/s1",
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
