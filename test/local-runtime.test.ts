/**
 * The local stack in-process: a webhook that fails does not lose the alert (it is re-sent on the
 * next cycle, to the webhook only), and the API serves the stories the cycle stored.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { LocalConfig } from "../cli/local/config.ts";
import { type LocalStack, openLocalStack } from "../cli/local/runtime.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";
import { testLocalConfig } from "./helpers/local-config.ts";

const HEIST = `<?xml version="1.0"?><rss version="2.0"><channel><title>Alpha</title><link>https://alpha.example/</link>
<description>d</description>
<item><title>Lazarus Group hackers stole $120 million from Zephyra exchange hot wallet</title>
<link>https://alpha.example/zephyra</link><pubDate>${new Date(Date.now() - 3_600_000).toUTCString()}</pubDate>
<description>North Korea's Lazarus Group drained $120 million from the Zephyra exchange, investigators said.</description></item>
</channel></rss>`;

function config(webhookUrl: string): LocalConfig {
  return testLocalConfig({ webhookUrl, concurrency: 2 });
}

describe("local stack", () => {
  let server: TestServer | undefined;
  let stack: LocalStack | undefined;

  afterEach(async () => {
    await stack?.close();
    await server?.close();
  });

  it("keeps an alert pending when the webhook fails and delivers it next cycle without a second card", async () => {
    let webhookUp = false;
    const delivered: string[] = [];
    server = await startServer({
      "/alpha.xml": (_req, res) => {
        res.setHeader("content-type", "application/rss+xml");
        res.end(HEIST);
      },
      "/hook": async (req, res) => {
        let body = "";
        for await (const chunk of req) body += chunk;
        if (!webhookUp) {
          res.statusCode = 503;
          res.end("down");
          return;
        }
        delivered.push(body);
        res.end("ok");
      },
    });
    const out: string[] = [];
    const err: string[] = [];
    stack = await openLocalStack({
      config: config(server.url("/hook")),
      feeds: [{ id: "alpha", name: "Alpha", url: server.url("/alpha.xml") }],
      dataDir: null,
      output: { out: (t) => out.push(t), err: (t) => err.push(t) },
    });

    const first = await stack.runCycle();
    expect(first.outcomes[0]).toMatchObject({ status: "ok", new: 1, flagged: 1, alerts: 0 });
    expect(err.join("\n")).toMatch(
      /not delivered: .*webhook 127\.0\.0\.1:\d+ answered HTTP 503.*retried next cycle/,
    );
    expect(delivered).toHaveLength(0);

    webhookUp = true;
    const second = await stack.runCycle();
    expect(second.retriedAlerts).toBe(1);
    expect(delivered).toHaveLength(1);
    expect(JSON.parse(delivered[0]!).text).toContain("Zephyra");
    expect(out.join("").split("HEIST ALERT").length - 1).toBe(1);

    const third = await stack.runCycle();
    expect(third.retriedAlerts).toBe(0);
    expect(delivered).toHaveLength(1);
  });

  it("serves the stored stories through the API handler", async () => {
    server = await startServer({
      "/alpha.xml": (_req, res) => {
        res.setHeader("content-type", "application/rss+xml");
        res.end(HEIST);
      },
    });
    stack = await openLocalStack({
      config: { ...config(""), webhookUrl: undefined },
      feeds: [{ id: "alpha", name: "Alpha", url: server.url("/alpha.xml") }],
      dataDir: null,
      output: { out: () => {}, err: () => {} },
    });
    await stack.runCycle();
    const api = await stack.serveApi(0);
    const feed = (await (await fetch(`${api.url}/feed.json`)).json()) as { items: Array<{ title: string }> };
    expect(feed.items.map((i) => i.title)).toEqual([
      "Lazarus Group hackers stole $120 million from Zephyra exchange hot wallet",
    ]);
    const page = await fetch(`${api.url}/`);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("Zephyra");
  });
});
