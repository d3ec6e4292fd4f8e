/**
 * End to end: `heistwatch start` as a child process against local fixture feeds and a local
 * webhook, stopped with SIGTERM and started again on the same data directory. The second run
 * must serve the same stories and send no alert again (neither a card on stdout nor a webhook POST),
 * and a third instance on the same data directory is refused.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "./helpers/http-server.ts";
import { runCli } from "./helpers/run-cli.ts";

const bin = new URL("../bin/heistwatch.js", import.meta.url).pathname;

function rss(
  title: string,
  items: Array<{ title: string; link: string; description: string; hoursAgo: number }>,
) {
  const now = Date.now();
  const entries = items
    .map(
      (item) => `<item><title>${item.title}</title><link>${item.link}</link>
<pubDate>${new Date(now - item.hoursAgo * 3_600_000).toUTCString()}</pubDate>
<description>${item.description}</description></item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${title}</title>
<link>https://example.org/</link><description>fixture</description>${entries}</channel></rss>`;
}

const HEIST_A = {
  title: "Lazarus Group hackers stole $120 million from Zephyra exchange hot wallet",
  link: "https://alpha.example/zephyra-heist",
  description:
    "North Korea's Lazarus Group drained $120 million from the Zephyra exchange, blockchain investigators said.",
  hoursAgo: 2,
};
const HEIST_A_AGAIN = {
  title: "Zephyra exchange confirms $120M theft; researchers attribute it to North Korean Lazarus hackers",
  link: "https://beta.example/zephyra-confirms-theft",
  description:
    "Zephyra said $120 million was stolen; researchers attribute the heist to the Lazarus Group of North Korea.",
  hoursAgo: 1,
};
const HEIST_B = {
  title: "FBI says North Korean APT38 stole $15 million from Porto Velha bank via SWIFT",
  link: "https://alpha.example/porto-velha-apt38",
  description:
    "The FBI confirmed that APT38, a North Korean state-sponsored group, stole $15 million in fraudulent SWIFT transfers.",
  hoursAgo: 3,
};
const ORDINARY = [
  {
    title: "Browser vendor ships monthly security update",
    link: "https://alpha.example/patch",
    description: "Twelve fixes.",
    hoursAgo: 4,
  },
  {
    title: "Bitcoin ETF inflows continue",
    link: "https://beta.example/etf",
    description: "Markets were calm.",
    hoursAgo: 5,
  },
];

const FEEDS: Record<string, string> = {
  "/alpha.xml": rss("Alpha News", [HEIST_A, HEIST_B, ORDINARY[0]!]),
  "/beta.xml": rss("Beta Wire", [HEIST_A_AGAIN, ORDINARY[1]!]),
};

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

function startHeistwatch(configFile: string, cwd: string): Running {
  const child = spawn(process.execPath, [bin, "start", "--config", configFile], {
    cwd,
    env: { ...process.env, HEISTWATCH_WEBHOOK_URL: "", NODE_NO_WARNINGS: "1" },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
  });
  child.stderr.on("data", (chunk) => {
    err += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}\nstdout:\n${out}\nstderr:\n${err}`)),
          timeoutMs,
        );
        const check = () => {
          const match = out.match(pattern);
          if (match) {
            clearTimeout(deadline);
            child.stdout.off("data", check);
            resolve(match);
          }
        };
        child.stdout.on("data", check);
        child.once("exit", () => {
          check();
          setTimeout(
            () => reject(new Error(`exited before ${pattern}\nstdout:\n${out}\nstderr:\n${err}`)),
            50,
          );
        });
        check();
      });
    },
  };
}

async function stop(run: Running): Promise<number | null> {
  run.child.kill("SIGTERM");
  return run.exited;
}

const countCards = (text: string) => text.split("HEIST ALERT").length - 1;

async function feedItems(feedUrl: string): Promise<Array<{ id: string; title: string }>> {
  const response = await fetch(feedUrl);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { version: string; items: Array<{ id: string; title: string }> };
  expect(body.version).toBe("https://jsonfeed.org/version/1.1");
  return body.items.map((item) => ({ id: item.id, title: item.title }));
}

describe("heistwatch start, stopped and started again", () => {
  let feeds: TestServer;
  const webhookPosts: string[] = [];
  let dir: string;
  let configFile: string;

  beforeAll(async () => {
    feeds = await startServer({
      "/alpha.xml": (_req, res) => {
        res.setHeader("content-type", "application/rss+xml");
        res.end(FEEDS["/alpha.xml"]);
      },
      "/beta.xml": (_req, res) => {
        res.setHeader("content-type", "application/rss+xml");
        res.end(FEEDS["/beta.xml"]);
      },
      "/hook": async (req, res) => {
        let body = "";
        for await (const chunk of req) body += chunk;
        webhookPosts.push(body);
        res.end("ok");
      },
    });
    dir = mkdtempSync(join(tmpdir(), "hw-start-"));
    writeFileSync(
      join(dir, "feeds.json"),
      JSON.stringify([
        { id: "alpha", name: "Alpha News", url: feeds.url("/alpha.xml") },
        { id: "beta", name: "Beta Wire", url: feeds.url("/beta.xml") },
      ]),
    );
    configFile = join(dir, "heistwatch.config.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        port: 0,
        dataDir: "data",
        feedsFile: "feeds.json",
        intervalSeconds: 1,
        hostGapMs: 0,
        allowPrivateAddresses: ["127.0.0.1"],
        webhookUrl: feeds.url("/hook"),
      }),
    );
  });

  afterAll(async () => {
    await feeds?.close();
  });

  it("keeps the same feed items and never repeats an alert across a restart; refuses a second instance on the same data directory, naming the holder", async () => {
    const first = startHeistwatch(configFile, dir);
    let firstItems: Array<{ id: string; title: string }>;
    try {
      const [, feedUrl] = await first.waitFor(/feed: +(http:\/\/127\.0\.0\.1:\d+\/feed\.json)/);
      await first.waitFor(/cycle 2 done/);
      firstItems = await feedItems(feedUrl!);
    } finally {
      expect(await stop(first)).toBe(0);
    }
    expect(first.stdout()).toContain("stopped; data saved.");
    // Two heists: A reported by both feeds is one story, B is another. Ordinary news is not listed.
    expect(firstItems.map((i) => i.title).sort()).toEqual([HEIST_B.title, HEIST_A.title].sort());
    expect(countCards(first.stdout())).toBe(2);
    expect(webhookPosts).toHaveLength(2);
    expect(first.stdout()).toMatch(/ok +Alpha News +3 items, 3 new, 2 flagged/);

    const second = startHeistwatch(configFile, dir);
    try {
      const [, feedUrl] = await second.waitFor(/feed: +(http:\/\/127\.0\.0\.1:\d+\/feed\.json)/);
      await second.waitFor(/cycle 2 done/);
      expect(await feedItems(feedUrl!)).toEqual(firstItems);
      // A second instance on the same directory (run in-process: the holder is the child above).
      const refused = await runCli(["start", "--config", configFile]);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(
        new RegExp(`data directory .*data is in use by another heistwatch \\(pid ${second.child.pid}\\)`),
      );
    } finally {
      expect(await stop(second)).toBe(0);
    }
    expect(countCards(second.stdout())).toBe(0);
    expect(webhookPosts).toHaveLength(2);
    expect(second.stdout()).toMatch(/cycle 1 done .*0 new, 0 flagged, 0 alerts/);
    expect(second.stderr()).not.toMatch(/error/i);
  });
});
