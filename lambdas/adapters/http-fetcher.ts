/**
 * A safe HTTP GET for untrusted URLs (feeds, their redirects, article pages). Built on node:http
 * and node:https directly because rss-parser's parseURL and cheerio's fromURL have no body cap, no
 * total deadline and no address checks (RELIABILITY.md A1-A10). Every hop is resolved by us,
 * checked by the address guard, and connected to the checked address, so DNS cannot swap it.
 * Never throws: every outcome is a FetchResult value.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction as NetLookupFunction } from "node:net";
import { type BlockList, isIP } from "node:net";
import type { Transform } from "node:stream";
import {
  createBrotliDecompress,
  createGunzip,
  createInflate,
  createInflateRaw,
  constants as zlibConstants,
} from "node:zlib";
import { buildAllowList, checkAddress } from "./address-guard.ts";
import { charsetFromContentType, decodeBody } from "../core/acquire/charset.ts";
import type { Fetcher, FetchFailureKind, FetchRequest, FetchResult } from "../core/acquire/fetcher.ts";

export type { FetchFailureKind, FetchResult } from "../core/acquire/fetcher.ts";

/** One resolved address, as node:dns lookup with `all: true` returns it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a hostname to its addresses; injectable so tests can play DNS. */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export interface FetchOptions {
  etag?: string;
  lastModified?: string;
  /** Total deadline including DNS, redirects and the whole body. Default 10_000. */
  timeoutMs?: number;
  /** Deadline for each TCP (and TLS) connection. Default 5_000. */
  connectTimeoutMs?: number;
  /** Body cap in bytes, enforced while streaming and again after decompression. Default 5 MB. */
  maxBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** IPs/CIDRs allowed despite being private/loopback (tests and local mode: ["127.0.0.1"]). */
  allowAddresses?: string[];
  /** Default names heistwatch and its URL. */
  userAgent?: string;
  accept?: string;
  /** Injectable DNS lookup for tests. Default: the system resolver (getaddrinfo). */
  lookup?: HostLookup;
  /** Aborts the fetch early (e.g. when the Lambda is about to time out); reported as "timeout". */
  signal?: AbortSignal;
}

export const PROJECT_URL = "https://github.com/heistwatch/heistwatch";
export const DEFAULT_USER_AGENT = `heistwatch/0.1 (+${PROJECT_URL})`;
export const FEED_ACCEPT =
  "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5";

const DEFAULTS = {
  timeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  maxBytes: 5 * 1024 * 1024,
  maxRedirects: 5,
};

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "ENODATA", "ESERVFAIL"]);

/** A classified failure raised inside safeFetch and turned into a FetchResult at the edge. */
class FetchFailure extends Error {
  constructor(
    readonly kind: FetchFailureKind,
    message: string,
    readonly httpStatus?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/**
 * Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 10.2.3).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Fetches `url` with every guard on. Never throws; see FetchResult for the outcomes. */
export async function safeFetch(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  const started = performance.now();
  const timings = () => ({ totalMs: Math.round(performance.now() - started) });
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), timeoutMs);
  const onOuterAbort = () => deadline.abort();
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  if (options.signal?.aborted) deadline.abort();
  const timedOut = new Promise<never>((_, reject) => {
    const fail = () =>
      reject(
        new FetchFailure(
          "timeout",
          `no complete response within ${timeoutMs} ms (deadline includes redirects and body)`,
        ),
      );
    if (deadline.signal.aborted) fail();
    else deadline.signal.addEventListener("abort", fail, { once: true });
  });
  timedOut.catch(() => {});
  try {
    const outcome = await Promise.race([fetchHops(url, options, deadline.signal), timedOut]);
    return { ...outcome, timings: timings() } as FetchResult;
  } catch (error) {
    const failure = classify(error, deadline.signal.aborted, timeoutMs);
    return {
      status: "failed",
      url,
      kind: failure.kind,
      message: failure.message,
      ...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}),
      ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
      timings: timings(),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
    // Anything still in flight (a socket, a decompressor) is torn down by the abort.
    deadline.abort();
  }
}

type WithoutTimings<T> = T extends unknown ? Omit<T, "timings"> : never;
type HopOutcome = WithoutTimings<Extract<FetchResult, { status: "ok" | "not-modified" }>>;

async function fetchHops(url: string, options: FetchOptions, signal: AbortSignal): Promise<HopOutcome> {
  const maxRedirects = options.maxRedirects ?? DEFAULTS.maxRedirects;
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  let allow: BlockList;
  try {
    allow = buildAllowList(options.allowAddresses);
  } catch (error) {
    throw new FetchFailure("bad-url", (error as Error).message);
  }
  const headers: Record<string, string> = {
    "user-agent": options.userAgent ?? DEFAULT_USER_AGENT,
    accept: options.accept ?? FEED_ACCEPT,
    "accept-encoding": "gzip, deflate, br",
  };
  if (options.etag) headers["if-none-match"] = options.etag;
  if (options.lastModified) headers["if-modified-since"] = options.lastModified;

  let current = parseHttpUrl(url, "the URL");
  for (let hop = 0; ; hop++) {
    const address = await resolveChecked(current, options.lookup ?? systemLookup, allow);
    const res = await openRequest(
      current,
      address,
      headers,
      options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      signal,
    );
    const status = res.statusCode ?? 0;

    if (REDIRECT_STATUSES.has(status)) {
      res.destroy();
      const location = res.headers.location;
      if (!location)
        throw new FetchFailure("http-status", `HTTP ${status} redirect without a Location header`, status);
      if (hop >= maxRedirects) {
        throw new FetchFailure(
          "too-many-redirects",
          `more than ${maxRedirects} redirects (last to ${location})`,
        );
      }
      current = parseHttpUrl(location, "a redirect target", current);
      continue;
    }
    if (status === 304) {
      res.destroy();
      return {
        status: "not-modified",
        url,
        ...optional("etag", header(res, "etag") ?? options.etag),
        ...optional("lastModified", header(res, "last-modified") ?? options.lastModified),
      };
    }
    if (status < 200 || status >= 300) {
      res.destroy();
      const retryAfter =
        status === 429 || status === 503 ? parseRetryAfter(header(res, "retry-after")) : undefined;
      throw new FetchFailure(
        "http-status",
        `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ""} from ${current.href}`,
        status,
        retryAfter,
      );
    }

    const bytes = await readBody(res, maxBytes, signal);
    const contentType = header(res, "content-type");
    const decoded = decodeBody(bytes, charsetFromContentType(contentType));
    return {
      status: "ok",
      url,
      finalUrl: current.href,
      httpStatus: status,
      body: decoded.text,
      charset: decoded.charset,
      bytes: bytes.length,
      ...optional("contentType", contentType),
      ...optional("etag", header(res, "etag")),
      ...optional("lastModified", header(res, "last-modified")),
      ...optional("charsetWarning", decoded.warning),
    };
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function header(res: IncomingMessage, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses and checks an http(s) URL; any other scheme is refused before any I/O. */
function parseHttpUrl(href: string, what: string, base?: URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(href, base);
  } catch {
    throw new FetchFailure("bad-url", `${what} "${truncate(href)}" is not a valid URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new FetchFailure(
      "bad-url",
      `${what} "${truncate(href)}" uses ${parsed.protocol}; only http and https are fetched`,
    );
  }
  if (parsed.username || parsed.password) {
    throw new FetchFailure("bad-url", `${what} "${truncate(parsed.host)}" carries credentials; refused`);
  }
  return parsed;
}

function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Resolves the URL's host and returns the first address the guard allows. WHATWG URL has already
 * normalised decimal, hex, octal and short IPv4 forms to dotted quads, so literals are checked as is.
 */
async function resolveChecked(url: URL, lookup: HostLookup, allow: BlockList): Promise<ResolvedAddress> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let candidates: ResolvedAddress[];
  if (isIP(host)) {
    candidates = [{ address: host, family: isIP(host) }];
  } else {
    try {
      candidates = await lookup(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new FetchFailure("dns", `cannot resolve ${host}${code ? ` (${code})` : ""}`);
    }
    if (candidates.length === 0) throw new FetchFailure("dns", `${host} has no addresses`);
  }
  const refusals: string[] = [];
  for (const candidate of candidates) {
    const verdict = checkAddress(candidate.address, allow);
    if (verdict.allowed) return candidate;
    refusals.push(isIP(host) ? verdict.reason : `${candidate.address}, ${verdict.reason}`);
  }
  const where = isIP(host) ? `${host} is ${refusals[0]}` : `${host} resolves to ${refusals.join("; ")}`;
  throw new FetchFailure("blocked-address", `refused to connect: ${where}, not a public address`);
}

/** Sends the GET to the already-checked address and resolves with the response head. */
function openRequest(
  url: URL,
  target: ResolvedAddress,
  headers: Record<string, string>,
  connectTimeoutMs: number,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // Pin the connection to the address the guard approved; Node would otherwise resolve again.
    const pinnedLookup: NetLookupFunction = (_hostname, opts, callback) => {
      if (opts.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const isHttps = url.protocol === "https:";
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const send = isHttps ? httpsRequest : httpRequest;
    const req = send({
      method: "GET",
      host,
      port: url.port || (isHttps ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers,
      lookup: pinnedLookup,
      agent: false,
      signal,
      ...(isHttps && !isIP(host) ? { servername: host } : {}),
    });
    let connectTimer: NodeJS.Timeout | undefined;
    req.on("socket", (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => {
        req.destroy(new FetchFailure("timeout", `no connection to ${host} within ${connectTimeoutMs} ms`));
      }, connectTimeoutMs);
      socket.once(isHttps ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
    });
    req.on("response", (res) => {
      clearTimeout(connectTimer);
      resolve(res);
    });
    req.on("error", (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    req.end();
  });
}

/**
 * Reads the body into memory with the byte cap applied to the wire bytes and, separately, to the
 * decompressed bytes. Decompression streams chunk by chunk, so a zip bomb stops at the cap instead
 * of inflating fully.
 */
function readBody(res: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const limitMb = formatMb(maxBytes);
    const declared = Number(header(res, "content-length"));
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.destroy();
      reject(new FetchFailure("too-large", `the body is ${formatMb(declared)}, over the ${limitMb} cap`));
      return;
    }
    let encodings: string[];
    try {
      encodings = contentEncodings(header(res, "content-encoding"));
    } catch (error) {
      res.destroy();
      reject(error);
      return;
    }

    const chunks: Buffer[] = [];
    let wireBytes = 0;
    let decodedBytes = 0;
    let settled = false;
    let decoders: Transform[] | undefined;
    const cleanup = () => {
      res.destroy();
      for (const d of decoders ?? []) d.destroy();
      signal.removeEventListener("abort", onAbort);
    };
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      resolve(Buffer.concat(chunks));
    };
    const onAbort = () => fail(new FetchFailure("timeout", "deadline reached while reading the body"));
    signal.addEventListener("abort", onAbort, { once: true });

    const collect = (chunk: Buffer) => {
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) {
        fail(
          new FetchFailure(
            "too-large",
            encodings.length
              ? `the body inflates past the ${limitMb} cap (${encodings.join(", ")}-encoded)`
              : `the body is larger than the ${limitMb} cap`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    };

    const startDecoders = (firstChunk: Buffer): Transform[] => {
      // Undo encodings in reverse order of application.
      const chain = [...encodings].reverse().map((e, i) => makeDecoder(e, i === 0 ? firstChunk : undefined));
      for (let i = 0; i < chain.length - 1; i++) chain[i]!.pipe(chain[i + 1]!);
      for (const d of chain) {
        d.on("error", (error) =>
          fail(
            new FetchFailure(
              "network",
              `the ${encodings.join(", ")}-encoded body is corrupt: ${error.message}`,
            ),
          ),
        );
      }
      const last = chain[chain.length - 1]!;
      last.on("data", collect);
      last.on("end", finish);
      return chain;
    };

    res.on("data", (chunk: Buffer) => {
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) {
        fail(new FetchFailure("too-large", `the body is larger than the ${limitMb} cap`));
        return;
      }
      if (encodings.length === 0) {
        collect(chunk);
        return;
      }
      decoders ??= startDecoders(chunk);
      decoders[0]!.write(chunk);
    });
    res.on("end", () => {
      if (encodings.length === 0 || !decoders) finish();
      else decoders[0]!.end();
    });
    res.on("error", (error) => fail(error));
    res.on("close", () => {
      if (!res.complete)
        fail(new FetchFailure("network", "the connection closed before the body was complete"));
    });
  });
}

function contentEncodings(value: string | undefined): string[] {
  if (!value) return [];
  const encodings = value
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e && e !== "identity");
  for (const e of encodings) {
    if (!["gzip", "x-gzip", "deflate", "br"].includes(e)) {
      throw new FetchFailure("network", `unsupported Content-Encoding "${e}"`);
    }
  }
  return encodings;
}

function makeDecoder(encoding: string, firstChunk?: Buffer): Transform {
  if (encoding === "br") return createBrotliDecompress();
  if (encoding === "deflate") {
    // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: check the header.
    const b0 = firstChunk?.[0] ?? 0x78;
    const b1 = firstChunk?.[1] ?? 0x9c;
    const zlibWrapped = (b0 & 0x0f) === 8 && ((b0 << 8) | b1) % 31 === 0;
    return zlibWrapped ? createInflate() : createInflateRaw();
  }
  // Sync flush lets a gzip stream cut short at a block boundary end cleanly, as browsers do.
  return createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH });
}

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;
}

const TLS_CODE = /CERT|SSL|TLS|ALTNAME|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** Turns anything thrown inside the fetch into a kind and a sentence. */
function classify(error: unknown, aborted: boolean, timeoutMs: number): FetchFailure {
  if (error instanceof FetchFailure) return error;
  const err = error as NodeJS.ErrnoException;
  const code = err?.code ?? "";
  if (aborted || err?.name === "AbortError") {
    return new FetchFailure("timeout", `no complete response within ${timeoutMs} ms`);
  }
  if (DNS_CODES.has(code)) return new FetchFailure("dns", `cannot resolve the host (${code})`);
  if (TLS_CODE.test(code)) return new FetchFailure("tls", `TLS failed: ${err.message} (${code})`);
  const reasons: Record<string, string> = {
    ECONNREFUSED: "the connection was refused",
    ECONNRESET: "the connection was reset",
    EPIPE: "the connection broke",
    EHOSTUNREACH: "the host is unreachable",
    ENETUNREACH: "the network is unreachable",
    ETIMEDOUT: "the connection timed out",
    HPE_INVALID_CONSTANT: "the server sent a malformed HTTP response",
  };
  const reason = reasons[code] ?? (err?.message || String(error));
  return new FetchFailure("network", `${reason}${code && !reasons[code] ? ` (${code})` : ""}`);
}

/** How the poller's fetcher is set up: everything but the per-request validators. */
export type HttpFetcherOptions = Omit<FetchOptions, keyof FetchRequest>;

/** The hardened fetcher as the core's Fetcher port: options fixed here, validators per request. */
export function createHttpFetcher(options: HttpFetcherOptions = {}): Fetcher {
  return { fetch: (url, request) => safeFetch(url, { ...options, ...request }) };
}
