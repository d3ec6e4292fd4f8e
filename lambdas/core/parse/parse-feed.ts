/**
 * Feed text to normalised Articles: RSS 0.9x, 1.0 (RDF), 2.0 and Atom. One XML pass
 * (feed-xml.ts, on htmlparser2's tokenizer) reads only the fields used here; this module turns
 * them into plain-text, capped Articles with canonical URLs, stable ids and checked dates.
 * Field precedence follows what rss-parser did before it (RELIABILITY.md), so ids never change.
 */
import { articleId } from "./article-id.ts";
import { canonicalUrl } from "./canonical-url.ts";
import { isoDate, parseFeedDate } from "./dates.ts";
import {
  RAW_HTML_CAP,
  readFeedXml,
  XmlSyntaxError,
  type XmlFeed,
  type XmlItem,
  type XmlValue,
} from "./feed-xml.ts";
import { capText, htmlToCappedText, htmlToText } from "../text/html-to-text.ts";
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
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/**
 * Parses one feed document (RSS 0.9x, 1.0, 2.0 or Atom, already decoded to text) into Articles.
 * Items with duplicate ids or guids collapse to the first. Throws FeedParseError with kind
 * "bad-xml" or "not-a-feed" and a message a person can act on. An item nested deeper than the
 * document allows is dropped (with a warning) and the items beside it are kept.
 */
export async function parseFeed(
  xml: string,
  context: { feed: FeedConfig; fetchedAt: Date; baseUrl?: string },
): Promise<ParsedFeed> {
  await Promise.resolve(); // the signature stays async: callers await it, and may yield between feeds
  const warnings: string[] = [];
  const raw = parseRaw(xml, warnings);
  const isAtom = raw.root === "feed";
  const siteLink = isAtom ? atomLink(raw.channelLinks) : raw.channelLinks[0]?.text;
  const base = chooseBase(xml, context, siteLink);

  const articles: Article[] = [];
  const seenIds = new Set<string>();
  const seenGuids = new Set<string>();
  let duplicates = 0;
  const itemContext: ItemContext = {
    ...context,
    isAtom,
    base,
    fetchedAtIso: context.fetchedAt.toISOString(),
  };
  for (const item of raw.items) {
    const article = normaliseItem(item, itemContext);
    if (seenIds.has(article.id) || (article.guid && seenGuids.has(article.guid))) {
      duplicates++;
      continue;
    }
    seenIds.add(article.id);
    if (article.guid) seenGuids.add(article.guid);
    articles.push(article);
  }
  if (duplicates) warnings.push(`${duplicates} duplicate item(s) dropped`);
  if (raw.skippedItems.length) {
    warnings.push(`${raw.skippedItems.length} malformed item(s) skipped: ${raw.skippedItems.join("; ")}`);
  }

  const feedTitle = isAtom ? raw.channel.get("title")?.text : titleOf(raw.channel);
  const title = htmlToCappedText(feedTitle ?? "", LIMITS.title);
  const link = siteLink ? canonicalUrl(siteLink, base) : null;
  return {
    ...(title ? { title } : {}),
    ...(link ? { link } : {}),
    articles,
    ...(warnings.length ? { warnings } : {}),
  };
}

/** The XML pass with failures classified; one repair is tried for bare ampersands. */
function parseRaw(xml: string, warnings: string[]): XmlFeed {
  if (!xml.trim()) throw new FeedParseError("not-a-feed", "the document is empty");
  const root = firstElementName(xml);
  if (root === "html") throw new FeedParseError("not-a-feed", "the document is an HTML page, not a feed");
  const declaresEntities = declaresEntity(xml.slice(0, 100_000));
  let feed: XmlFeed;
  try {
    feed = readFeedXml(xml);
  } catch (error) {
    const failure = classifyParseError(error, xml, declaresEntities);
    // Unescaped "&" in links is the most common real-world breakage; escaping it loses nothing.
    // Never attempted on documents declaring entities (billion laughs, XXE): those stay refused.
    if (failure.kind !== "bad-xml" || declaresEntities || !/entity/i.test(failure.message)) throw failure;
    const { text, count } = escapeBareAmpersands(xml);
    if (count === 0) throw failure;
    try {
      feed = readFeedXml(text);
    } catch {
      throw failure; // the original error describes the document as served
    }
    warnings.push(`repaired ${count} unescaped "&" character(s) (${failure.message})`);
  }
  if (feed.root !== "rss" && feed.root !== "feed" && feed.root !== "rdf:RDF") {
    throw new FeedParseError("not-a-feed", "the document is XML but not an RSS, RDF or Atom feed");
  }
  if (feed.root !== "feed" && !feed.hasChannel) {
    throw new FeedParseError(
      "bad-xml",
      `the feed has an unexpected structure (no <channel> in <${feed.root}>)`,
    );
  }
  return feed;
}

/**
 * Whether the text holds "<!ENTITY" in any case: each "<!" is looked at (a case-insensitive regex
 * over the first 100 KB cost more than the rest of reading a small feed).
 */
function declaresEntity(text: string): boolean {
  for (let at = text.indexOf("<!"); at !== -1; at = text.indexOf("<!", at + 2)) {
    let k = 0;
    // ASCII letters only, as /i without the u flag compares them.
    while (k < 6 && (text.charCodeAt(at + 2 + k) | 0x20) === "entity".charCodeAt(k)) k++;
    if (k === 6) return true;
  }
  return false;
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

function classifyParseError(error: unknown, xml: string, declaresEntities: boolean): FeedParseError {
  if (!(error instanceof XmlSyntaxError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new FeedParseError("bad-xml", `the feed has an unexpected structure (${message})`);
  }
  // Where sax put it: the line and column after reading the offending character.
  const before = xml.slice(0, error.offset + 1);
  const line = before.split("\n").length;
  const column = error.offset - before.lastIndexOf("\n");
  const entityNote = declaresEntities ? "; DTD entities are never expanded (entity-expansion guard)" : "";
  return new FeedParseError(
    "bad-xml",
    `the document is not well-formed XML: ${error.message} at line ${line}, column ${column}${entityNote}`,
  );
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

/** Atom's link choice: the first rel="alternate", else the first link. */
function atomLink(links: XmlValue[]): string | undefined {
  return (links.find((l) => l.attrs?.rel === "alternate") ?? links[0])?.attrs?.href;
}

/** <title>, or <dc:title> only when there is no <title> at all. */
function titleOf(fields: Map<string, XmlValue>): string | undefined {
  return (fields.get("title") ?? fields.get("dc:title"))?.text;
}

/** An HTML field that is present has a value, if only "" (an empty element with attributes). */
function htmlOf(value: XmlValue | undefined): string | undefined {
  return value ? (value.text ?? "") : undefined;
}

/** Plain text of an HTML field, capped; the conversion stops once the cap is decided. */
function textOf(html: string | undefined, rawCap: number, cap: number): string {
  if (!html) return "";
  return htmlToCappedText(html.length > rawCap ? html.slice(0, rawCap) : html, cap);
}

interface ItemContext extends ParseContext {
  isAtom: boolean;
  base: string | undefined;
  fetchedAtIso: string;
}

function normaliseItem(item: XmlItem, context: ItemContext): Article {
  const { feed, isAtom, base, fetchedAtIso } = context;
  const fields = item.fields;
  // RSS: <description>, else <summary>, else <content:encoded> is the summary; Atom: <summary>,
  // else <content>.
  const summaryHtml = isAtom
    ? (htmlOf(fields.get("summary")) ?? htmlOf(fields.get("content")))
    : (htmlOf(fields.get("description")) ??
      fields.get("summary")?.text ??
      fields.get("content:encoded")?.text);
  const contentHtml = isAtom ? htmlOf(fields.get("content")) : fields.get("content:encoded")?.text;
  const content = textOf(contentHtml, RAW_HTML_CAP.content, LIMITS.content);
  // Atom entries often have only <content>, which then serves as the summary too: convert it once.
  const summary =
    summaryHtml === contentHtml
      ? capText(content, LIMITS.summary)
      : textOf(summaryHtml, RAW_HTML_CAP.summary, LIMITS.summary);
  const title =
    htmlToCappedText(titleOf(item.fields) ?? "", LIMITS.title) || capText(summary, 140) || "(untitled)";

  const rawLink = isAtom ? atomLink(item.links) : item.links[0]?.text;
  const guid = guidOf(item, isAtom);
  const url = linkOf(item, rawLink, guid, isAtom ? undefined : item.about, base);
  const { publishedAt, dateQuality } = dateOf(item, context.fetchedAt, fetchedAtIso);
  const author = authorOf(item, isAtom);
  const id = articleId({
    url: url && identifiesItem(url, rawLink, guid) ? url : null,
    feedId: feed.id,
    ...(guid ? { guid: guid.value } : {}),
    title,
    publishedAt,
  });
  // Built in place (no spread objects per item); the keys keep the order they always had.
  const article: Article = { id, url, title, summary } as Article;
  if (content) article.content = content;
  article.feedId = feed.id;
  article.source = feed.name;
  article.publishedAt = publishedAt;
  article.fetchedAt = fetchedAtIso;
  article.dateQuality = dateQuality;
  article.categories = categoriesOf(item);
  if (author) article.author = author;
  if (guid) article.guid = guid.value;
  return article;
}

const FRONT_PAGE = /^https?:\/\/[^/?#]+\/$/;

/**
 * Whether an item's canonical URL can stand for the item in its id. Not when it is a site's front
 * page (podcasts link every episode to the homepage) and not when only the dropped fragment told
 * items apart (micro-blogs link posts as day.html#a1, day.html#a2) and a guid can do the job.
 */
function identifiesItem(
  url: string,
  rawLink: string | undefined,
  guid: { value: string } | undefined,
): boolean {
  // A canonical URL is scheme://host[:port]/path[?query]: the front page is nothing after the "/".
  if (FRONT_PAGE.test(url)) return false;
  return !(guid && (rawLink ?? "").includes("#"));
}

function guidOf(item: XmlItem, isAtom: boolean): { value: string; permalink: boolean } | undefined {
  const element = item.fields.get(isAtom ? "id" : "guid");
  const value = element?.text?.trim().slice(0, 1000);
  if (!value) return undefined;
  // RSS: a guid is a permalink unless isPermaLink="false". Atom ids are never links.
  const permalink = !isAtom && element?.attrs?.isPermaLink?.trim().toLowerCase() !== "false";
  return { value, permalink };
}

function linkOf(
  item: XmlItem,
  rawLink: string | undefined,
  guid: { value: string; permalink: boolean } | undefined,
  about: string | undefined,
  base?: string,
) {
  // In order: the link, an a10:link href, a permalink guid, RDF's about (no array per item).
  return (
    (rawLink ? canonicalUrl(rawLink, base) : null) ??
    canonicalIfAny(item.fields.get("a10:link")?.attrs?.href, base) ??
    (guid?.permalink ? canonicalUrl(guid.value, base) : null) ??
    canonicalIfAny(about, base)
  );
}

function canonicalIfAny(href: string | undefined, base: string | undefined): string | null {
  return href ? canonicalUrl(href, base) : null;
}

const DATE_FIELDS = ["published", "pubDate", "dc:date", "updated"];

function dateOf(
  item: XmlItem,
  fetchedAt: Date,
  fetchedAtIso: string,
): { publishedAt: string; dateQuality: DateQuality } {
  let sawDate = false;
  for (const name of DATE_FIELDS) {
    const candidate = item.fields.get(name)?.text;
    if (!candidate?.trim()) continue;
    sawDate = true;
    const ms = parseFeedDate(candidate);
    if (ms === null) continue;
    if (ms > fetchedAt.getTime() + FUTURE_TOLERANCE_MS) {
      return { publishedAt: fetchedAtIso, dateQuality: "future-clamped" };
    }
    return { publishedAt: isoDate(ms), dateQuality: "ok" };
  }
  return { publishedAt: fetchedAtIso, dateQuality: sawDate ? "unparseable" : "missing" };
}

function authorOf(item: XmlItem, isAtom: boolean): string | undefined {
  const author = item.fields.get("author");
  const creator = (item.fields.get("dc:creator") ?? author)?.text;
  const named = isAtom && item.authorName ? item.authorName.text : author?.text;
  const text = htmlToText(creator ?? named ?? "");
  // RSS <author> is "email (Name)"; the name is what readers want.
  const fromEmail = text.includes("@") ? text.match(/^\S+@\S+\s*\((.+)\)$/)?.[1]?.trim() : undefined;
  const capped = capText(fromEmail ?? text, LIMITS.author);
  return capped || undefined;
}

function categoriesOf(item: XmlItem): string[] {
  const names = new Set<string>();
  addCategories(names, item.categories);
  addCategories(names, item.subjects);
  return [...names];
}

/** <category> then <dc:subject> values, up to the cap (no joined array per item). */
function addCategories(names: Set<string>, values: XmlValue[]): void {
  for (const value of values) {
    if (names.size >= LIMITS.categories) return;
    const name = value.text ?? value.attrs?.term ?? value.attrs?.label ?? value.attrs?.text;
    const text = htmlToCappedText(name ?? "", LIMITS.category);
    if (text) names.add(text);
  }
}
