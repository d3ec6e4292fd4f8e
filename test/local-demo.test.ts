/**
 * `heistwatch demo`: offline, a cycle at once, alert cards, and the page and feed kept up until
 * Ctrl-C. Also the re-dating of the demo feeds that keeps their stories recent enough to alert.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEMO_FEEDS_DIR,
  DEMO_SOURCES,
  newestDate,
  shiftDates,
  startDemoFeedServer,
} from "../cli/local/demo-feeds.ts";

const bin = new URL("../bin/heistwatch.js", import.meta.url).pathname;

describe("demo feeds", () => {
  it("shifts RFC 822 and ISO 8601 dates by the same offset, keeping each format", () => {
    const xml =
      "<pubDate>Tue, 10 Mar 2026 11:20:00 +0000</pubDate><published>2026-03-10T12:25:00Z</published><updated>not a date</updated>";
    const shifted = shiftDates(xml, 24 * 3_600_000);
    expect(shifted).toContain("<pubDate>Wed, 11 Mar 2026 11:20:00 GMT</pubDate>");
    expect(shifted).toContain("<published>2026-03-11T12:25:00.000Z</published>");
    expect(shifted).toContain("<updated>not a date</updated>");
  });

  it("serves every source re-dated so the newest item is recent, with 304 on a matching ETag", async () => {
    const now = new Date("2030-01-01T00:00:00Z");
    const server = await startDemoFeedServer({ now, newestAgeMinutes: 20 });
    try {
      expect(server.feeds.map((f) => f.id)).toEqual(DEMO_SOURCES.map((s) => s.id));
      const bodies = await Promise.all(server.feeds.map(async (f) => (await fetch(f.url)).text()));
      expect(newestDate(bodies)).toBe(now.getTime() - 20 * 60_000);
      const first = await fetch(server.feeds[0]!.url);
      const again = await fetch(server.feeds[0]!.url, {
        headers: { "if-none-match": first.headers.get("etag")! },
      });
      expect(again.status).toBe(304);
    } finally {
      await server.close();
    }
  });

  it("every demo file exists and is a feed document", () => {
    for (const source of DEMO_SOURCES) {
      const xml = readFileSync(join(DEMO_FEEDS_DIR, source.file), "utf8");
      expect(xml).toMatch(/<rss version="2.0"|<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
    }
  });
});

describe("heistwatch demo", () => {
  it("prints alert cards, serves the feed of merged stories, and stops on SIGINT", async () => {
    const child = spawn(process.execPath, [bin, "demo", "--port", "0"], {
      env: { ...process.env, NODE_NO_WARNINGS: "1" },
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`demo did not come up:\n${out}`)), 45_000);
        child.stdout.on("data", () => {
          const match = out.match(/JSON Feed: (http:\/\/127\.0\.0\.1:\d+\/feed\.json)/);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      // Four invented heists; the ones several sources carried are still one story (and one card) each.
      expect(out.split("HEIST ALERT").length - 1).toBe(4);
      const feed = (await (await fetch(url)).json()) as { items: Array<{ title: string }> };
      const titles = feed.items.map((i) => i.title);
      expect(titles).toHaveLength(4);
      expect(titles.filter((t) => t.includes("Orbitex"))).toHaveLength(1);
      expect(titles.filter((t) => t.includes("Kestrel"))).toHaveLength(1);
      expect(titles.filter((t) => t.includes("Halvard"))).toHaveLength(1);
      expect(titles.filter((t) => t.includes("Banco Marisol"))).toHaveLength(1);
      // Ordinary news and the namesake/missile items are not in the feed.
      expect(titles.join(" ")).not.toMatch(/documentary|missiles|ETF/);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
    expect(out).toContain("demo stopped.");
  });
});
