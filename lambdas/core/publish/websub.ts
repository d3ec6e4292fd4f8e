/**
 * WebSub (W3C Recommendation, https://www.w3.org/TR/websub/) for /feed.xml and /feed.json:
 * the hub link each feed carries, and the publish ping a configured hub receives when new
 * stories appear, so readers get them pushed instead of polling. No hub configured: no link,
 * no ping, nothing else changes. Pure: the ping goes out through the HubPinger port.
 */
import { escapeXml } from "./escape.ts";
import type { SiteConfig } from "./view.ts";

/** The feeds a hub is told about: the unfiltered first pages, as their self links name them. */
export function websubTopics(baseUrl: string): string[] {
  const base = baseUrl.replace(/\/+$/, "");
  return [`${base}/feed.xml`, `${base}/feed.json`];
}

/** `<atom:link rel="hub">` for the RSS channel, or "" without a hub. */
export function rssHubLink(site: SiteConfig): string {
  return site.hubUrl ? `<atom:link rel="hub" href="${escapeXml(site.hubUrl)}"/>` : "";
}

/** JSON Feed 1.1's `hubs` member, or nothing without a hub. */
export function jsonFeedHubs(site: SiteConfig): { hubs?: { type: string; url: string }[] } {
  return site.hubUrl ? { hubs: [{ type: "WebSub", url: site.hubUrl }] } : {};
}

/** The body of a publish ping for one topic (application/x-www-form-urlencoded). */
export function publishPingBody(topicUrl: string): string {
  return new URLSearchParams({ "hub.mode": "publish", "hub.url": topicUrl }).toString();
}

export type PingResult =
  { topic: string; ok: true; status: number } | { topic: string; ok: false; error: string };

/** The port the ping goes out through (adapters/websub-ping.ts: hardened HTTP POST). */
export interface HubPinger {
  /** Tells the hub each topic changed. Never rejects: failures come back as results. */
  ping(topics: string[]): Promise<PingResult[]>;
}

export interface WebSubPublisher {
  pinger: HubPinger;
  /** The public base URL the topics live under. */
  baseUrl: string;
}

interface PingLog {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

/**
 * Pings the hub when a poll cycle stored new flagged articles (a new story or a new source
 * changes the feeds). Nothing happens without a publisher or without news. A failed ping is
 * logged and dropped: the hub's subscribers still have the feed, and the next news pings again.
 */
export async function announceNewStories(
  publisher: WebSubPublisher | undefined,
  flagged: number,
  log: PingLog,
): Promise<PingResult[]> {
  if (!publisher || flagged <= 0) return [];
  const results = await publisher.pinger.ping(websubTopics(publisher.baseUrl));
  for (const result of results) {
    if (result.ok) log.info("websub hub pinged", { topic: result.topic, status: result.status });
    else log.warn("websub ping failed", { topic: result.topic, error: result.error });
  }
  return results;
}
