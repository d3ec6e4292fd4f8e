/**
 * `heistwatch poll --once` (for cron) and shutdown, as a person runs them: exit codes, one line
 * per feed saying why it failed (in-process), and a clean stop on SIGTERM while a feed is stalled
 * (the spawned smoke test of the real binary).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLocal } from "../cli/local/run-local.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";

const bin = new URL("../bin/heistwatch.js", import.meta.url).pathname;
// No politeness gap between this test's feeds, which all share the host 127.0.0.1.
const env = {
  ...process.env,
  NODE_NO_WARNINGS: "1",
  HEISTWATCH_WEBHOOK_URL: "",
  HEISTWATCH_HOST_GAP_MS: "0",
};

const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>Good</title><link>https://good.example/</link>
<description>d</description>
<item><title>Exchange publishes quarterly proof of reserves</title><link>https://good.example/a</link>
<pubDate>${new Date(Date.now() - 3_600_000).toUTCString()}</pubDate><description>Routine.</description></item>
</channel></rss>`;

describe("heistwatch poll --once", () => {
  let server: TestServer;
  let dir: string;

  beforeAll(async () => {
    server = await startServer({
      "/good.xml": (_req, res) => {
        res.setHeader("content-type", "application/rss+xml");
        res.end(FEED);
      },
      "/broken.xml": (_req, res) => {
        res.statusCode = 500;
        res.end("oops");
      },
      "/stall.xml": () => {
        // Never answers: only the fetch deadline or shutdown ends this request.
      },
    });
    dir = mkdtempSync(join(tmpdir(), "hw-poll-"));
    writeFileSync(
      join(dir, "feeds.json"),
      JSON.stringify([
        { id: "good", name: "Good Feed", url: server.url("/good.xml") },
        { id: "broken", name: "Broken Feed", url: server.url("/broken.xml") },
      ]),
    );
    writeFileSync(
      join(dir, "stall.json"),
      JSON.stringify([{ id: "stall", name: "Stalled Feed", url: server.url("/stall.xml") }]),
    );
  });

  afterAll(async () => {
    await server?.close();
  });

  // In-process: the same runLocal the command runs, with this test's env, cwd and captured output.
  const run = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    let stdout = "";
    let stderr = "";
    const output = {
      out: (text: string) => void (stdout += text.endsWith("\n") ? text : `${text}\n`),
      err: (text: string) => void (stderr += text.endsWith("\n") ? text : `${text}\n`),
    };
    const status = await runLocal("poll", { args, env: { ...env, ...extraEnv }, cwd: dir, output });
    return { status, stdout, stderr };
  };

  it("exits 0 when the cycle ran even though a feed failed, with one line per feed saying why", async () => {
    const result = await run([
      "--once",
      "--feeds",
      "feeds.json",
      "--allow-private",
      "127.0.0.1",
      "--data-dir",
      "d1",
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/ok +Good Feed +1 items, 1 new, 0 flagged/);
    expect(result.stdout).toMatch(/FAILED +Broken Feed +http-status: .*500/);
    expect(result.stdout).toMatch(/cycle 1 done in .*2 of 2 feeds due \(1 ok, 0 not modified, 1 failed\)/);
  });

  it("refuses loopback feeds unless allowed, naming the reason per feed", async () => {
    const result = await run(["--once", "--feeds", "feeds.json", "--data-dir", "d2"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/FAILED +Good Feed +blocked-address/);
  });

  it("exits 2 naming a bad setting, and 1 when the data directory cannot be used", async () => {
    const bad = await run(["--once"], { HEISTWATCH_THRESHOLD: "high" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("threshold (env HEISTWATCH_THRESHOLD) must be a whole number");

    writeFileSync(join(dir, "not-a-dir"), "");
    const blocked = await run(["--once", "--feeds", "feeds.json", "--data-dir", "not-a-dir/data"]);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toMatch(
      /data directory .*not-a-dir\/data is not writable \(a file is in the way\)/,
    );
  });

  it("stops cleanly on SIGTERM while a feed is stalled, within a few seconds, exit 0", async () => {
    const child = spawn(
      process.execPath,
      [
        bin,
        "poll",
        "--feeds",
        "stall.json",
        "--allow-private",
        "127.0.0.1",
        "--data-dir",
        "d3",
        "--shutdown-grace-ms",
        "500",
      ],
      { cwd: dir, env },
    );
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no cycle started:\n${out}`)), 30_000);
      child.stdout.on("data", () => {
        if (out.includes("cycle 1: polling 1 of 1 feeds")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopAt = Date.now();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // Grace period (0.5 s here) plus closing: well under the fetch deadline of 10 s, so the stalled
    // fetch was aborted by the stop, not by its own deadline.
    expect(Date.now() - stopAt).toBeLessThan(8000);
    expect(out).toContain("stopped; data saved.");
  });
});
