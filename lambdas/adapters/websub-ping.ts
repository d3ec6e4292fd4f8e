/**
 * The HubPinger port over HTTP: a WebSub publish ping (POST hub.mode=publish&hub.url=<topic>,
 * form-encoded) to the configured hub, with the feed fetcher's guards: http(s) only, no
 * credentials in the URL, the hub's address checked against the private-address guard and the
 * connection pinned to it, one deadline for the whole exchange, no redirects followed, and the
 * answer read to at most 64 KB and dropped.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import {
  type HubPinger,
  type PingResult,
  publishPingBody,
  type WebSubPublisher,
} from "../core/publish/websub.ts";
import { buildAllowList, checkAddress } from "./address-guard.ts";
import { DEFAULT_USER_AGENT, type HostLookup, type ResolvedAddress } from "./http-fetcher.ts";

export interface WebSubPingOptions {
  hubUrl: string;
  /** Deadline per ping, connection and answer included. Default 5_000. */
  timeoutMs?: number;
  /** IPs/CIDRs allowed despite being private/loopback (tests and local mode: ["127.0.0.1"]). */
  allowAddresses?: string[];
  lookup?: HostLookup;
  userAgent?: string;
}

const MAX_ANSWER_BYTES = 64 * 1024;

const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Checks the hub URL once, at construction: a bad one is a configuration error, named. */
function parseHubUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`WebSub hub "${text.slice(0, 200)}" is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`WebSub hub "${text.slice(0, 200)}" must be http(s)`);
  }
  if (url.username || url.password) throw new Error("WebSub hub URL must not carry credentials");
  return url;
}

async function resolveAllowed(
  url: URL,
  lookup: HostLookup,
  allow: ReturnType<typeof buildAllowList>,
): Promise<ResolvedAddress> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const candidates = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host);
  for (const candidate of candidates) {
    if (checkAddress(candidate.address, allow).allowed) return candidate;
  }
  throw new Error(`refused to connect: ${host} is not a public address`);
}

function post(
  url: URL,
  target: ResolvedAddress,
  body: string,
  userAgent: string,
  signal: AbortSignal,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const pinned: LookupFunction = (_hostname, opts, callback) => {
      if (opts.all) callback(null, [{ address: target.address, family: target.family }]);
      else callback(null, target.address, target.family);
    };
    const isHttps = url.protocol === "https:";
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const req = (isHttps ? httpsRequest : httpRequest)({
      method: "POST",
      host,
      port: url.port || (isHttps ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": String(Buffer.byteLength(body)),
        "User-Agent": userAgent,
      },
      lookup: pinned,
      agent: false,
      signal,
      ...(isHttps && !isIP(host) ? { servername: host } : {}),
    });
    req.on("response", (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_ANSWER_BYTES) res.destroy();
      });
      res.on("close", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Creates a pinger for one hub. */
export function createWebSubPinger(options: WebSubPingOptions): HubPinger {
  const hub = parseHubUrl(options.hubUrl);
  const allow = buildAllowList(options.allowAddresses ?? []);
  const lookup = options.lookup ?? systemLookup;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  async function pingOne(topic: string): Promise<PingResult> {
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      const target = await resolveAllowed(hub, lookup, allow);
      const status = await post(hub, target, publishPingBody(topic), userAgent, signal);
      // A hub acknowledges with 2xx (usually 202 or 204); anything else, a redirect included, failed.
      if (status >= 200 && status < 300) return { topic, ok: true, status };
      return { topic, ok: false, error: `hub answered HTTP ${status}` };
    } catch (error) {
      const name = (error as Error).name;
      const message =
        name === "TimeoutError" || name === "AbortError"
          ? `no answer within ${timeoutMs} ms`
          : String((error as Error).message ?? error);
      return { topic, ok: false, error: message };
    }
  }
  return {
    ping: (topics) => Promise.all(topics.map(pingOne)),
  };
}

/**
 * The publisher the poll Lambda uses: WEBSUB_HUB_URL and PUBLIC_BASE_URL (the topics' base) from
 * the environment. Neither set: undefined (no pings). Only one set: an error naming the other.
 */
export function websubFromEnv(
  env: Record<string, string | undefined>,
  names: { hub: string; baseUrl: string },
): WebSubPublisher | undefined {
  const hubUrl = env[names.hub]?.trim();
  if (!hubUrl) return undefined;
  const baseUrl = env[names.baseUrl]?.trim();
  if (!baseUrl)
    throw new Error(`${names.hub} is set but ${names.baseUrl} is not: the hub needs the feeds' public URLs`);
  parseHubUrl(baseUrl);
  return { pinger: createWebSubPinger({ hubUrl }), baseUrl: baseUrl.replace(/\/+$/, "") };
}
