import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrichArticles, extractMainText } from "../lambdas/core/enrich.ts";
import { readFeed } from "../lambdas/core/read-feed.ts";
import type { Article } from "../lambdas/core/types.ts";
import { rssDocument, testFeed } from "./helpers/feeds.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";

const story = "Investigators said the Lazarus Group drained the exchange's hot wallets overnight. ".repeat(8);
const page = `<!doctype html><html><head><title>x</title><script>var tracking = "SCRIPT TEXT";</script></head>
<body><header>SITE HEADER</header><nav>Home | News | NAV LINKS</nav>
<article><h1>Exchange hacked</h1><p>${story}</p><aside>RELATED ASIDE</aside></article>
<footer>FOOTER TEXT</footer></body></html>`;

let server: TestServer;
beforeAll(async () => {
  server = await startServer({
    "/story": (_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(page);
    },
    "/pdf": (_req, res) => {
      res.setHeader("content-type", "application/pdf");
      res.end("%PDF-1.7");
    },
    "/feed": (_req, res) =>
      void res.end(rssDocument([{ title: "Exchange hacked", link: "/story", description: "Short teaser." }])),
  });
});
afterAll(() => server?.close());

const article = (url: string | null, summary = "Short teaser."): Article => ({
  id: "0123456789abcdef",
  url,
  title: "Exchange hacked",
  summary,
  feedId: "f",
  source: "F",
  publishedAt: "2026-07-01T00:00:00.000Z",
  fetchedAt: "2026-07-01T00:00:00.000Z",
  dateQuality: "ok",
  categories: [],
});

const fetchOptions = { allowAddresses: ["127.0.0.1"], timeoutMs: 5_000 };

describe("extractMainText", () => {
  it("keeps the article text and drops script, nav, header, footer and aside", () => {
    const text = extractMainText(page);
    expect(text).toContain("Lazarus Group drained");
    for (const noise of ["SCRIPT TEXT", "NAV LINKS", "SITE HEADER", "FOOTER TEXT", "RELATED ASIDE"]) {
      expect(text).not.toContain(noise);
    }
  });

  it("falls back to the block with the most paragraph text when there is no <article>", () => {
    const html = `<body><div><p>menu</p></div><div class="c"><p>${story}</p><p>${story}</p></div></body>`;
    expect(extractMainText(html)).toContain("Lazarus Group drained");
    expect(extractMainText(html)).not.toContain("menu");
  });
});

describe("enrichArticles", () => {
  it("fills content from the page for chosen articles, at most maxPages", async () => {
    const articles = [
      article(server.url("/story")),
      article(server.url("/story?b")),
      article(server.url("/story?c")),
    ];
    const before = server.requests.length;
    const result = await enrichArticles(articles, { shouldEnrich: () => true, maxPages: 2, fetchOptions });
    expect(server.requests.length - before).toBe(2);
    expect(result[0]?.content).toContain("Lazarus Group drained");
    expect(result[1]?.content).toContain("Lazarus Group drained");
    expect(result[2]?.content).toBeUndefined();
    expect(result[0]?.summary).toBe("Short teaser.");
  });

  it("only fetches what shouldEnrich picks", async () => {
    const before = server.requests.length;
    const result = await enrichArticles([article(server.url("/story"), "")], {
      shouldEnrich: () => false,
      maxPages: 5,
      fetchOptions,
    });
    expect(server.requests.length).toBe(before);
    expect(result[0]?.content).toBeUndefined();
  });

  it("leaves articles unchanged, and says why, when the page is not HTML or not allowed", async () => {
    const errors: string[] = [];
    const articles = [article(server.url("/pdf")), article("http://10.0.0.1/story"), article(null)];
    const result = await enrichArticles(articles, {
      shouldEnrich: () => true,
      maxPages: 5,
      fetchOptions,
      onPageError: (_a, message) => errors.push(message),
    });
    expect(result).toEqual(articles);
    expect(errors).toHaveLength(2);
    expect(errors.some((e) => e.includes("not an HTML page (application/pdf)"))).toBe(true);
    expect(errors.some((e) => e.includes("10.0.0.1 is private"))).toBe(true);
  });

  it("is switched on from readFeed for short summaries", async () => {
    const result = await readFeed(testFeed(server.url("/feed"), "Enriched"), {
      ...fetchOptions,
      enrich: { enabled: true, maxPages: 3 },
    });
    if (result.status !== "ok") throw new Error(JSON.stringify(result));
    expect(result.articles[0]?.content).toContain("Lazarus Group drained");
  });
});
