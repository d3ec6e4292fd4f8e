/**
 * Bytes to text with the right character set. Feeds lie about their encoding often enough that
 * a label is a hint, not a fact: a byte order mark wins, then the HTTP header, then the document's
 * own declaration (XML prolog or HTML meta), then UTF-8; a label that the bytes contradict is
 * overridden (see decodeBody). Node 20 ships full ICU, so TextDecoder knows windows-1251, koi8-r,
 * gb2312/GBK, Shift_JIS and friends; latin1 labels decode as windows-1252, as WHATWG requires.
 */

/** How the charset was chosen, for warnings and debugging. */
export type CharsetSource = "bom" | "header" | "declaration" | "default" | "utf-8-detected" | "fallback";

export interface DecodedText {
  text: string;
  /** WHATWG encoding name actually used, e.g. "utf-8", "windows-1252". */
  charset: string;
  source: CharsetSource;
  /** Set when a label was ignored or contradicted, in words a person understands. */
  warning?: string;
}

const PROLOG_BYTES = 1024;
const XML_ENCODING = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;
const META_CHARSET = /<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)/i;
const CONTENT_TYPE_CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;

/** The charset parameter of a Content-Type header value, if any. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  return contentType?.match(CONTENT_TYPE_CHARSET)?.[1];
}

/** The WHATWG encoding name for a label, or undefined when TextDecoder does not know it. */
export function resolveCharset(label: string | undefined): string | undefined {
  if (!label) return undefined;
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
}

function bomCharset(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  // No BOM, but "<?" written in UTF-16 is unambiguous (XML 1.0 appendix F).
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] === 0x3f && bytes[3] === 0x00) return "utf-16le";
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[2] === 0x00 && bytes[3] === 0x3f) return "utf-16be";
  return undefined;
}

/** The encoding the document declares in its XML prolog or an HTML meta tag. */
function declaredCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, PROLOG_BYTES)).toString(
    "latin1",
  );
  return head.match(XML_ENCODING)?.[1] ?? head.match(META_CHARSET)?.[1];
}

function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] ?? 0) > 0x7f) return true;
  return false;
}

// WHATWG windows-1252 for 0x80-0x9F (0x81, 0x8D, 0x8F, 0x90, 0x9D map to themselves).
const CP1252_HIGH =
  "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
  "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";
const C1_RANGE = /[\u0080-\u009F]/g;

function decodeAs(bytes: Uint8Array, charset: string): string {
  if (charset === "windows-1252") {
    // Node 20's TextDecoder decodes windows-1252 as ISO-8859-1 (0x80-0x9F become C1 controls, so
    // "€" and curly quotes vanish); decode latin1 and map that range ourselves.
    const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
    return latin1.replace(C1_RANGE, (ch) => CP1252_HIGH[ch.charCodeAt(0) - 0x80] ?? ch);
  }
  return new TextDecoder(charset).decode(bytes);
}

/**
 * Decodes a response body. Rules, in order:
 * 1. a BOM (or UTF-16 "<?" pattern) decides;
 * 2. otherwise the header charset, else the document's declaration, is the label;
 * 3. a UTF-8 label (or none) is believed only if the bytes are valid UTF-8; else the document's
 *    non-UTF-8 declaration, else windows-1252;
 * 4. a non-UTF-8 label loses to bytes that are valid UTF-8 with non-ASCII characters (a server
 *    defaulting to ISO-8859-1 in front of a UTF-8 feed is the common lie; legacy text is almost
 *    never accidentally valid UTF-8).
 */
export function decodeBody(bytes: Uint8Array, headerCharset?: string): DecodedText {
  const bom = bomCharset(bytes);
  if (bom) return { text: decodeAs(bytes, bom), charset: bom, source: "bom" };

  const fromHeader = resolveCharset(headerCharset);
  const declaredLabel = declaredCharset(bytes);
  const fromDocument = resolveCharset(declaredLabel);
  const unknown = [
    headerCharset && !fromHeader ? `header charset "${headerCharset}"` : undefined,
    declaredLabel && !fromDocument ? `declared encoding "${declaredLabel}"` : undefined,
  ].filter(Boolean);
  const unknownNote = unknown.length ? `unknown ${unknown.join(" and ")} ignored` : undefined;

  // UTF-16 without a BOM or "<?" pattern is a mislabel: the bytes are ASCII-compatible.
  const usable = (charset: string | undefined) => (charset?.startsWith("utf-16") ? undefined : charset);
  const label = usable(fromHeader) ?? usable(fromDocument);
  const source: CharsetSource = usable(fromHeader)
    ? "header"
    : usable(fromDocument)
      ? "declaration"
      : "default";

  if (!label || label === "utf-8") {
    const utf8 = decodeUtf8Strict(bytes);
    if (utf8 !== undefined) {
      return { text: utf8, charset: "utf-8", source, ...(unknownNote ? { warning: unknownNote } : {}) };
    }
    const alternative = usable(fromDocument) && fromDocument !== "utf-8" ? fromDocument! : "windows-1252";
    return {
      text: decodeAs(bytes, alternative),
      charset: alternative,
      source: "fallback",
      warning: `${label ? "labelled UTF-8" : "no charset given"} but the bytes are not valid UTF-8; decoded as ${alternative}`,
    };
  }

  if (hasNonAscii(bytes)) {
    const utf8 = decodeUtf8Strict(bytes);
    if (utf8 !== undefined) {
      return {
        text: utf8,
        charset: "utf-8",
        source: "utf-8-detected",
        warning: `labelled ${label} but the bytes are valid UTF-8; decoded as UTF-8`,
      };
    }
  }
  return {
    text: decodeAs(bytes, label),
    charset: label,
    source,
    ...(unknownNote ? { warning: unknownNote } : {}),
  };
}
