import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Article } from "../lambdas/core/model/types.ts";
import { rssDocument } from "./helpers/feeds.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";
import { runCli } from "./helpers/run-cli.ts";

const FIXTURE_FEEDS = new URL("./fixtures/feeds/", import.meta.url).pathname;

const run = (args: string[], stdin?: string) => runCli(["parse", ...args], stdin);

const lines = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Article);

let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    "/feed.xml": (_req, res) =>
      void res.end(
        rssDocument([
          {
            title: "Bridge drained",
            link: "/heist?utm_source=rss",
            pubDate: "Wed, 01 Jul 2026 10:00:00 GMT",
          },
        ]),
      ),
    "/page.html": (_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end("<!doctype html><html><body>not a feed</body></html>");
    },
  });
});
afterAll(() => server?.close());

describe("heistwatch parse", () => {
  it("prints one JSON line per article for a file", async () => {
    const result = await run([`${FIXTURE_FEEDS}newsroom.atom`]);
    expect(result.status).toBe(0);
    const articles = lines(result.stdout);
    expect(articles).toHaveLength(3);
    expect(articles[0]?.title).toBe("Krypto-Börse meldet Abfluss aus dem Hot Wallet");
    expect(articles[0]?.url).toBe("https://news.example.org/artikel/1");
  });

  it("fetches a URL with --allow-address and resolves links against it", async () => {
    const result = await run([server.url("/feed.xml"), "--allow-address", "127.0.0.1"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toMatchObject([{ title: "Bridge drained", url: server.url("/heist") }]);
  });

  it("refuses a loopback URL without --allow-address, in one line", async () => {
    const result = await run([server.url("/feed.xml")]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/blocked-address.*--allow-address/);
  });

  it.each([
    ["a file that is not a feed", `${FIXTURE_FEEDS}not-a-feed.xml`],
    ["an empty file", `${FIXTURE_FEEDS}empty.xml`],
    ["broken XML", `${FIXTURE_FEEDS}broken.rss`],
  ])("exits 1 with one clear stderr line and no stack trace for %s", async (_what, path) => {
    const result = await run([path]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const stderrLines = result.stderr.trim().split("\n");
    expect(stderrLines).toHaveLength(1);
    expect(stderrLines[0]).toMatch(/^heistwatch parse: .*\[(not-a-feed|bad-xml)\]$/);
    expect(result.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it("exits 1 for an HTML page served as a feed", async () => {
    const result = await run([server.url("/page.html"), "--allow-address", "127.0.0.1"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/HTML page, not a feed \[not-a-feed\]/);
  });

  it("reads stdin with -", async () => {
    const { status, stdout } = await run(["-"], readFileSync(`${FIXTURE_FEEDS}newsroom.atom`, "utf8"));
    expect(status).toBe(0);
    expect(lines(stdout)).toHaveLength(3);
  });

  it("rejects bad usage with exit 2", async () => {
    expect((await run([])).status).toBe(2);
    expect((await run(["a.xml", "--bogus"])).stderr).toMatch(/unknown option '--bogus'/i);
  });
});
