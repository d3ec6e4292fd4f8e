/**
 * Feed text to normalised Articles, with rss-parser doing the RSS 0.9x/1.0/2.0 and Atom work.
 * rss-parser is fed decoded text (never a URL) and gets a new Parser per document, because its
 * xml2js parser is not safe to reuse after an error (RELIABILITY.md B14). Three of its hazards are
 * disarmed before it sees the data (see makeParser): the quadratic contentSnippet regex (B18),
 * the whole-feed RangeError on a bad Atom date (B15), and the RSS version check on <rss> without
 * a version attribute. Everything published is plain text, capped.
 */
import Parser from "rss-parser";
import { articleId } from "./article-id.ts";
import { canonicalUrl } from "./canonical-url.ts";
import { parseFeedDate } from "./dates.ts";
import { capText, htmlToText } from "../text/html-to-text.ts";
import type { Article, DateQuality, FeedConfig } from "../model/types.ts";

export interface ParsedFeed {
  title?: string;
  link?: string;
  articles: Article[];
  /** Things a person may want to know that did not stop the parse (repairs, dropped duplicates). */
  warnings?: string[];
}

export interface ParseContext {
  feed: FeedConfig;
  fetchedAt: Date;
  /** URL the document was fetched from (after redirects); relative links resolve against it. */
  baseUrl?: string;
}

/** Why a document could not be read: broken XML, or XML (or HTML) that is not a feed. */
export class FeedParseError extends Error {
  constructor(
    readonly kind: "bad-xml" | "not-a-feed",
    message: string,
  ) {
    super(message);
    this.name = "FeedParseError";
  }
}

export const LIMITS = {
  title: 300,
  summary: 1000,
  content: 20_000,
  author: 200,
  category: 100,
  categories: 20,
};
// Raw HTML handed to the HTML-to-text step is capped too: enough markup for the text caps above,
// but bounded so one giant item cannot eat the poller's memory or CPU.
// (HTML-to-text costs roughly 10-30 ms per 20 KB of markup, so the caps are also a CPU budget.)
const RAW_HTML_CAP = { summary: 20_000, content: 100_000 };
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

// rss-parser derives contentSnippet with /<(?:.|\n)*?>/, which is quadratic on text with many
// "<" and no ">". Every text value reaches it with "<" swapped for a private-use character, so the
// regex never matches; `restore` swaps it back when we read the value.
const LT_STAND_IN = "\uE000";
const LT_STAND_IN_ALL = /\uE000/g;
const LT_ALL = /</g;

function neutraliseMarkup(value: string): string {
  return value.includes("<") || value.includes(LT_STAND_IN)
    ? value.replace(LT_STAND_IN_ALL, "").replace(LT_ALL, LT_STAND_IN)
    : value;
}

function restore(value: string): string {
  return value.includes(LT_STAND_IN) ? value.replace(LT_STAND_IN_ALL, "<") : value;
}

// rss-parser calls new Date(x).toISOString() on Atom <published>/<updated> without a try, so one
// bad date rejects the whole feed. Renamed, they pass through untouched and we parse them ourselves.
const RENAMED_TAGS: Record<string, string> = { published: "hw:published", updated: "hw:updated" };

function renameDateTags(name: string): string {
  return RENAMED_TAGS[name] ?? name;
}

type RawParser = Parser<Record<string, unknown>, Record<string, unknown>>;

function makeParser(): RawParser {
  return new Parser<Record<string, unknown>, Record<string, unknown>>({
    // <rss> without a version attribute (uolNoticias) is still RSS 2 in practice.
    defaultRSS: 2,
    xml2js: { valueProcessors: [neutraliseMarkup], tagNameProcessors: [renameDateTags] },
    customFields: {
      item: [
        ["hw:published", "hwPublished"],
        ["hw:updated", "hwUpdated"],
        ["guid", "hwGuid", { keepArray: true }],
        ["category", "hwCategory", { keepArray: true }],
        ["dc:subject", "hwSubject", { keepArray: true }],
        ["a10:link", "hwA10Link", { keepArray: true }],
      ],
    },
  } as ConstructorParameters<typeof Parser<Record<string, unknown>, Record<string, unknown>>>[0]);
}

/**
 * Parses one feed document (RSS 0.9x, 1.0, 2.0 or Atom, already decoded to text) into Articles.
 * Items with duplicate ids or guids collapse to the first. Throws FeedParseError with kind
 * "bad-xml" or "not-a-feed" and a message a person can act on.
 */
export async function parseFeed(
  xml: string,
  context: { feed: FeedConfig; fetchedAt: Date; baseUrl?: string },
): Promise<ParsedFeed> {
  const warnings: string[] = [];
  const raw = await parseRaw(xml, warnings);
  const root = firstElementName(xml);
  const isAtom = root === "feed";
  const siteLink = stringOf(raw.link);
  const base = chooseBase(xml, context, siteLink);

  const articles: Article[] = [];
  const seenIds = new Set<string>();
  const seenGuids = new Set<string>();
  let duplicates = 0;
  for (const item of (raw.items ?? []) as RawItem[]) {
    const article = normaliseItem(item, { ...context, isAtom, base });
    if (seenIds.has(article.id) || (article.guid && seenGuids.has(article.guid))) {
      duplicates++;
      continue;
    }
    seenIds.add(article.id);
    if (article.guid) seenGuids.add(article.guid);
    articles.push(article);
  }
  if (duplicates) warnings.push(`${duplicates} duplicate item(s) dropped`);

  const title = capText(htmlToText(stringOf(raw.title) ?? ""), LIMITS.title);
  const link = siteLink ? canonicalUrl(siteLink, base) : null;
  return {
    ...(title ? { title } : {}),
    ...(link ? { link } : {}),
    articles,
    ...(warnings.length ? { warnings } : {}),
  };
}

type RawItem = Record<string, unknown>;
type RawFeed = { items?: unknown[]; title?: unknown; link?: unknown };

/** rss-parser on the text, with failures classified; one repair is tried for bare ampersands. */
async function parseRaw(xml: string, warnings: string[]): Promise<RawFeed> {
  if (!xml.trim()) throw new FeedParseError("not-a-feed", "the document is empty");
  const root = firstElementName(xml);
  if (root === "html") throw new FeedParseError("not-a-feed", "the document is an HTML page, not a feed");
  const declaresEntities = /<!ENTITY/i.test(xml.slice(0, 100_000));
  try {
    return (await makeParser().parseString(xml)) as RawFeed;
  } catch (error) {
    const failure = classifyParseError(error, declaresEntities);
    // Unescaped "&" in links is the most common real-world breakage; escaping it loses nothing.
    // Never attempted on documents declaring entities (billion laughs, XXE): those stay refused.
    if (failure.kind === "bad-xml" && !declaresEntities && /entity/i.test(failure.message)) {
      const { text, count } = escapeBareAmpersands(xml);
      if (count > 0) {
        try {
          const repaired = (await makeParser().parseString(text)) as RawFeed;
          warnings.push(`repaired ${count} unescaped "&" character(s) (${failure.message})`);
          return repaired;
        } catch {
          // Fall through to the original error, which describes the document as served.
        }
      }
    }
    throw failure;
  }
}

const BARE_AMPERSAND = /&(?!(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)/g;

function escapeBareAmpersands(xml: string): { text: string; count: number } {
  let count = 0;
  const text = xml.replace(BARE_AMPERSAND, () => {
    count++;
    return "&amp;";
  });
  return { text, count };
}

function classifyParseError(error: unknown, declaresEntities: boolean): FeedParseError {
  const message = error instanceof Error ? error.message : String(error);
  if (/not recognized as RSS|Unable to parse XML/i.test(message)) {
    return new FeedParseError("not-a-feed", "the document is XML but not an RSS, RDF or Atom feed");
  }
  // sax messages read "Unclosed root tag\nLine: 3\nColumn: 1\nChar: ".
  const [first = message, ...rest] = message.split("\n");
  const line = rest
    .find((l) => l.startsWith("Line:"))
    ?.slice(5)
    .trim();
  const column = rest
    .find((l) => l.startsWith("Column:"))
    ?.slice(7)
    .trim();
  const where = line ? ` at line ${Number(line) + 1}${column ? `, column ${column}` : ""}` : "";
  if (!(error instanceof Error) || error instanceof TypeError || error instanceof RangeError) {
    return new FeedParseError("bad-xml", `the feed has an unexpected structure (${first})`);
  }
  const entityNote = declaresEntities ? "; DTD entities are never expanded (entity-expansion guard)" : "";
  return new FeedParseError("bad-xml", `the document is not well-formed XML: ${first}${where}${entityNote}`);
}

/** Name of the first element, skipping the prolog, comments, PIs and the doctype; lower-cased. */
export function firstElementName(xml: string): string | undefined {
  const head = xml.slice(0, 20_000);
  const match = head.match(
    /^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE(?:[^<>[]|\[[\s\S]*?\])*>)*<([A-Za-z_][\w.:-]*)/i,
  );
  if (match?.[1]) return match[1].toLowerCase().replace(/^[\w.-]+:(?=feed$|rss$)/, "");
  return /^\s*<!DOCTYPE\s+html/i.test(head) ? "html" : undefined;
}

/** Base for relative links: root xml:base (resolved), else the fetched URL, the feed URL, the site. */
function chooseBase(xml: string, context: ParseContext, siteLink: string | undefined): string | undefined {
  const httpOnly = (href: string | undefined) => (href && /^https?:\/\//i.test(href) ? href : undefined);
  const documentUrl = httpOnly(context.baseUrl) ?? httpOnly(context.feed.url);
  const xmlBase = xml
    .slice(0, 20_000)
    .match(/<(?:rss|feed|rdf:RDF|channel)\b[^>]*?\sxml:base\s*=\s*["']([^"']*)["']/)?.[1]
    ?.trim();
  const resolvedXmlBase = xmlBase ? canonicalUrl(xmlBase, documentUrl) : null;
  return resolvedXmlBase ?? documentUrl ?? (siteLink ? (canonicalUrl(siteLink) ?? undefined) : undefined);
}

/** A string from whatever xml2js produced: string, {_: string}, or an array of those. */
function stringOf(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === "string") return restore(first);
  if (first && typeof first === "object" && typeof (first as { _?: unknown })._ === "string") {
    return restore((first as { _: string })._);
  }
  return undefined;
}

function attribute(value: unknown, name: string): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const attrs = first && typeof first === "object" ? (first as { $?: Record<string, unknown> }).$ : undefined;
  const attr = attrs?.[name];
  return typeof attr === "string" ? attr : undefined;
}

function textOf(html: string | undefined, rawCap: number, cap: number): string {
  if (!html) return "";
  return capText(htmlToText(html.length > rawCap ? html.slice(0, rawCap) : html), cap);
}

interface ItemContext extends ParseContext {
  isAtom: boolean;
  base: string | undefined;
}

function normaliseItem(item: RawItem, context: ItemContext): Article {
  const { feed, fetchedAt, isAtom, base } = context;
  // rss-parser puts RSS <description> in `content` and <content:encoded> in its own field;
  // Atom <summary> in `summary` and <content> in `content`.
  const summaryHtml = isAtom
    ? (stringOf(item.summary) ?? stringOf(item.content))
    : (stringOf(item.content) ?? stringOf(item.summary) ?? stringOf(item["content:encoded"]));
  const contentHtml = isAtom ? stringOf(item.content) : stringOf(item["content:encoded"]);
  const content = textOf(contentHtml, RAW_HTML_CAP.content, LIMITS.content);
  // Atom entries often have only <content>, which then serves as the summary too: convert it once.
  const summary =
    summaryHtml === contentHtml
      ? capText(content, LIMITS.summary)
      : textOf(summaryHtml, RAW_HTML_CAP.summary, LIMITS.summary);
  const title =
    capText(htmlToText(stringOf(item.title) ?? ""), LIMITS.title) || capText(summary, 140) || "(untitled)";

  const guid = guidOf(item, isAtom);
  const url = linkOf(item, guid, base);
  const { publishedAt, dateQuality } = dateOf(item, fetchedAt);
  const author = authorOf(item);
  const id = articleId({
    url: url && identifiesItem(url, item, guid) ? url : null,
    feedId: feed.id,
    ...(guid ? { guid: guid.value } : {}),
    title,
    publishedAt,
  });
  return {
    id,
    url,
    title,
    summary,
    ...(content ? { content } : {}),
    feedId: feed.id,
    source: feed.name,
    publishedAt,
    fetchedAt: fetchedAt.toISOString(),
    dateQuality,
    categories: categoriesOf(item),
    ...(author ? { author } : {}),
    ...(guid ? { guid: guid.value } : {}),
  };
}

/**
 * Whether an item's canonical URL can stand for the item in its id. Not when it is a site's front
 * page (podcasts link every episode to the homepage) and not when only the dropped fragment told
 * items apart (micro-blogs link posts as day.html#a1, day.html#a2) and a guid can do the job.
 */
function identifiesItem(url: string, item: RawItem, guid: { value: string } | undefined): boolean {
  const { pathname, search } = new URL(url);
  if (pathname === "/" && !search) return false;
  const rawLink = stringOf(item.link) ?? "";
  return !(guid && rawLink.includes("#"));
}

function guidOf(item: RawItem, isAtom: boolean): { value: string; permalink: boolean } | undefined {
  const raw = isAtom ? stringOf(item.id) : stringOf(item.hwGuid);
  const value = raw?.trim().slice(0, 1000);
  if (!value) return undefined;
  // RSS: a guid is a permalink unless isPermaLink="false". Atom ids are never links.
  const permalink = !isAtom && attribute(item.hwGuid, "isPermaLink")?.trim().toLowerCase() !== "false";
  return { value, permalink };
}

function linkOf(item: RawItem, guid: { value: string; permalink: boolean } | undefined, base?: string) {
  const candidates = [
    stringOf(item.link),
    attribute(item.hwA10Link, "href"),
    guid?.permalink ? guid.value : undefined,
    typeof item["rdf:about"] === "string" ? item["rdf:about"] : undefined,
  ];
  for (const href of candidates) {
    const url = href ? canonicalUrl(href, base) : null;
    if (url) return url;
  }
  return null;
}

function dateOf(item: RawItem, fetchedAt: Date): { publishedAt: string; dateQuality: DateQuality } {
  const candidates = [
    stringOf(item.hwPublished),
    stringOf(item.pubDate),
    stringOf(item.date),
    stringOf(item.hwUpdated),
  ].filter((d): d is string => Boolean(d?.trim()));
  if (candidates.length === 0) return { publishedAt: fetchedAt.toISOString(), dateQuality: "missing" };
  for (const candidate of candidates) {
    const ms = parseFeedDate(candidate);
    if (ms === null) continue;
    if (ms > fetchedAt.getTime() + FUTURE_TOLERANCE_MS) {
      return { publishedAt: fetchedAt.toISOString(), dateQuality: "future-clamped" };
    }
    return { publishedAt: new Date(ms).toISOString(), dateQuality: "ok" };
  }
  return { publishedAt: fetchedAt.toISOString(), dateQuality: "unparseable" };
}

function authorOf(item: RawItem): string | undefined {
  const raw = stringOf(item.creator) ?? stringOf(item.author);
  const text = htmlToText(raw ?? "");
  // RSS <author> is "email (Name)"; the name is what readers want.
  const named = text.match(/^\S+@\S+\s*\((.+)\)$/)?.[1]?.trim();
  const author = capText(named ?? text, LIMITS.author);
  return author || undefined;
}

function categoriesOf(item: RawItem): string[] {
  const values = [item.hwCategory, item.hwSubject].flatMap((v) => (Array.isArray(v) ? v : []));
  const names = new Set<string>();
  for (const value of values) {
    const name =
      stringOf(value) ?? attribute(value, "term") ?? attribute(value, "label") ?? attribute(value, "text");
    const text = capText(htmlToText(name ?? ""), LIMITS.category);
    if (text) names.add(text);
    if (names.size >= LIMITS.categories) break;
  }
  return [...names];
}
