/**
 * A hand scanner for well-formed feed XML that gives the same callbacks, with the same offsets, as
 * htmlparser2's tokenizer in XML mode without entity decoding (feed-xml.ts's pass), at a fraction
 * of its per-character cost: every skip (to the next "<", quote, ">" or end of a comment or CDATA
 * section) is one native `indexOf`.
 *
 * It reads only the plain forms: text, start tags with quoted attribute values, end tags, empty
 * elements, comments, CDATA sections and processing instructions. Anything the tokenizer reads in
 * a way of its own (a DOCTYPE or other declaration, "<" before a space, an unquoted or valueless
 * attribute, "/" not followed by ">", an end tag with more than spaces before ">", anything cut off
 * by the end) makes it throw LeaveToTokenizer, and the caller reads the document again with the
 * tokenizer. So a document is always read as the tokenizer reads it.
 */
import { QuoteType, type TokenizerCallbacks } from "htmlparser2";
import { isMarkupSpace } from "../text/markup-names.ts";

/** The document holds something only htmlparser2's tokenizer reads exactly. */
export class LeaveToTokenizer extends Error {
  constructor(readonly offset: number) {
    super(`left to the tokenizer at ${offset}`);
    this.name = "LeaveToTokenizer";
  }
}

/** The callbacks feed-xml.ts uses (the tokenizer's names and arguments). */
export type XmlCallbacks = Pick<
  TokenizerCallbacks,
  | "onopentagname"
  | "onattribname"
  | "onattribdata"
  | "onattribend"
  | "onopentagend"
  | "onselfclosingtag"
  | "onclosetag"
  | "ontext"
  | "oncdata"
>;

// What ends a tag name or attribute name section: whitespace, "/" or ">".
const endsTagSection = (c: number) => c === 0x2f || c === 0x3e || isMarkupSpace(c);

/** Scans `xml`, calling `cbs` as the tokenizer would; throws LeaveToTokenizer (see above). */
export function scanXml(xml: string, cbs: XmlCallbacks): void {
  const n = xml.length;
  let text = 0; // start of the text not yet given
  for (let lt = xml.indexOf("<"); lt !== -1; lt = xml.indexOf("<", text)) {
    if (lt > text) cbs.ontext(text, lt);
    const c = xml.charCodeAt(lt + 1);
    if (c === 0x2f) {
      text = endTag(xml, lt, cbs);
    } else if (c === 0x21) {
      // "<!": only comments and CDATA sections.
      if (xml.startsWith("--", lt + 2)) {
        // The tokenizer counts the opening "--" towards the closing "-->" ("<!-->" is a comment).
        const close = xml.indexOf("-->", lt + 2);
        if (close === -1) throw new LeaveToTokenizer(lt);
        text = close + 3;
      } else if (xml.startsWith("[CDATA[", lt + 2)) {
        const start = lt + 9;
        const close = xml.indexOf("]]>", start);
        if (close === -1) throw new LeaveToTokenizer(lt);
        cbs.oncdata(start, close + 2, 2);
        text = close + 3;
      } else {
        throw new LeaveToTokenizer(lt);
      }
    } else if (c === 0x3f) {
      // "<?": a processing instruction ends at the first ">", as the tokenizer ends it.
      const close = xml.indexOf(">", lt + 2);
      if (close === -1) throw new LeaveToTokenizer(lt);
      text = close + 1;
    } else if (endsTagSection(c) || lt + 1 >= n) {
      throw new LeaveToTokenizer(lt); // "<" the tokenizer reads as text
    } else {
      text = startTag(xml, lt, cbs);
    }
  }
  if (n > text) cbs.ontext(text, n);
}

/** "</name>" or "</name  >" at `lt`; returns the index after ">". */
function endTag(xml: string, lt: number, cbs: XmlCallbacks): number {
  const n = xml.length;
  const start = lt + 2;
  // The tokenizer skips spaces after "</", ignores "</>" and reads "<//" as a comment: not here.
  if (start >= n || endsTagSection(xml.charCodeAt(start))) throw new LeaveToTokenizer(lt);
  let i = start + 1;
  let c = xml.charCodeAt(i);
  while (i < n && c !== 0x3e && !isMarkupSpace(c)) c = xml.charCodeAt(++i);
  if (i >= n) throw new LeaveToTokenizer(lt);
  cbs.onclosetag(start, i);
  while (isMarkupSpace(c)) c = xml.charCodeAt(++i);
  // The tokenizer skips anything up to ">"; only spaces are read here.
  if (c !== 0x3e) throw new LeaveToTokenizer(lt);
  return i + 1;
}

/** A start tag or empty element at `lt` with quoted attribute values; returns the index after ">". */
function startTag(xml: string, lt: number, cbs: XmlCallbacks): number {
  const n = xml.length;
  let i = lt + 2;
  while (i < n && !endsTagSection(xml.charCodeAt(i))) i++;
  if (i >= n) throw new LeaveToTokenizer(lt);
  cbs.onopentagname(lt + 1, i);
  for (;;) {
    let c = xml.charCodeAt(i);
    while (isMarkupSpace(c)) c = xml.charCodeAt(++i);
    if (c === 0x3e) {
      cbs.onopentagend(i);
      return i + 1;
    }
    if (c === 0x2f) {
      if (xml.charCodeAt(i + 1) !== 0x3e) throw new LeaveToTokenizer(lt);
      cbs.onselfclosingtag(i + 1);
      return i + 2;
    }
    // The tokenizer takes a leading "=" into the name; an attribute name here starts otherwise.
    if (i >= n || c === 0x3d) throw new LeaveToTokenizer(lt);
    // An attribute name: up to "=", whitespace, "/" or ">".
    const nameStart = i;
    while (i < n && c !== 0x3d && !endsTagSection(c)) c = xml.charCodeAt(++i);
    if (i >= n) throw new LeaveToTokenizer(lt);
    cbs.onattribname(nameStart, i);
    while (isMarkupSpace(c)) c = xml.charCodeAt(++i);
    if (c !== 0x3d) throw new LeaveToTokenizer(lt); // no value: the tokenizer's error to report
    c = xml.charCodeAt(++i);
    while (isMarkupSpace(c)) c = xml.charCodeAt(++i);
    if (c !== 0x22 && c !== 0x27) throw new LeaveToTokenizer(lt); // unquoted (or cut off)
    const close = xml.indexOf(c === 0x22 ? '"' : "'", i + 1);
    if (close === -1) throw new LeaveToTokenizer(lt);
    cbs.onattribdata(i + 1, close);
    cbs.onattribend(c === 0x22 ? QuoteType.Double : QuoteType.Single, close + 1);
    i = close + 1;
  }
}
