/**
 * The one rule for what may become a link in any output (page, feeds, email, SMS, terminal,
 * webhook): an absolute http(s) URL without credentials, normalised by WHATWG URL parsing.
 * `javascript:`, `data:`, relative and malformed URLs never become links.
 */

/** Longest URL any output carries; longer ones are feed garbage, not links. */
export const MAX_LINK_LENGTH = 2048;

/** The URL when it may be a link, normalised; otherwise null. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  // user:pass@ in a link leaks a secret and is a classic way to disguise the real host.
  if (parsed.username || parsed.password) return null;
  return parsed.href.length <= MAX_LINK_LENGTH ? parsed.href : null;
}
