/**
 * A fingerprint of the set of item ids a feed lists. Stored in the feed state, it lets a poll whose
 * feed lists the same items as last time skip the known-ids read: many feeds change their bytes on
 * every request (build dates, ad slots) without adding an item, and conditional GET cannot see that.
 */
import { createHash } from "node:crypto";

/** SHA-256 (first 32 hex characters) of the sorted, de-duplicated ids: order and repeats do not matter. */
export function itemIdsHash(ids: readonly string[]): string {
  const sorted = [...new Set(ids)].sort();
  return createHash("sha256").update(sorted.join("\n")).digest("hex").slice(0, 32);
}
