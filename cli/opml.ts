/**
 * OPML feed lists in and out, as feed readers (Feedly, Inoreader, NetNewsWire...) export and
 * import them: every <outline> with an xmlUrl is a feed, at any depth of folders. Our own export
 * carries each feed's id in a namespaced attribute so a round trip keeps the ids (and with them
 * each feed's stored state).
 */
import { Parser } from "htmlparser2";
import { ConfigError } from "../lambdas/core/model/config-schema.ts";
import type { FeedConfig } from "../lambdas/core/model/types.ts";
import { escapeXml } from "../lambdas/core/publish/escape.ts";

export const HEISTWATCH_OPML_NS = "https://github.com/heistwatch/heistwatch/opml";

/** One feed outline as read from the file. */
export interface OpmlFeed {
  /** The outline's title, else its text; may be empty. */
  title: string;
  xmlUrl: string;
  htmlUrl?: string;
  /** The folders it sits in, outermost first. */
  folders: string[];
  /** Our own id, when the file was exported by heistwatch. */
  id?: string;
}

/** Reads every feed outline of an OPML document. Throws ConfigError when it is not OPML. */
export function parseOpml(text: string, where: string): OpmlFeed[] {
  const feeds: OpmlFeed[] = [];
  const folders: (string | null)[] = [];
  let sawOpml = false;
  let sawBody = false;
  let idAttribute = "heistwatch:id";
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const tag = name.toLowerCase();
        if (tag === "opml") {
          sawOpml = true;
          // Whatever prefix the file bound to our namespace.
          for (const [key, value] of Object.entries(attribs)) {
            if (key.startsWith("xmlns:") && value === HEISTWATCH_OPML_NS) idAttribute = `${key.slice(6)}:id`;
          }
        }
        if (tag === "body") sawBody = true;
        if (tag !== "outline") return;
        const title = (attribs.title ?? attribs.text ?? "").trim();
        const xmlUrl = (attribs.xmlUrl ?? attribs.xmlurl ?? "").trim();
        if (xmlUrl) {
          const htmlUrl = (attribs.htmlUrl ?? attribs.htmlurl ?? "").trim();
          feeds.push({
            title,
            xmlUrl,
            ...(htmlUrl ? { htmlUrl } : {}),
            folders: folders.filter((f): f is string => f !== null),
            ...(attribs[idAttribute] ? { id: attribs[idAttribute] } : {}),
          });
          folders.push(null);
        } else {
          folders.push(title || null);
        }
      },
      onclosetag(name) {
        if (name.toLowerCase() === "outline") folders.pop();
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeSelfClosing: true },
  );
  parser.write(text);
  parser.end();
  if (!sawOpml || !sawBody) {
    throw new ConfigError(`${where} is not an OPML document (no <opml> with a <body>)`);
  }
  return feeds;
}

/** A feed id from a name: lower-case a-z, 0-9 and '-', at most 64 characters. */
export function slugId(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
}

/** The same feed URL however it is spelled (host case, a trailing slash). */
export function sameUrlKey(url: string): string {
  try {
    const parsed = new URL(url.trim());
    return `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname.replace(/\/+$/, "")}${parsed.search}`;
  } catch {
    return url.trim();
  }
}

export interface ImportPlan {
  added: FeedConfig[];
  /** Outlines whose URL is already in the list (or earlier in the file). */
  duplicates: OpmlFeed[];
}

/**
 * The feeds of an OPML file that are new to `existing` (by URL), with ids that are unique and
 * valid: the exported id when it is free, else one made from the title (or the host).
 */
export function planImport(outlines: OpmlFeed[], existing: FeedConfig[]): ImportPlan {
  const urls = new Set(existing.map((feed) => sameUrlKey(feed.url)));
  const ids = new Set(existing.map((feed) => feed.id));
  const added: FeedConfig[] = [];
  const duplicates: OpmlFeed[] = [];
  for (const outline of outlines) {
    const key = sameUrlKey(outline.xmlUrl);
    if (urls.has(key)) {
      duplicates.push(outline);
      continue;
    }
    urls.add(key);
    let host = "";
    try {
      host = new URL(outline.xmlUrl).hostname;
    } catch {
      // An unusable URL is reported by the feed-list validator, naming the entry.
    }
    const name = outline.title || host || outline.xmlUrl;
    const wanted = outline.id && !ids.has(outline.id) ? outline.id : slugId(name) || slugId(host) || "feed";
    let id = wanted;
    for (let n = 2; ids.has(id); n++) id = `${wanted.slice(0, 60)}-${n}`;
    ids.add(id);
    added.push({ id, name, url: outline.xmlUrl });
  }
  return { added, duplicates };
}

/** The feed list as OPML 2.0, one outline per feed, ids kept in our namespace. */
export function renderOpml(feeds: FeedConfig[], title: string, now: Date): string {
  const outlines = feeds
    .map(
      (feed) =>
        `    <outline type="rss" text="${escapeXml(feed.name)}" title="${escapeXml(feed.name)}" ` +
        `xmlUrl="${escapeXml(feed.url)}" heistwatch:id="${escapeXml(feed.id)}"/>`,
    )
    .join("\n");
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<opml version="2.0" xmlns:heistwatch="${HEISTWATCH_OPML_NS}">`,
    `  <head><title>${escapeXml(title)}</title><dateCreated>${now.toUTCString()}</dateCreated></head>`,
    "  <body>",
    outlines,
    "  </body>",
    "</opml>",
    "",
  ].join("\n");
}
