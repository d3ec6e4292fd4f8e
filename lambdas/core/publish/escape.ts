/**
 * Escaping for every place feed-supplied text lands: HTML text, HTML attributes, XML and
 * JSON. Feed text is untrusted (titles arrive with `<script>`, `javascript:` links, `]]>`,
 * control characters and 100 KB strings), so each renderer passes it through here.
 */
import { capText } from "../text/html-to-text.ts";

const HTML_SPECIAL = /[&<>"']/g;
const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

// Characters XML 1.0 forbids outright (C0 controls except tab/LF/CR, lone surrogates,
// U+FFFE/U+FFFF). A single one makes a strict reader reject the whole document.
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Controls that are legal in XML 1.0 but render as garbage or hide text (DEL, C1); also dropped.
const DISPLAY_CONTROL = /[\u007F-\u009F]/g;

/** Escapes text for an HTML text node or a quoted attribute value (both quotes escaped). */
export function escapeHtml(text: string): string {
  return removeControlCharacters(text).replace(HTML_SPECIAL, (c) => HTML_ENTITIES[c] ?? c);
}

/**
 * Escapes text for XML 1.0 character data or attribute values: characters XML forbids are
 * removed and `& < > " '` become entities, so `]]>` turns into `]]&gt;` and no CDATA is needed.
 */
export function escapeXml(text: string): string {
  // The same five entities serve both languages; kept as two names so each call site says where it writes.
  return escapeHtml(text);
}

/** Removes characters that are invalid in XML 1.0 or invisible controls (keeps tab, LF, CR). */
export function removeControlCharacters(text: string): string {
  return text.replace(XML_INVALID, "").replace(DISPLAY_CONTROL, "");
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

/**
 * The URL when it is an absolute http(s) URL, normalised by WHATWG URL parsing; otherwise
 * null. Only what this returns is ever rendered as a link (`javascript:`, `data:`, relative
 * and malformed URLs never are).
 */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  if (parsed.username || parsed.password) return null;
  return parsed.href;
}

/** Longest title shown anywhere; a feed once sent a 100 KB one. */
export const MAX_DISPLAY_TITLE = 300;
/** Longest summary shown in the feeds and on the page. */
export const MAX_DISPLAY_SUMMARY = 2_000;

/** Feed text ready for display: controls removed, whitespace collapsed, capped at `max` characters. */
export function displayText(text: string | null | undefined, max: number): string {
  if (!text) return "";
  const cleaned = removeControlCharacters(text).replace(/\s+/g, " ").trim();
  // Capping can cut a surrogate pair in half; the second pass drops the orphan.
  return removeControlCharacters(capText(cleaned, max));
}
