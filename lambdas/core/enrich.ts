/**
 * Optional enrichment: many feeds carry a one-line teaser, too little for the classifier. For the
 * few items worth it, fetch the article page through the same safe fetch as feeds (timeouts, caps,
 * SSRF guard) and keep its main text. Off by default; capped per call.
 */
// The slim build parses with htmlparser2 and leaves out parse5, undici and iconv-lite (~1.2 MB of
// bundle the poll Lambda would otherwise load on every cold start).
import { load } from "cheerio/slim";
import { type FetchOptions, safeFetch } from "./fetch.ts";
import { LIMITS } from "./parse.ts";
import { capText, htmlToText } from "./text.ts";
import type { Article } from "./types.ts";

export interface EnrichOptions {
  /** Which articles deserve a page fetch (e.g. short summary and some classifier signal). */
  shouldEnrich(article: Article): boolean;
  /** Most page fetches this call makes; the rest are left as they are. */
  maxPages: number;
  /** Passed to safeFetch (allowAddresses, timeouts...); validators are not sent for pages. */
  fetchOptions?: FetchOptions;
  /** Parallel page fetches. Default 4. */
  concurrency?: number;
  /** Told about each page that could not be used (the article is kept unchanged). */
  onPageError?(article: Article, message: string): void;
}

const PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1";
const PAGE_MAX_BYTES = 2 * 1024 * 1024;
const MIN_USEFUL_TEXT = 200;
const NOISE =
  "script, style, noscript, template, iframe, object, svg, nav, aside, footer, header, form, [role=navigation], [aria-hidden=true]";

/**
 * Returns the articles with `content` filled from their pages for those that `shouldEnrich`
 * selects (first maxPages of them, with a URL). `summary` is filled too when it was empty.
 * Never throws; a page that fails leaves its article as it was.
 */
export async function enrichArticles(articles: Article[], options: EnrichOptions): Promise<Article[]> {
  const chosen = articles
    .map((article, index) => ({ article, index }))
    .filter(({ article }) => article.url && safePredicate(options, article))
    .slice(0, Math.max(0, options.maxPages));
  const result = [...articles];
  const queue = [...chosen];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      result[next.index] = await enrichOne(next.article, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, queue.length) }, worker));
  return result;
}

function safePredicate(options: EnrichOptions, article: Article): boolean {
  try {
    return options.shouldEnrich(article);
  } catch {
    return false;
  }
}

async function enrichOne(article: Article, options: EnrichOptions): Promise<Article> {
  const { etag: _etag, lastModified: _lastModified, ...fetchOptions } = options.fetchOptions ?? {};
  const page = await safeFetch(article.url!, {
    ...fetchOptions,
    accept: PAGE_ACCEPT,
    maxBytes: Math.min(fetchOptions.maxBytes ?? PAGE_MAX_BYTES, PAGE_MAX_BYTES),
  });
  if (page.status !== "ok") {
    options.onPageError?.(article, page.status === "failed" ? page.message : "page not modified");
    return article;
  }
  if (page.contentType && !/html/i.test(page.contentType)) {
    options.onPageError?.(article, `not an HTML page (${page.contentType})`);
    return article;
  }
  const text = extractMainText(page.body);
  if (text.length < MIN_USEFUL_TEXT) {
    options.onPageError?.(article, "no article text found on the page");
    return article;
  }
  return {
    ...article,
    content: text,
    ...(article.summary ? {} : { summary: capText(text, LIMITS.summary) }),
  };
}

/**
 * The main text of an article page: `article`, else `main`, else the block holding the most
 * paragraph text; scripts, navigation, asides, headers and footers removed; capped at 20,000
 * characters.
 */
export function extractMainText(html: string): string {
  const $ = load(html);
  $(NOISE).remove();
  const pick = (selector: string) => {
    let best: ReturnType<typeof $> | undefined;
    let bestLength = 0;
    $(selector).each((_, el) => {
      const length = $(el).text().length;
      if (length > bestLength) {
        best = $(el);
        bestLength = length;
      }
    });
    return best && bestLength >= MIN_USEFUL_TEXT ? best : undefined;
  };
  let main = pick("article") ?? pick("main, [role=main]");
  if (!main) {
    // Score each element by the paragraph text directly inside it; the densest block wins.
    const scores = new Map<unknown, { el: ReturnType<typeof $>; score: number }>();
    $("p").each((_, p) => {
      const parent = $(p).parent();
      const node = parent.get(0);
      if (!node) return;
      const entry = scores.get(node) ?? { el: parent, score: 0 };
      entry.score += $(p).text().length;
      scores.set(node, entry);
    });
    main = [...scores.values()].sort((a, b) => b.score - a.score)[0]?.el ?? $("body");
  }
  return capText(htmlToText($.html(main) ?? ""), LIMITS.content);
}
