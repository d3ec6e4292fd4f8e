/**
 * One pass over a feed document with htmlparser2's XML tokenizer, keeping only what
 * normalisation reads: the root, the channel's title and link, and per item the few child
 * elements below. No tree is built and nothing recurses, so depth costs nothing but a counter.
 *
 * The pass is as strict as the sax parser behind rss-parser was where that protected us (text
 * outside the root, unknown or malformed entity references, mismatched or unclosed tags, bad tag
 * and attribute names, unquoted attributes), with the same messages, so a broken document is
 * still refused rather than guessed at. Element values follow xml2js's rules (first occurrence
 * wins; an element with attributes and only whitespace has no text), except that an HTML field
 * holding unescaped child elements yields its whole inner markup rather than the text between
 * them, which lost words.
 */
import { QuoteType, Tokenizer, type TokenizerCallbacks } from "htmlparser2";
import { decodeEntities, EntityError } from "./xml-entities.ts";
import { scanXml } from "./xml-scanner.ts";
import { NameSlots } from "../text/markup-names.ts";

/** One element's content as normalisation sees it. */
export interface XmlValue {
  /** Text (entities decoded, CDATA kept); undefined where xml2js would have given an object. */
  text: string | undefined;
  /** Attributes read for this element (only those normalisation uses). */
  attrs: Record<string, string> | undefined;
}

/** The child elements of one item (RSS) or entry (Atom) that normalisation reads. */
export interface XmlItem {
  fields: Map<string, XmlValue>;
  /** Every <link> (Atom needs rel and href of each), <category> and <dc:subject>, in order. */
  links: XmlValue[];
  categories: XmlValue[];
  subjects: XmlValue[];
  /** The first <author>'s first <name> (Atom). */
  authorName: XmlValue | undefined;
  /** The item element's rdf:about attribute (RSS 1.0). */
  about: string | undefined;
}

export interface XmlFeed {
  /** Root element name as written, e.g. "rss", "rdf:RDF", "feed". */
  root: string;
  rootAttrs: Record<string, string>;
  hasChannel: boolean;
  channel: Map<string, XmlValue>;
  channelLinks: XmlValue[];
  items: XmlItem[];
  /** Items dropped because they were malformed in a way the rest of the document was not. */
  skippedItems: string[];
}

/** Not well-formed XML; `offset` is the index of the character where the problem was found. */
export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "XmlSyntaxError";
  }
}

/**
 * Most characters of raw HTML read for a summary and for content: enough markup for the text caps,
 * but bounded, so one giant item cannot eat the poller's memory or CPU (HTML-to-text costs roughly
 * 10-30 ms per 20 KB). Text past these is checked for well-formedness but not kept.
 */
export const RAW_HTML_CAP = { summary: 20_000, content: 100_000 };

/** Elements deeper than this inside an item drop that item; outside items, the document. */
export const MAX_DEPTH = 1000;

// Child elements of an item whose first occurrence is kept.
const ITEM_FIELDS = new Set([
  "title",
  "dc:title",
  "link",
  "a10:link",
  "guid",
  "id",
  "description",
  "summary",
  "content",
  "content:encoded",
  "published",
  "updated",
  "pubDate",
  "dc:date",
  "author",
  "dc:creator",
]);
// Fields that hold HTML: with unescaped child elements, their inner markup is their value.
const HTML_FIELDS = new Set(["title", "dc:title", "description", "summary", "content", "content:encoded"]);
// Attributes read, by element. A Map: element names like "constructor" must find nothing.
const ATTRIBUTES_OF = new Map<string, readonly string[]>([
  ["link", ["href", "rel"]],
  ["a10:link", ["href"]],
  ["guid", ["isPermaLink"]],
  ["category", ["term", "label", "text"]],
  ["dc:subject", ["term", "label", "text"]],
]);
const CHANNEL_FIELDS = new Set(["title", "dc:title", "link"]);

/**
 * htmlparser2's tokenizer with its skip to the next "<" (text), quote (attribute value) or ">"
 * done by String#indexOf rather than a loop over char codes: the same stop, found natively. Text
 * is most of a feed's characters, so this is a good share of the XML pass. Only this subclass is
 * changed; the HTML tokenizer elsewhere is htmlparser2's own.
 */
class FeedTokenizer extends Tokenizer {}
interface TokenizerScan {
  buffer: string;
  index: number;
  offset: number;
}
const CHARACTERS = new Map<number, string>();
(FeedTokenizer.prototype as unknown as { fastForwardTo(c: number): boolean }).fastForwardTo = function (
  this: TokenizerScan,
  c: number,
): boolean {
  let character = CHARACTERS.get(c);
  if (character === undefined) CHARACTERS.set(c, (character = String.fromCharCode(c)));
  const at = this.buffer.indexOf(character, this.index + 1 - this.offset);
  if (at === -1) {
    // As the original: the parse loop increments the index after the state returns.
    this.index = this.buffer.length + this.offset - 1;
    return false;
  }
  this.index = at + this.offset;
  return true;
};

const NAME = /^[A-Za-z_:\u00C0-\uFFFF][\w:.\-\u00B7\u00C0-\uFFFF]*$/;

/** A value being collected: text pieces so far, and where its inner markup starts. */
interface Capture {
  name: string;
  /** Characters of text kept at most (see RAW_HTML_CAP). */
  cap: number;
  depth: number;
  text: string;
  sawCdata: boolean;
  hasChildren: boolean;
  attrs: Record<string, string> | undefined;
  innerStart: number;
  into: "field" | "link" | "category" | "subject" | "authorName" | "channel" | "channelLink";
}

/**
 * Reads a feed document in one pass. Throws XmlSyntaxError when it is not well-formed.
 *
 * The hand scanner (xml-scanner.ts) reads it first; when it leaves the document to htmlparser2's
 * tokenizer, or the document turns out not to be well-formed, the tokenizer reads it again from the
 * start, so what is read, and every error and its offset, are always the tokenizer's. `reader`
 * "tokenizer" skips the scanner (the tests compare the two).
 */
export function readFeedXml(xml: string, reader: "scanner" | "tokenizer" = "scanner"): XmlFeed {
  if (reader === "scanner") {
    try {
      return readWith(xml, true);
    } catch {
      // Left to the tokenizer, or broken: the tokenizer's reading decides.
    }
  }
  return readWith(xml, false);
}

function readWith(xml: string, scanner: boolean): XmlFeed {
  const feed: XmlFeed = {
    root: "",
    rootAttrs: {},
    hasChannel: false,
    channel: new Map(),
    channelLinks: [],
    items: [],
    skippedItems: [],
  };
  const stack: string[] = [];
  // Tag and attribute names already checked against NAME: a document repeats a few dozen names.
  const validNames = new NameSlots(false);
  let closedRoot = false;
  let sawInternalSubset = false;
  let nextAmp = -1;

  // The open tag being read: its name and the attributes kept.
  let tagName = "";
  let tagAttrs: Record<string, string> | undefined;
  let wantedAttrs: readonly string[] | undefined;
  let attrName = "";
  let attrStart = -1;
  let attrEnd = -1;

  // Structure. The channel is <channel> (RSS, RDF) or the root (Atom): its children are the
  // feed's title and link, and (RSS, Atom) its items; RDF items are children of the root.
  let channelDepth = -1;
  let itemParentDepth = -1;
  let itemName = "";
  let item: XmlItem | undefined;
  let itemDepth = -1;
  let itemTooDeep = false;
  let authorDepth = -1;
  let authorSeen = false;
  // Values being collected, innermost last (an Atom <author> and its <name> at once).
  const captures: Capture[] = [];
  const capturePool: Capture[] = [];

  // Guarded: reading index -1 of an empty array is a slow property lookup, not an array read.
  const innermostCapture = (): Capture | undefined =>
    captures.length > 0 ? captures[captures.length - 1] : undefined;

  const fail = (message: string, offset: number): never => {
    throw new XmlSyntaxError(message, offset);
  };

  const hasAmpersand = (start: number, end: number): boolean => {
    if (nextAmp < start) {
      nextAmp = xml.indexOf("&", start);
      if (nextAmp === -1) nextAmp = Number.MAX_SAFE_INTEGER;
    }
    return nextAmp < end;
  };

  /** xml[start, end) with entities decoded (with `decode` false: checked only, ""); see decodeEntities. */
  const decoded = (start: number, end: number, decode: boolean, maxLength?: number): string => {
    if (!hasAmpersand(start, end)) return decode ? xml.slice(start, end) : "";
    try {
      return decodeEntities(xml, start, end, decode, maxLength);
    } catch (error) {
      if (error instanceof EntityError) fail(error.message, error.offset);
      throw error;
    }
  };

  /** What to collect for an element just opened at `depth` (1 = root), if anything. */
  const captureFor = (name: string, depth: number): Capture["into"] | undefined => {
    if (item) {
      if (depth === itemDepth + 1) {
        if (name === "link") return "link";
        if (name === "category") return "category";
        if (name === "dc:subject") return "subject";
        if (ITEM_FIELDS.has(name)) return "field";
      } else if (depth === authorDepth + 1 && name === "name") {
        return "authorName";
      }
      return undefined;
    }
    if (depth === channelDepth + 1 && CHANNEL_FIELDS.has(name)) {
      return name === "link" ? "channelLink" : "channel";
    }
    return undefined;
  };

  const openElement = (endOfTag: number, selfClosing: boolean): void => {
    const name = tagName;
    const attrs = tagAttrs;
    tagAttrs = undefined;
    wantedAttrs = undefined;
    stack.push(name);
    const depth = stack.length;
    if (depth > MAX_DEPTH) {
      if (!item) fail(`elements nested deeper than ${MAX_DEPTH} levels`, endOfTag);
      itemTooDeep = true;
    }
    const parent = innermostCapture();
    if (parent) parent.hasChildren = true;

    if (closedRoot) {
      // A second top-level element (sax let it pass): checked for well-formedness, not read.
    } else if (depth === 1) {
      feed.root = name;
      feed.rootAttrs = attrs ?? {};
      if (name === "feed") {
        channelDepth = itemParentDepth = 1;
        itemName = "entry";
      } else if (name === "rdf:RDF") {
        itemParentDepth = 1;
        itemName = "item";
      } else if (name === "rss") {
        itemName = "item";
      }
    } else if (depth === 2 && name === "channel" && !feed.hasChannel) {
      feed.hasChannel = true;
      channelDepth = 2;
      if (feed.root === "rss") itemParentDepth = 2;
    } else if (!item && depth === itemParentDepth + 1 && name === itemName) {
      item = {
        fields: new Map(),
        links: [],
        categories: [],
        subjects: [],
        authorName: undefined,
        about: attrs?.["rdf:about"],
      };
      itemDepth = depth;
      itemTooDeep = false;
      authorSeen = false;
    } else {
      const into = captureFor(name, depth);
      if (into) {
        // Capture objects are reused by nesting level: one per level, not one per element.
        const c = (capturePool[captures.length] ??= {
          name: "",
          cap: 0,
          depth: 0,
          text: "",
          sawCdata: false,
          hasChildren: false,
          attrs: undefined,
          innerStart: 0,
          into: "field",
        });
        c.name = name;
        c.cap = name === "description" || name === "summary" ? RAW_HTML_CAP.summary : RAW_HTML_CAP.content;
        c.depth = depth;
        c.text = "";
        c.sawCdata = false;
        c.hasChildren = false;
        c.attrs = attrs;
        c.innerStart = endOfTag + 1;
        c.into = into;
        captures.push(c);
      }
      if (item && depth === itemDepth + 1 && name === "author" && !authorSeen) {
        authorSeen = true;
        authorDepth = depth;
      }
    }
    if (selfClosing) closeElement(endOfTag + 1);
  };

  /** Closes the innermost element; `innerEnd` is where its content ended ("<" of "</x>"). */
  const closeElement = (innerEnd: number): void => {
    const depth = stack.length;
    const innermost = innermostCapture();
    if (innermost && innermost.depth === depth) {
      captures.pop();
      finishCapture(innermost, innerEnd);
    }
    if (depth === authorDepth) authorDepth = -1;
    if (depth === channelDepth && depth === 2) channelDepth = itemParentDepth = feed.root === "rss" ? -1 : 1;
    if (item && depth === itemDepth) {
      if (itemTooDeep) {
        const position = feed.items.length + feed.skippedItems.length + 1;
        feed.skippedItems.push(`item ${position} nested deeper than ${MAX_DEPTH} elements`);
      } else {
        feed.items.push(item);
      }
      item = undefined;
      itemDepth = -1;
    }
    stack.pop();
    if (stack.length === 0) closedRoot = true;
  };

  const finishCapture = (c: Capture, innerEnd: number): void => {
    let text: string | undefined = c.text;
    if (c.hasChildren && HTML_FIELDS.has(c.name)) {
      text = innerMarkup(xml, c.innerStart, Math.min(innerEnd, c.innerStart + c.cap));
    } else if ((c.hasChildren || c.attrs) && !c.sawCdata && isBlank(c.text)) {
      // xml2js: child elements or attributes with only whitespace make an object without text.
      text = undefined;
    }
    const value: XmlValue = { text, attrs: c.attrs };
    switch (c.into) {
      case "field":
        if (item && !item.fields.has(c.name)) item.fields.set(c.name, value);
        break;
      case "link":
        item?.links.push(value);
        break;
      case "category":
        item?.categories.push(value);
        break;
      case "subject":
        item?.subjects.push(value);
        break;
      case "authorName":
        if (item && !item.authorName) item.authorName = value;
        break;
      case "channel":
        if (!feed.channel.has(c.name)) feed.channel.set(c.name, value);
        break;
      case "channelLink":
        feed.channelLinks.push(value);
        break;
    }
  };

  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      const known = validNames.find(xml, start, end);
      if (known === undefined) {
        tagName = xml.slice(start, end);
        if (!NAME.test(tagName)) fail("Invalid character in tag name", start + firstBadNameChar(tagName));
        validNames.add(tagName);
      } else {
        tagName = known;
      }
      tagAttrs = undefined;
      wantedAttrs = ATTRIBUTES_OF.get(tagName);
    },
    onattribname(start, end) {
      attrStart = -1;
      const known = validNames.find(xml, start, end);
      if (known === undefined) {
        attrName = xml.slice(start, end);
        if (!NAME.test(attrName)) fail("Invalid attribute name", start + firstBadNameChar(attrName));
        validNames.add(attrName);
      } else {
        attrName = known;
      }
    },
    onattribdata(start, end) {
      if (attrStart === -1) attrStart = start;
      attrEnd = end;
    },
    onattribentity() {},
    onattribend(quote, end) {
      if (quote === QuoteType.NoValue) fail("Attribute without value", end);
      if (quote === QuoteType.Unquoted) fail("Unquoted attribute value", end);
      const start = attrStart === -1 ? end : attrStart;
      const stop = attrStart === -1 ? end : attrEnd;
      const wanted =
        stack.length === 0 ||
        wantedAttrs?.includes(attrName) === true ||
        (attrName === "rdf:about" && tagName === itemName);
      const value = decoded(start, stop, wanted);
      // No prototype on the root's (all its attributes are kept, and one may be named
      // "__proto__"); elsewhere only the fixed names of ATTRIBUTES_OF and rdf:about are, and a plain
      // object (fast properties) is safe.
      if (wanted)
        (tagAttrs ??= stack.length === 0 ? (Object.create(null) as Record<string, string>) : {})[attrName] =
          value;
    },
    onopentagend(end) {
      openElement(end, false);
    },
    onselfclosingtag(end) {
      openElement(end, true);
    },
    onclosetag(start, end) {
      const open = stack.length > 0 ? stack[stack.length - 1] : undefined;
      // Compared in place: no string per end tag.
      if (open === undefined || end - start !== open.length || !sameText(xml, start, open)) {
        const name = xml.slice(start, end);
        fail(stack.includes(name) ? "Unexpected close tag" : `Unmatched closing tag: ${name}`, end);
      }
      // "</" is right before the name, except where the tokenizer read spaces between them.
      const lt = xml.charCodeAt(start - 2) === 0x3c && xml.charCodeAt(start - 1) === 0x2f;
      closeElement(lt ? start - 2 : xml.lastIndexOf("</", start));
    },
    ontext(start, end) {
      if (stack.length === 0) {
        if (isBlank(xml.slice(start, end))) return;
        // The "]>" that ends a DOCTYPE's internal subset arrives as text.
        if (sawInternalSubset && !feed.root && /^\s*\]\s*>?\s*$/.test(xml.slice(start, end))) return;
        fail(closedRoot ? "Text data outside of root node." : "Non-whitespace before first tag.", start);
      }
      const c = innermostCapture();
      if (c && c.depth === stack.length && c.text.length < c.cap) {
        c.text += decoded(start, end, true, c.cap - c.text.length);
        if (c.text.length > c.cap) c.text = c.text.slice(0, c.cap);
      } else {
        decoded(start, end, false);
      }
    },
    ontextentity() {},
    oncdata(start, end, endOffset) {
      const c = innermostCapture();
      if (c && c.depth === stack.length) {
        if (c.text.length < c.cap)
          c.text += xml.slice(start, Math.min(end - endOffset, start + c.cap - c.text.length));
        c.sawCdata = true;
      }
    },
    oncomment() {},
    ondeclaration(start, end) {
      if (/^!?DOCTYPE\b[^[>]*\[/i.test(xml.slice(start, Math.min(end, start + 2000))))
        sawInternalSubset = true;
    },
    onprocessinginstruction() {},
    onend() {},
  };
  if (scanner) {
    scanXml(xml, callbacks);
  } else {
    const tokenizer = new FeedTokenizer(
      { xmlMode: true, decodeEntities: false },
      callbacks as TokenizerCallbacks,
    );
    tokenizer.write(xml);
    tokenizer.end();
  }
  if (stack.length > 0 || !feed.root) fail("Unclosed root tag", xml.length - 1);
  return feed;
}

/** Whether `text` is written at xml[start...] (a char loop: names are short, and this is faster). */
function sameText(xml: string, start: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (xml.charCodeAt(start + i) !== text.charCodeAt(i)) return false;
  return true;
}

/** Index of the first character that cannot be in an XML name (the whole name is bad: 0). */
function firstBadNameChar(name: string): number {
  for (let i = 1; i <= name.length; i++) if (!NAME.test(name.slice(0, i))) return i - 1;
  return 0;
}

// xml2js's test for "no text": /^\s*$/ (so no-break spaces count as blank too).
function isBlank(text: string): boolean {
  return !/\S/.test(text);
}

/** An element's inner markup with CDATA markers removed (their content is markup already). */
function innerMarkup(xml: string, start: number, end: number): string {
  const inner = xml.slice(start, Math.max(start, end));
  return inner.includes("<![CDATA[") ? inner.replace(/<!\[CDATA\[|\]\]>/g, "") : inner;
}
