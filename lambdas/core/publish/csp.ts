/**
 * The Content-Security-Policy of every page the site serves: nothing loads or runs but the page's
 * own inline stylesheet, allowed by its hash; no base URL, no framing; forms post back to the site
 * only on pages that have them.
 */
import { createHash } from "node:crypto";

export function styleOnlyCsp(style: string, formAction: "self" | "none"): string {
  return [
    "default-src 'none'",
    `style-src 'sha256-${createHash("sha256").update(style).digest("base64")}'`,
    "img-src 'none'",
    "base-uri 'none'",
    `form-action '${formAction}'`,
    "frame-ancestors 'none'",
  ].join("; ");
}
