import { describe, expect, it } from "vitest";
import { formatAlertCard } from "../cli/local/alert-card.ts";
import {
  createConsoleNotifier,
  createFanoutNotifier,
  createWebhookNotifier,
  webhookPayload,
} from "../cli/local/notifiers.ts";
import { formatCycleSummary, formatFeedLine, offlineHint } from "../cli/local/progress.ts";
import type { Notifier } from "../lambdas/core/model/ports.ts";
import type { Alert, Story } from "../lambdas/core/model/types.ts";
import { startServer } from "./helpers/http-server.ts";

function story(overrides: Partial<Story> = {}): Story {
  return {
    id: "s1",
    title: "Lazarus Group drains $41M from CoinVault hot wallet",
    summary: "Investigators attribute the theft to North Korea.",
    url: "https://news.example/coinvault",
    publishedAt: "2026-03-01T10:00:00.000Z",
    updatedAt: "2026-03-01T10:00:00.000Z",
    score: 88,
    severity: "high",
    actors: ["Lazarus Group", "DPRK"],
    amountUsd: 41_000_000,
    attribution: "attributed",
    matched: [
      { term: "lazarus", group: "actor", weight: 30, field: "title", start: 0, end: 8, text: "Lazarus" },
      { term: "drained", group: "theft", weight: 15, field: "title", start: 15, end: 21, text: "drains" },
    ],
    categories: [],
    authors: [],
    sources: [
      {
        articleId: "a1",
        feedId: "f1",
        name: "Chain Ledger",
        url: null,
        title: "t",
        publishedAt: "2026-03-01T10:00:00Z",
      },
      {
        articleId: "a2",
        feedId: "f2",
        name: "Threat Desk",
        url: null,
        title: "t",
        publishedAt: "2026-03-01T11:00:00Z",
      },
    ],
    ...overrides,
  };
}

const alert = (s = story()): Alert => ({ kind: "new", story: s, reasons: [] });

describe("alert card", () => {
  it("shows the title, severity, score, actors, amount, sources, evidence and link", () => {
    const card = formatAlertCard(alert());
    expect(card).toContain("HEIST ALERT · HIGH · score 88");
    expect(card).toContain("Lazarus Group drains $41M from CoinVault hot wallet");
    expect(card).toContain("Actors: Lazarus Group, DPRK");
    expect(card).toContain("Amount: $41 million");
    expect(card).toContain("Attribution: attributed");
    expect(card).toContain("Sources (2): Chain Ledger, Threat Desk");
    expect(card).toContain('"Lazarus" actor +30');
    expect(card).toContain("https://news.example/coinvault");
  });

  it("drops links that are not http(s)", () => {
    const card = formatAlertCard(alert(story({ url: "javascript:alert(1)" })));
    expect(card).not.toContain("javascript:");
  });

  it("strips terminal escape sequences that came from a feed", () => {
    const card = formatAlertCard(alert(story({ title: "Evil\u001b[2J\u001b]0;pwned\u0007 title" })));
    expect(card).not.toContain("\u001b");
    expect(card).not.toContain("\u0007");
    expect(card).toContain("Evil [2J ]0;pwned title");
  });

  it("says what escalated on an update", () => {
    const card = formatAlertCard({
      kind: "update",
      story: story(),
      reasons: ["attribution upgraded to confirmed"],
    });
    expect(card).toContain("ALERT UPDATE");
    expect(card).toContain("Update: attribution upgraded to confirmed");
  });
});

describe("console notifier", () => {
  it("writes one card per alert", async () => {
    const out: string[] = [];
    await createConsoleNotifier((t) => out.push(t)).send(alert());
    expect(out.join("")).toContain("HEIST ALERT");
  });
});

describe("webhook notifier", () => {
  it("POSTs Slack- and Discord-compatible JSON with markup escaped and mentions disabled", async () => {
    const bodies: unknown[] = [];
    const hook = await startServer({
      "/hook": async (req, res) => {
        let data = "";
        for await (const chunk of req) data += chunk;
        bodies.push({ method: req.method, type: req.headers["content-type"], body: JSON.parse(data) });
        res.end("ok");
      },
    });
    try {
      const s = story({ title: "<!channel> @everyone *bold* & co" });
      await createWebhookNotifier({ url: hook.url("/hook") }).send(alert(s));
      expect(bodies).toHaveLength(1);
      const { method, type, body } = bodies[0] as {
        method: string;
        type: string;
        body: Record<string, unknown>;
      };
      expect(method).toBe("POST");
      expect(type).toBe("application/json");
      expect(body.text).toContain("&lt;!channel&gt; @everyone *bold* &amp; co");
      expect(body.content).toContain("<!channel\\> @\u200beveryone \\*bold\\* & co");
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(body.content).toContain("https://news.example/coinvault");
    } finally {
      await hook.close();
    }
  });

  it("throws naming the host (not the secret path) on a non-2xx answer and when unreachable", async () => {
    const hook = await startServer({
      "/secret-token": (_req, res) => {
        res.statusCode = 500;
        res.end();
      },
    });
    const notifier = createWebhookNotifier({ url: hook.url("/secret-token") });
    await expect(notifier.send(alert())).rejects.toThrow(`webhook 127.0.0.1:${hook.port} answered HTTP 500`);
    await hook.close();
    const error = await notifier.send(alert()).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/unreachable: ECONNREFUSED/);
    expect((error as Error).message).not.toContain("secret-token");
  });

  it("keeps Discord content under its 2000 character limit", () => {
    const payload = webhookPayload(alert(story({ title: "x ".repeat(3000), url: null })));
    expect((payload.content as string).length).toBeLessThanOrEqual(2000);
  });
});

describe("fan-out notifier", () => {
  it("throws when one sink fails, and on the retry only re-sends to that sink", async () => {
    const printed: string[] = [];
    let webhookUp = false;
    const console: Notifier = { send: async (a) => void printed.push(a.story.id) };
    const webhook: Notifier = {
      send: async () => {
        if (!webhookUp) throw new Error("HTTP 503");
      },
    };
    const fanout = createFanoutNotifier([
      { name: "console", notifier: console },
      { name: "webhook", notifier: webhook },
    ]);
    await expect(fanout.send(alert())).rejects.toThrow(/webhook: HTTP 503/);
    webhookUp = true;
    await fanout.send(alert());
    expect(printed).toEqual(["s1"]);
  });
});

describe("progress lines", () => {
  const base = {
    feedId: "f",
    feedName: "The Record",
    fetched: 0,
    new: 0,
    flagged: 0,
    alerts: 0,
    durationMs: 412,
  };

  it("formats ok, not-modified and failed lines with the reason", () => {
    expect(formatFeedLine({ ...base, status: "ok", fetched: 25, new: 3, flagged: 1, alerts: 1 })).toMatch(
      /^ {2}ok\s+The Record\s+25 items, 3 new, 1 flagged, 1 alert\s+412 ms$/,
    );
    expect(formatFeedLine({ ...base, status: "not-modified" })).toContain("not modified");
    expect(
      formatFeedLine({ ...base, status: "failed", kind: "timeout", message: "no answer in 10 s" }),
    ).toMatch(/FAILED\s+The Record\s+timeout: no answer in 10 s/);
  });

  it("summarises a cycle with counts and timings", () => {
    const line = formatCycleSummary({
      cycle: 2,
      configured: 3,
      due: 3,
      notStarted: 0,
      retriedAlerts: 0,
      durationMs: 4200,
      outcomes: [
        { ...base, status: "ok", new: 2, flagged: 1, alerts: 1 },
        { ...base, feedName: "Slow", status: "failed", durationMs: 9000 },
        { ...base, status: "not-modified", durationMs: 100 },
        { ...base, feedName: "Waiting", status: "skipped", durationMs: 99_000 },
      ],
    });
    expect(line).toContain(
      "cycle 2 done in 4.2 s: 3 of 3 feeds due (1 ok, 1 not modified, 1 failed, 1 skipped), 2 new, 1 flagged, 1 alert",
    );
    expect(line).toContain("slowest Slow 9.0 s");
  });

  it("hints at a missing network only when every polled feed failed to connect", () => {
    const summary = (kinds: (string | undefined)[]) => ({
      cycle: 1,
      configured: kinds.length,
      due: kinds.length,
      notStarted: 0,
      retriedAlerts: 0,
      durationMs: 100,
      outcomes: kinds.map((kind) => ({
        ...base,
        status: kind ? ("failed" as const) : ("ok" as const),
        kind,
      })),
    });
    expect(offlineHint(summary(["dns", "network", "dns"]))).toMatch(/offline/);
    expect(offlineHint(summary(["dns", undefined, "dns"]))).toBeNull();
    expect(offlineHint(summary(["dns", "timeout"]))).toBeNull();
    expect(offlineHint(summary(["dns"]))).toBeNull();
  });
});
