/**
 * Plain text from feed HTML. Feeds put HTML, entity-escaped HTML and plain text in the same
 * fields; everything downstream (classifier, store, renderers) wants plain text.
 */
import { Parser } from "htmlparser2";
import { isInvisibleFormat, oneLine } from "./characters.ts";
import { truncate } from "./truncate.ts";

// Elements whose contents are never readable text.
const SKIPPED = new Set(["script", "style", "noscript", "template", "iframe", "object"]);
// Block boundaries become spaces so "<p>a</p><p>b</p>" reads "a b", not "ab".
const BLOCKS = new Set([
  "br",
  "p",
  "div",
  "li",
  "tr",
  "td",
  "th",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "pre",
  "section",
  "article",
]);

const NEEDS_HTML_PARSER = /[<&]/;

/**
 * True when the replaces below would change nothing (and, with refuseMarkup, there is no "<" or
 * "&" for the HTML parser either): no control character, no invisible bidi or zero-width
 * character, no lone surrogate, no whitespace but lone spaces, no space at either end. Clean plain text (most feed fields) then skips two string
 * copies; a char-code loop is several times faster than a regex with these alternatives.
 */
function isClean(text: string, refuseMarkup = false): boolean {
  const n = text.length;
  if (n === 0) return true;
  if (text.charCodeAt(0) === 0x20 || text.charCodeAt(n - 1) === 0x20) return false;
  let previousSpace = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      if (previousSpace) return false;
      previousSpace = true;
      continue;
    }
    previousSpace = false;
    if (refuseMarkup && (c === 0x3c || c === 0x26)) return false; // "<" or "&": needs the HTML parser
    if (c < 0xa1) {
      if (c < 0x20 || c >= 0x7f) return false; // C0/C1 controls, DEL, tab/newline, no-break space
    } else if (isWideWhitespace(c) || isInvisibleFormat(c)) {
      return false; // the rest of what \s matches; bidi controls and zero-width characters
    } else if (c === 0xfffe || c === 0xffff) {
      return false; // noncharacters XML forbids
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false; // half a surrogate pair
      i++;
    }
  }
  return true;
}

/** Whitespace above U+00A0 that `\s` matches (and the byte-order mark): collapsed like spaces. */
export function isWideWhitespace(c: number): boolean {
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * HTML (or plain text) to plain text: tags removed (script, style, noscript and template
 * contents dropped, block elements separated by spaces), entities decoded, then `oneLine`:
 * controls, lone surrogates, bidi and zero-width characters removed, whitespace collapsed, trimmed. Plain text without `<` or `&` skips the HTML parser.
 */
export function htmlToText(input: string): string {
  if (!input) return "";
  if (isClean(input, true)) return input;
  let text = input;
  if (NEEDS_HTML_PARSER.test(text)) {
    text = markupToText(text);
  }
  if (isClean(text)) return text;
  return oneLine(text);
}

/**
 * Streams the markup through htmlparser2 (a SAX-style tokenizer, the one cheerio itself builds on),
 * keeping text nodes with entities decoded. About ten times cheaper than building a cheerio DOM,
 * which matters: every feed item's title and summary passes through here.
 */
function markupToText(markup: string): string {
  const parts: string[] = [];
  let skipDepth = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (SKIPPED.has(name)) skipDepth++;
        else if (BLOCKS.has(name)) parts.push(" ");
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        else if (BLOCKS.has(name)) parts.push(" ");
      },
      ontext(text) {
        if (skipDepth === 0) parts.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(markup);
  parser.end();
  return parts.join("");
}

/**
 * Caps text at `max` code points on a word boundary when one is near, adding an ellipsis;
 * never splits a surrogate pair or a grapheme (the text policy's `truncate`).
 */
export function capText(text: string, max: number): string {
  return truncate(text, max, { atWord: true });
}
