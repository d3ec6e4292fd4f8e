/**
 * Escaping for every language the renderers write: HTML text and attributes, XML, JSON, and
 * RSS text that stays text even in readers that decode it as HTML once more. What characters
 * feed text may keep, how long it may be and what may be a link is the text policy's job
 * (`../text/`); this file only escapes.
 */
import { plainText } from "../text/characters.ts";

const HTML_SPECIAL = /[&<>"']/g;
const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for an HTML text node or a quoted attribute value (both quotes escaped);
 * characters no document may carry (controls, lone surrogates) are removed first.
 */
export function escapeHtml(text: string): string {
  return plainText(text).replace(HTML_SPECIAL, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Escapes text for XML 1.0 character data or attribute values: characters XML forbids are
 * removed and `& < > " '` become entities, so `]]>` turns into `]]&gt;` and no CDATA is needed.
 */
export function escapeXml(text: string): string {
  // The same five entities serve both languages; kept as two names so each call site says where it writes.
  return escapeHtml(text);
}

// Sequences that could open a tag ("<" before a letter, "/", "!" or "?") or start an entity that
// decodes to "<" or "&" (numeric, lt, amp) once a reader decodes text as HTML.
const TAG_OPENER = /<(?=[A-Za-z/!?])/g;
const ENTITY_OPENER = /&(?=#|lt|LT|amp|AMP)/g;

/**
 * Plain text that reads the same whether a reader shows it as text or decodes it as HTML any
 * number of times: a "<" that could open a tag becomes U+2039 (‹), an "&" that could start an
 * entity for "<" or "&" becomes U+FF06 (＆). Everything else ("a < b", "AT&T") is untouched.
 */
export function neutraliseMarkup(text: string): string {
  return text.replace(TAG_OPENER, "\u2039").replace(ENTITY_OPENER, "\uFF06");
}

/**
 * Text for an RSS element that RSS 2.0 calls plain text but many readers decode as HTML
 * (`title`, `category`): markup-looking sequences neutralised, then XML-escaped. (Escaping
 * twice, `&amp;lt;`, would also be inert, but readers that treat the element as text, as the
 * spec says, would then show the entities.)
 */
export function escapeRssText(text: string): string {
  return escapeXml(neutraliseMarkup(text));
}

/**
 * Plain text as an RSS `description`, which RSS 2.0 defines as entity-encoded HTML: each
 * paragraph neutralised and HTML-escaped inside `<p>`, the whole XML-escaped. A reader decodes
 * it once to HTML that shows the text as written; a reader that decodes once more still finds
 * no tag.
 */
export function escapeRssHtml(text: string): string {
  const html = text
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim())
    .map((paragraph) => `<p>${escapeHtml(neutraliseMarkup(paragraph))}</p>`)
    .join("");
  return escapeXml(html);
}

/**
 * JSON text safe to embed anywhere: `<`, `>`, `&` and the JS line separators are escaped as
 * `\uXXXX`, so a `</script>` in a title cannot close a script block if someone inlines the
 * JSON, and a content-sniffing client never sees markup.
 */
export function safeJsonStringify(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
