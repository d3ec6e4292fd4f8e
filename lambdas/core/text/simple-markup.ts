/**
 * A hand scanner for the markup most feed HTML is made of: start tags (attributes read only to find
 * the tag's end), end tags, text, and entities written in full ("&amp;", "&hellip;", "&#8217;").
 * It calls the same HtmlElements events htmlparser2's tokenizer would, at a fraction of the cost
 * per character. Anything it is not certain to read exactly as that tokenizer does (comments,
 * declarations, CDATA, raw-text elements such as <script>, "<" before a letterless name, legacy
 * entities without ";", numeric references the HTML spec remaps, a tag cut off by the end) makes it
 * give up, and the caller starts again with the tokenizer: the text is always the tokenizer's.
 */
import { decodeHTMLStrict } from "entities";
import { KNOWN_ELEMENT_NAMES, type HtmlElements } from "./html-elements.ts";
import { isMarkupSpace, NameSlots } from "./markup-names.ts";

/** Where the text goes: appended piece by piece; `full` once the conversion may stop. */
export interface TextSink {
  readonly full: boolean;
  append(source: string, start: number, end: number): void;
}

// Start tags after which htmlparser2's tokenizer reads raw text, not markup. A <style> (inline CSS
// is common in blog content; its text is dropped) is skipped here to its end tag; the others make
// the scanner give up.
const RAW_TEXT = new Set(["script", "style", "title", "textarea", "xmp"]);
// Where the tokenizer ends a <style>: the first "</style" in any case, then whitespace or ">". (It
// also reads U+001C as "<" and U+000F as "/" there: text holding either is left to it.)
const STYLE_END = /<\/style[\t\n\f\r >]/gi;
const RAW_TEXT_ODD = /[\x0f\x1c]/;
const namedValues = new Map<string, string | null>();

/** HTML's value for "&name;", or null when the name is not one (cached, bounded). */
function namedEntity(name: string): string | null {
  let value = namedValues.get(name);
  if (value === undefined) {
    const reference = `&${name};`;
    const decoded = decodeHTMLStrict(reference);
    value = decoded === reference ? null : decoded;
    if (namedValues.size < 4096) namedValues.set(name, value);
  }
  return value;
}

const isAlpha = (c: number) => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
const isNameChar = (c: number) => isAlpha(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x3a;

/**
 * Reads `markup` into `line` through `elements`; false when it gave up (what it wrote is then to
 * be thrown away).
 */
export function simpleMarkupToText(markup: string, line: TextSink, elements: HtmlElements): boolean {
  const n = markup.length;
  let text = 0; // start of the text not yet written
  // The next "<" and "&" at or after i (n when there is none): plain text between them is skipped
  // natively rather than character by character. Only "<" and "&" write text, so `full` changes
  // only there.
  let nextLt = -1;
  let nextAmp = -1;
  let i = 0;
  while (i < n) {
    if (line.full) return true;
    if (nextLt < i) nextLt = indexOrEnd(markup, "<", i);
    if (nextAmp < i) nextAmp = indexOrEnd(markup, "&", i);
    i = nextLt < nextAmp ? nextLt : nextAmp;
    if (i >= n) break;
    const c = markup.charCodeAt(i);
    if (c === 0x26) {
      // "&"; one before anything but a letter, digit or "#" starts no reference (no name begins so)
      const next = markup.charCodeAt(i + 1);
      if (!(isAlpha(next) || (next >= 0x30 && next <= 0x39) || next === 0x23)) {
        i++;
        continue;
      }
      const semicolon = markup.indexOf(";", i + 1);
      if (semicolon === -1 || semicolon - i > 32) return false;
      let value: string | null;
      if (markup.charCodeAt(i + 1) === 0x23) {
        value = numericValue(markup, i + 2, semicolon);
      } else {
        for (let k = i + 1; k < semicolon; k++) {
          const d = markup.charCodeAt(k);
          if (!(isAlpha(d) || (d >= 0x30 && d <= 0x39))) return false;
        }
        value = semicolon > i + 1 ? namedEntity(markup.slice(i + 1, semicolon)) : null;
      }
      if (value === null) return false;
      if (elements.skipDepth === 0) {
        if (i > text) line.append(markup, text, i);
        line.append(value, 0, value.length);
      }
      i = text = semicolon + 1;
    } else if (c === 0x3c) {
      // "<"
      const next = markup.charCodeAt(i + 1);
      if (isMarkupSpace(next) || (next >= 0x30 && next <= 0x39)) {
        i++; // text, as the tokenizer reads it
        continue;
      }
      // The tokenizer gives the text before a tag first.
      if (i > text && elements.skipDepth === 0) line.append(markup, text, i);
      const end = next === 0x2f ? endTag(markup, i, elements) : startTag(markup, i, elements);
      if (end === -1) return false;
      i = text = end;
    }
  }
  if (n > text && elements.skipDepth === 0) line.append(markup, text, n);
  return true;
}

function indexOrEnd(text: string, character: string, from: number): number {
  const at = text.indexOf(character, from);
  return at === -1 ? text.length : at;
}

// Lower-cased tag names seen, found by their characters without slicing or lower-casing them: a
// fragment repeats a few names many times.
const TAG_NAMES = new NameSlots(true);

/** markup[start, end) lower-cased, a tag name of letters, digits, "-" and ":". */
function lowerName(markup: string, start: number, end: number): string {
  const known = TAG_NAMES.find(markup, start, end);
  if (known !== undefined) return known;
  const lower = markup.slice(start, end).toLowerCase();
  const name = KNOWN_ELEMENT_NAMES.get(lower) ?? lower;
  TAG_NAMES.add(name);
  return name;
}

/** The value of a numeric reference's digits markup[from, semicolon), or null (give up). */
function numericValue(markup: string, from: number, semicolon: number): string | null {
  const hex = (markup.charCodeAt(from) | 0x20) === 0x78;
  const digits = hex ? from + 1 : from;
  if (semicolon === digits || semicolon - digits > 7) return null;
  let code = 0;
  for (let k = digits; k < semicolon; k++) {
    const d = markup.charCodeAt(k);
    if (d >= 0x30 && d <= 0x39) code = code * (hex ? 16 : 10) + d - 0x30;
    else if (hex && (d | 0x20) >= 0x61 && (d | 0x20) <= 0x66) code = code * 16 + (d | 0x20) - 0x57;
    else return null;
  }
  // Those HTML leaves as they are: not NUL, the C1 range it remaps, surrogates or beyond Unicode.
  const plain =
    (code >= 1 && code < 0x80) || (code >= 0xa0 && code < 0xd800) || (code >= 0xe000 && code <= 0x10ffff);
  return plain ? String.fromCodePoint(code) : null;
}

/** "</name>" at `at` (optional spaces before ">"): closes, and returns the index after ">"; -1 to give up. */
function endTag(markup: string, at: number, elements: HtmlElements): number {
  let i = at + 2;
  if (!isAlpha(markup.charCodeAt(i))) return -1;
  while (isNameChar(markup.charCodeAt(i))) i++;
  const nameEnd = i;
  while (isMarkupSpace(markup.charCodeAt(i))) i++;
  if (markup.charCodeAt(i) !== 0x3e) return -1;
  elements.close(lowerName(markup, at + 2, nameEnd));
  return i + 1;
}

/**
 * "<name attr="v" attr='v' attr=v attr>" or ".../>" at `at`: opens, and returns the index after
 * ">"; -1 to give up.
 */
function startTag(markup: string, at: number, elements: HtmlElements): number {
  let i = at + 1;
  if (!isAlpha(markup.charCodeAt(i))) return -1;
  while (isNameChar(markup.charCodeAt(i))) i++;
  const nameEnd = i;
  const after = markup.charCodeAt(i);
  if (!(isMarkupSpace(after) || after === 0x3e || after === 0x2f)) return -1;
  const name = lowerName(markup, at + 1, nameEnd);
  const isStyle = name === "style";
  if (!isStyle && RAW_TEXT.has(name)) return -1;
  let selfClosing = false;
  for (;;) {
    while (isMarkupSpace(markup.charCodeAt(i))) i++;
    const c = markup.charCodeAt(i);
    if (c === 0x3e) break;
    if (c === 0x2f) {
      if (markup.charCodeAt(i + 1) !== 0x3e) return -1;
      selfClosing = true;
      i++;
      break;
    }
    // An attribute name: up to a space, "/", ">" or "="; quotes and "<" in it are left to the tokenizer.
    const nameStart = i;
    for (;;) {
      const d = markup.charCodeAt(i);
      if (Number.isNaN(d) || d === 0x22 || d === 0x27 || d === 0x3c) return -1;
      if (isMarkupSpace(d) || d === 0x2f || d === 0x3e || d === 0x3d) break;
      i++;
    }
    if (i === nameStart) return -1;
    while (isMarkupSpace(markup.charCodeAt(i))) i++;
    if (markup.charCodeAt(i) !== 0x3d) continue; // no value
    i++;
    while (isMarkupSpace(markup.charCodeAt(i))) i++;
    const quote = markup.charCodeAt(i);
    if (quote === 0x22 || quote === 0x27) {
      const close = markup.indexOf(quote === 0x22 ? '"' : "'", i + 1);
      if (close === -1) return -1;
      i = close + 1;
      const next = markup.charCodeAt(i);
      // The tokenizer reads on after a closing quote whatever follows; keep to the plain cases.
      if (!(isMarkupSpace(next) || next === 0x3e || next === 0x2f)) return -1;
    } else {
      // Unquoted: up to a space or ">" ("/" included, as the tokenizer reads it).
      const valueStart = i;
      for (;;) {
        const d = markup.charCodeAt(i);
        if (Number.isNaN(d)) return -1;
        if (isMarkupSpace(d) || d === 0x3e) break;
        if (d === 0x22 || d === 0x27 || d === 0x3c || d === 0x3d || d === 0x60) return -1;
        i++;
      }
      if (i === valueStart) return -1;
    }
  }
  if (!isStyle || selfClosing) {
    // "<style/>" starts no raw text in the tokenizer either.
    elements.open(name);
    if (selfClosing) elements.selfClosing();
    else elements.endOpenTag();
    return i + 1;
  }
  STYLE_END.lastIndex = i + 1;
  const end = STYLE_END.exec(markup)?.index ?? -1;
  if (end === -1 || RAW_TEXT_ODD.test(markup.slice(i + 1, end))) return -1;
  elements.open(name);
  elements.endOpenTag();
  // The raw text is dropped (style is a skipped element); the end tag is read next.
  if (elements.skipDepth === 0) return -1;
  return end;
}
