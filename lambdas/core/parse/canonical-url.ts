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
  return plainCanonicalUrl(text) ?? canonicalUrlParsed(text, base);
}

// An absolute http(s) link that the URL parser would give back unchanged: lower-case host of
// letter/digit/hyphen labels (the last starting with a letter, so never an IPv4 number; no punycode: nothing to normalise or
// validate), no port, credentials or fragment, a path of unreserved characters with no dot
// segment, and a query of name=value pairs that form encoding writes as they are. Most feed
// links look like this; anything else takes the full parse.
const PLAIN_URL =
  /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*(\/[A-Za-z0-9_~-]*(?:\.[A-Za-z0-9_~-]+)*)*\/?(?:\?[A-Za-z0-9_.*-]+=[A-Za-z0-9_.*-]*(?:&[A-Za-z0-9_.*-]+=[A-Za-z0-9_.*-]*)*)?$/;

/** The canonical form of a plain link without parsing it as a URL (null: not plain, or no path). */
function plainCanonicalUrl(text: string): string | null {
  if (text.includes("xn--") || !PLAIN_URL.test(text)) return null;
  const query = text.indexOf("?");
  const start = text.indexOf("/", text.indexOf("//") + 2);
  if (start === -1 || (query !== -1 && query < start)) return null; // no path: the parser adds "/"
  if (query === -1) return text;
  const pairs = text.slice(query + 1).split("&");
  const kept = pairs.filter((pair) => !isTracking(pair.slice(0, pair.indexOf("="))));
  if (kept.length === pairs.length) return text;
  return kept.length ? `${text.slice(0, query)}?${kept.join("&")}` : text.slice(0, query);
}

/** canonicalUrl by the URL parser: every link the plain path does not take. */
export function canonicalUrlParsed(text: string, base?: string): string | null {
  let url: URL;
  try {
    url = base ? new URL(text, safeBase(base)) : new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!url.hostname) return null;
  // Each setter re-serialises the URL, so only what the text can contain is cleared (an empty
  // fragment, "x#", reads as "" from url.hash but is still in href, hence the text test).
  if (text.includes("#")) url.hash = "";
  if (url.username) url.username = "";
  if (url.password) url.password = "";
  if (url.search) {
    const params = [...url.searchParams];
    const kept = params.filter(([name]) => !isTracking(name));
    if (kept.length !== params.length) {
      url.search = kept.length ? new URLSearchParams(kept).toString() : "";
    }
  }
  return url.href;
}

// A base that is itself not a URL must not make a valid absolute href fail. A feed resolves all
// its links against one base, so the last one is remembered.
let lastBase: { base: string; href: string | undefined } | undefined;
function safeBase(base: string): string | undefined {
  if (lastBase?.base === base) return lastBase.href;
  let href: string | undefined;
  try {
    href = new URL(base).href;
  } catch {
    href = undefined;
  }
  lastBase = { base, href };
  return href;
}
