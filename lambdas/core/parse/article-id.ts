/**
 * Stable article ids (DESIGN.md): the canonical URL when there is one, so the same story from two
 * feeds is one article; otherwise the feed's own guid scoped to the feed; as a last resort the
 * title and date. 16 hex characters of SHA-256: 64 bits, ample for a news archive.
 */
import { hash } from "node:crypto";

/** Short hash id of an article; see the module comment for which input wins. */
export function articleId(input: {
  url: string | null;
  feedId: string;
  guid?: string;
  title?: string;
  publishedAt?: string;
}): string {
  // Prefixes keep the three namespaces apart ("u:" never collides with a guid that is a URL).
  const key = input.url
    ? `u:${input.url}`
    : input.guid?.trim()
      ? `g:${input.feedId}\n${input.guid.trim()}`
      : `t:${input.feedId}\n${input.title ?? ""}\n${input.publishedAt ?? ""}`;
  // One-shot hash: no Hash object per article (the same digest as createHash().update().digest()).
  return hash("sha256", key, "hex").slice(0, 16);
}
