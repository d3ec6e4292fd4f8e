/**
 * Plain text from feed HTML. Feeds put HTML, entity-escaped HTML and plain text in the same
 * fields; everything downstream (classifier, store, renderers) wants plain text.
 */
import { load } from "cheerio";

const NEEDS_HTML_PARSER = /[<&]/;
const WHITESPACE = /\s+/g;
// C0/C1 control characters (except tab/newline, which collapse to spaces anyway) never belong in text.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/**
 * HTML (or plain text) to plain text: tags removed (script, style, noscript and template
 * contents dropped, block elements separated by spaces), entities decoded, control characters
 * removed, whitespace collapsed, trimmed. Plain text without `<` or `&` skips the HTML parser.
 */
export function htmlToText(input: string): string {
  if (!input) return "";
  let text = input;
  if (NEEDS_HTML_PARSER.test(text)) {
    const $ = load(`<body>${text}</body>`, { xml: false }, false);
    $("script, style, noscript, template, iframe, object").remove();
    // Block boundaries become spaces so "<p>a</p><p>b</p>" reads "a b", not "ab".
    $("br, p, div, li, tr, td, th, h1, h2, h3, h4, h5, h6, blockquote, pre, section, article").before(" ");
    text = $.root().text();
  }
  return text.replace(CONTROL, " ").replace(WHITESPACE, " ").trim();
}

/** Caps text at `max` characters on a word boundary when one is near, adding an ellipsis. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const lastSpace = cut.lastIndexOf(" ");
  return `${lastSpace > max * 0.8 ? cut.slice(0, lastSpace) : cut}…`;
}
