/**
 * The demo's feeds: invented sources in demo/feeds/*.xml, served on 127.0.0.1 with conditional
 * GET like a real site. Their dates are shifted so the newest item is a few minutes old, because
 * the pipeline does not alert on stories older than a week and a demo must show alerts any day.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { FeedConfig } from "../../lambdas/core/model/types.ts";
import { PACKAGE_ROOT } from "./config.ts";

/** The demo sources (all invented; their links use the reserved .example domain). */
export const DEMO_SOURCES: ReadonlyArray<{ id: string; name: string; file: string }> = [
  { id: "demo-chainwire-daily", name: "Chainwire Daily", file: "chainwire-daily.xml" },
  { id: "demo-coin-ledger-times", name: "Coin Ledger Times", file: "coin-ledger-times.xml" },
  { id: "demo-threat-desk", name: "Threat Desk", file: "threat-desk.xml" },
  { id: "demo-packet-sentinel", name: "Packet Sentinel", file: "packet-sentinel.xml" },
  { id: "demo-defi-dispatch", name: "DeFi Dispatch", file: "defi-dispatch.xml" },
  { id: "demo-cyber-policy-wire", name: "Cyber Policy Wire", file: "cyber-policy-wire.xml" },
];

export const DEMO_FEEDS_DIR = join(PACKAGE_ROOT, "demo", "feeds");

// Date elements of RSS 2.0 (RFC 822 dates) and Atom / Dublin Core (ISO 8601 dates).
const DATE_ELEMENT = /<(pubDate|lastBuildDate|published|updated|dc:date)>([^<]+)<\/\1>/g;

/** The newest date found in any date element of the documents (ms since epoch), or null. */
export function newestDate(documents: string[]): number | null {
  let newest: number | null = null;
  for (const xml of documents) {
    for (const match of xml.matchAll(DATE_ELEMENT)) {
      const ms = Date.parse(match[2]!.trim());
      if (Number.isFinite(ms) && (newest === null || ms > newest)) newest = ms;
    }
  }
  return newest;
}

/** Moves every date element by `offsetMs`, keeping each element's format (RFC 822 or ISO 8601). */
export function shiftDates(xml: string, offsetMs: number): string {
  return xml.replace(DATE_ELEMENT, (whole, tag: string, value: string) => {
    const ms = Date.parse(value.trim());
    if (!Number.isFinite(ms)) return whole;
    const shifted = new Date(ms + offsetMs);
    const text = /^\d{4}-\d{2}-\d{2}/.test(value.trim()) ? shifted.toISOString() : shifted.toUTCString();
    return `<${tag}>${text}</${tag}>`;
  });
}

export interface DemoFeedServer {
  feeds: FeedConfig[];
  /** Requests served, as "METHOD /path STATUS". */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves the demo feeds on 127.0.0.1 (ephemeral port), re-dated so the newest item was published
 * `newestAgeMinutes` before `now`. Answers If-None-Match with 304, like a well-behaved site.
 */
export async function startDemoFeedServer(
  options: { now?: Date; newestAgeMinutes?: number; dir?: string } = {},
): Promise<DemoFeedServer> {
  const dir = options.dir ?? DEMO_FEEDS_DIR;
  const raw = DEMO_SOURCES.map((source) => readFileSync(join(dir, source.file), "utf8"));
  const newest = newestDate(raw) ?? Date.now();
  const target = (options.now ?? new Date()).getTime() - (options.newestAgeMinutes ?? 20) * 60_000;
  // Whole minutes, so the served dates look like ordinary publication times.
  const offset = Math.round((target - newest) / 60_000) * 60_000;
  const documents = new Map<string, { body: string; etag: string; type: string }>();
  DEMO_SOURCES.forEach((source, i) => {
    const body = shiftDates(raw[i]!, offset);
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 16)}"`;
    const type = body.includes("<feed") ? "application/atom+xml" : "application/rss+xml";
    documents.set(`/${source.file}`, { body, etag, type: `${type}; charset=utf-8` });
  });

  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://demo").pathname;
    const doc = documents.get(path);
    let status = 200;
    if (!doc) {
      status = 404;
      res.writeHead(status, { "content-type": "text/plain" }).end("not found");
    } else if (req.headers["if-none-match"] === doc.etag) {
      status = 304;
      res.writeHead(status, { etag: doc.etag }).end();
    } else {
      res.writeHead(status, { "content-type": doc.type, etag: doc.etag }).end(doc.body);
    }
    requests.push(`${req.method} ${path} ${status}`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    feeds: DEMO_SOURCES.map((s) => ({ id: s.id, name: s.name, url: `http://127.0.0.1:${port}/${s.file}` })),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
