/**
 * One URL per article, whatever decorations the feed added: the same story linked with
 * ?utm_source=rss from one feed and bare from another must get the same article id.
 */

// Parameters that only track the click; they never change what page is served.
const TRACKING_PREFIXES = ["utm_", "pk_", "mtm_", "_hs"];
const TRACKING_NAMES = new Set([
  "fbclid",
  "gclid",
  "gclsrc",
  "dclid",
  "msclkid",
  "yclid",
  "igshid",
  "mc_cid",
  "mc_eid",
  "mkt_tok",
  "ref",
  "ref_src",
  "ref_url",
  "spm",
  "wt_mc",
  "wt_zmc",
]);

function isTracking(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_NAMES.has(lower) || TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * The canonical form of a link: resolved against `base` when relative, http(s) only (anything
 * else, or an unresolvable relative link, gives null), host lower-cased, default port, credentials
 * and fragment dropped, tracking parameters (utm_*, fbclid, gclid, mc_cid, mc_eid, ref,
 * pk_campaign...) removed, other parameters kept in order.
 */
export function canonicalUrl(href: string, base?: string): string | null {
  const text = href?.trim();
  if (!text) return null;
  let url: URL;
  try {
    url = base ? new URL(text, safeBase(base)) : new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!url.hostname) return null;
  url.hash = "";
  url.username = "";
  url.password = "";
  const kept = [...url.searchParams].filter(([name]) => !isTracking(name));
  if (kept.length !== [...url.searchParams].length) {
    url.search = kept.length ? new URLSearchParams(kept).toString() : "";
  }
  return url.href;
}

// A base that is itself not a URL must not make a valid absolute href fail.
function safeBase(base: string): string | undefined {
  try {
    return new URL(base).href;
  } catch {
    return undefined;
  }
}
