/**
 * Hostile and broken servers, each a real HTTP server on 127.0.0.1 (and 127.0.0.2 playing an
 * "internal" host). Small deadlines keep the suite quick; every test asserts the outcome kind a
 * poller acts on, not just "it failed".
 */
import { once } from "node:events";
import { createGzip, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { safeFetch } from "../lambdas/adapters/http-fetcher.ts";
import { readFeedOverHttp } from "./helpers/read-over-http.ts";
import { rssDocument, testFeed } from "./helpers/feeds.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";

const LOOPBACK_ONLY = { allowAddresses: ["127.0.0.1"], timeoutMs: 5_000 };
const MiB = 1024 * 1024;

let server: TestServer;
let internal: TestServer;
let internalConnections = 0;
let bytesSentOfHugeBody = 0;
let gzipBomb: Buffer;
let doubleGzipBomb: Buffer;

async function gzipZeros(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gzip.on("data", (c: Buffer) => chunks.push(c));
  const zero = Buffer.alloc(MiB);
  for (let i = 0; i < bytes / MiB; i++) gzip.write(zero);
  gzip.end();
  await once(gzip, "end");
  return Buffer.concat(chunks);
}

const feedXml = rssDocument([{ title: "A real item", link: "https://example.org/a" }]);

beforeAll(async () => {
  gzipBomb = await gzipZeros(256 * MiB);
  doubleGzipBomb = gzipSync(gzipBomb, { level: 9 });
  internal = await startServer({ "/secret": (_req, res) => void res.end("internal secret") }, "127.0.0.2");
  internal.server.on("connection", () => internalConnections++);
  server = await startServer({
    "/feed": (_req, res) => void res.end(feedXml),
    "/billion-laughs": (_req, res) =>
      void res.end(`<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>t</title><item><title>&lol9;</title></item></channel></rss>`),
    "/xxe": (_req, res) =>
      void res.end(`<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY file SYSTEM "file:///etc/passwd"><!ENTITY net SYSTEM "${"http://127.0.0.2"}:${internal.port}/secret">]>
<rss version="2.0"><channel><title>t</title><item><title>&file;</title><description>&net;</description></item></channel></rss>`),
    "/huge-chunked": (_req, res) => {
      res.setHeader("content-type", "application/rss+xml");
      const chunk = Buffer.alloc(MiB, "a");
      let sent = 0;
      const pump = () => {
        while (sent < 50 && !res.destroyed) {
          sent++;
          bytesSentOfHugeBody += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      pump();
    },
    "/huge-declared": (_req, res) => {
      res.writeHead(200, { "content-length": String(50 * MiB) });
      res.write("<rss>");
    },
    "/gzip-bomb": (_req, res) => {
      res.writeHead(200, { "content-encoding": "gzip", "content-type": "application/rss+xml" });
      res.end(gzipBomb);
    },
    "/double-gzip-bomb": (_req, res) => {
      res.writeHead(200, { "content-encoding": "gzip, gzip" });
      res.end(doubleGzipBomb);
    },
    "/drip": (_req, res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      const timer = setInterval(() => res.write("<"), 1000);
      res.on("close", () => clearInterval(timer));
    },
    "/no-headers": () => {
      // Accepts the connection and never answers.
    },
    "/loop": (_req, res) => {
      res.writeHead(302, { location: "/loop" });
      res.end();
    },
    "/to-metadata": (_req, res) => {
      res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/iam/security-credentials/" });
      res.end();
    },
    "/to-private": (_req, res) => {
      res.writeHead(301, { location: "http://10.0.0.1/admin" });
      res.end();
    },
    "/html": (_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>Moved</title></head><body><p>Hi<br></body></html>",
      );
    },
    "/empty": (_req, res) => void res.end(),
    "/etag": (req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        res.end();
        return;
      }
      res.writeHead(200, { etag: '"v1"', "last-modified": "Wed, 01 Jul 2026 10:00:00 GMT" });
      res.end(feedXml);
    },
    "/429": (_req, res) => {
      res.writeHead(429, { "retry-after": "120" });
      res.end();
    },
    "/503": (_req, res) => {
      res.writeHead(503, { "retry-after": new Date(Date.now() + 300_000).toUTCString() });
      res.end();
    },
    "/utf8-label-on-cp1252": (_req, res) => {
      res.setHeader("content-type", "application/rss+xml; charset=utf-8");
      const xml = `<?xml version="1.0" encoding="windows-1252"?><rss version="2.0"><channel><title>t</title>
<item><title>Caf\u00e9 \u20ac5 \u201cheist\u201d</title><link>https://example.org/x</link></item></channel></rss>`;
      res.end(Buffer.from(new TextEncoderCp1252().encode(xml)));
    },
    "/latin1-label-on-utf8": (_req, res) => {
      res.setHeader("content-type", "text/xml; charset=ISO-8859-1");
      res.end(
        Buffer.from(
          `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>Пхеньян — 北朝鮮 €</title><link>https://example.org/y</link></item></channel></rss>`,
          "utf8",
        ),
      );
    },
    "/reset": (req, res) => {
      res.writeHead(200, { "content-length": "100000" });
      res.write(feedXml.slice(0, 100));
      setTimeout(() => req.socket.destroy(), 20);
    },
  });
});

afterAll(async () => {
  await server?.close();
  await internal?.close();
});

/** windows-1252 encoder for the few characters these fixtures use. */
class TextEncoderCp1252 {
  encode(text: string): Uint8Array {
    const special: Record<string, number> = { "\u20ac": 0x80, "\u201c": 0x93, "\u201d": 0x94 };
    return Uint8Array.from([...text].map((ch) => special[ch] ?? ch.charCodeAt(0)));
  }
}

const feedAt = (path: string) => testFeed(server.url(path), `Hostile ${path}`);

describe("hostile XML", () => {
  it("refuses billion laughs quickly without expanding entities", async () => {
    const started = Date.now();
    const result = await readFeedOverHttp(feedAt("/billion-laughs"), LOOPBACK_ONLY);
    expect(result.status).toBe("failed");
    if (result.status === "failed") {
      expect(result.kind).toBe("bad-xml");
      expect(result.message).toMatch(/entit/i);
    }
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("never reads a file or fetches a URL named by an external entity (XXE)", async () => {
    const connectionsBefore = internalConnections;
    const result = await readFeedOverHttp(feedAt("/xxe"), {
      ...LOOPBACK_ONLY,
      allowAddresses: ["127.0.0.0/8"],
    });
    expect(JSON.stringify(result)).not.toContain("root:");
    expect(JSON.stringify(result)).not.toContain("internal secret");
    expect(result.status).toBe("failed");
    if (result.status === "failed") expect(result.kind).toBe("bad-xml");
    expect(internalConnections).toBe(connectionsBefore);
  });
});

describe("oversized bodies", () => {
  it("aborts a 50 MB chunked body at the 5 MB cap and stops downloading", async () => {
    const result = await readFeedOverHttp(feedAt("/huge-chunked"), LOOPBACK_ONLY);
    expect(result.status === "failed" && result.kind).toBe("too-large");
    // The server noticed the disconnect long before 50 MB; socket buffers allow a few MB of slack.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bytesSentOfHugeBody).toBeLessThan(20 * MiB);
  });

  it("refuses a declared 50 MB Content-Length before reading it", async () => {
    const result = await safeFetch(server.url("/huge-declared"), LOOPBACK_ONLY);
    expect(result.status === "failed" && result.kind).toBe("too-large");
    if (result.status === "failed") expect(result.message).toContain("50.0 MB");
  });

  it("stops a gzip bomb (256 MB of zeros in ~260 KB) at the cap on decompressed bytes", async () => {
    expect(gzipBomb.length).toBeLessThan(MiB);
    const before = process.memoryUsage().arrayBuffers;
    const result = await safeFetch(server.url("/gzip-bomb"), LOOPBACK_ONLY);
    expect(result.status === "failed" && result.kind).toBe("too-large");
    if (result.status === "failed") expect(result.message).toMatch(/inflates past the 5\.0 MB cap/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * MiB);
  });

  it("stops a nested gzip bomb (a ~1 KB body, Content-Encoding: gzip, gzip)", async () => {
    expect(doubleGzipBomb.length).toBeLessThan(4096);
    const result = await safeFetch(server.url("/double-gzip-bomb"), LOOPBACK_ONLY);
    expect(result.status === "failed" && result.kind).toBe("too-large");
  });
});

describe("slow and broken connections", () => {
  it("times out a body dripping one byte a second, at the total deadline", async () => {
    const started = Date.now();
    const result = await readFeedOverHttp(feedAt("/drip"), { ...LOOPBACK_ONLY, timeoutMs: 1_500 });
    expect(result.status === "failed" && result.kind).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("times out a server that never sends headers", async () => {
    const result = await readFeedOverHttp(feedAt("/no-headers"), { ...LOOPBACK_ONLY, timeoutMs: 500 });
    expect(result.status === "failed" && result.kind).toBe("timeout");
  });

  it("fails fast as a network error when the connection is reset mid-body", async () => {
    const started = Date.now();
    const result = await readFeedOverHttp(feedAt("/reset"), LOOPBACK_ONLY);
    expect(result.status === "failed" && result.kind).toBe("network");
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("redirects and SSRF", () => {
  it("gives up on a redirect loop after 5 redirects (6 requests)", async () => {
    const before = server.requests.filter((r) => r === "GET /loop").length;
    const result = await readFeedOverHttp(feedAt("/loop"), LOOPBACK_ONLY);
    expect(result.status === "failed" && result.kind).toBe("too-many-redirects");
    expect(server.requests.filter((r) => r === "GET /loop").length - before).toBe(6);
  });

  it.each([
    ["/to-metadata", "169.254.169.254", /link-local/],
    ["/to-private", "10.0.0.1", /private/],
  ])("refuses a redirect %s to %s before connecting", async (path, address, reason) => {
    const started = Date.now();
    const result = await readFeedOverHttp(feedAt(path), { ...LOOPBACK_ONLY, connectTimeoutMs: 3_000 });
    expect(result.status === "failed" && result.kind).toBe("blocked-address");
    if (result.status === "failed") {
      expect(result.message).toContain(address);
      expect(result.message).toMatch(reason);
    }
    // A real connection attempt to an unrouted address would hang until the connect timeout.
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it.each([
    "http://2130706434",
    "http://0x7f000002",
    "http://127.2",
    "http://[::ffff:127.0.0.2]",
    "http://127.0.0.2",
  ])("refuses %s (127.0.0.2 in disguise) without ever connecting to it", async (origin) => {
    const before = internalConnections;
    const result = await safeFetch(`${origin}:${internal.port}/secret`, LOOPBACK_ONLY);
    expect(result.status === "failed" && result.kind).toBe("blocked-address");
    expect(internalConnections).toBe(before);
  });

  it("checks the resolved address of a hostname, so DNS cannot point inside", async () => {
    const before = internalConnections;
    const lookup = async () => [{ address: "127.0.0.2", family: 4 }];
    const result = await safeFetch(`http://feeds.example.com:${internal.port}/secret`, {
      ...LOOPBACK_ONLY,
      lookup,
    });
    expect(result.status === "failed" && result.kind).toBe("blocked-address");
    if (result.status === "failed")
      expect(result.message).toContain("feeds.example.com resolves to 127.0.0.2");
    expect(internalConnections).toBe(before);
  });
});

describe("not a feed", () => {
  it("reports an HTML page served as a feed as not-a-feed", async () => {
    const result = await readFeedOverHttp(feedAt("/html"), LOOPBACK_ONLY);
    expect(result.status === "failed" && result.kind).toBe("not-a-feed");
    if (result.status === "failed") expect(result.message).toMatch(/Hostile \/html .*HTML page/);
  });

  it("reports an empty 200 as not-a-feed, not as an empty feed", async () => {
    const result = await readFeedOverHttp(feedAt("/empty"), LOOPBACK_ONLY);
    expect(result.status === "failed" && result.kind).toBe("not-a-feed");
    if (result.status === "failed") expect(result.message).toContain("empty");
  });
});

describe("politeness: conditional GET and Retry-After", () => {
  it("returns not-modified on a 304 after an ETag, keeping the validators", async () => {
    const first = await readFeedOverHttp(feedAt("/etag"), LOOPBACK_ONLY);
    if (first.status !== "ok") throw new Error(JSON.stringify(first));
    expect(first.etag).toBe('"v1"');
    expect(first.lastModified).toBe("Wed, 01 Jul 2026 10:00:00 GMT");
    const second = await readFeedOverHttp(feedAt("/etag"), {
      ...LOOPBACK_ONLY,
      etag: first.etag,
      lastModified: first.lastModified,
    });
    expect(second).toMatchObject({
      status: "not-modified",
      etag: '"v1"',
      lastModified: "Wed, 01 Jul 2026 10:00:00 GMT",
    });
  });

  it("reads Retry-After seconds on a 429", async () => {
    const result = await readFeedOverHttp(feedAt("/429"), LOOPBACK_ONLY);
    expect(result).toMatchObject({
      status: "failed",
      kind: "http-status",
      httpStatus: 429,
      retryAfterSeconds: 120,
    });
  });

  it("reads a Retry-After HTTP date on a 503", async () => {
    const result = await readFeedOverHttp(feedAt("/503"), LOOPBACK_ONLY);
    expect(result).toMatchObject({ status: "failed", kind: "http-status", httpStatus: 503 });
    const seconds = result.status === "failed" ? (result.retryAfterSeconds ?? -1) : -1;
    expect(seconds).toBeGreaterThan(290);
    expect(seconds).toBeLessThanOrEqual(300);
  });
});

describe("wrong charset labels", () => {
  it("decodes windows-1252 bytes served as charset=utf-8 by the document's own declaration", async () => {
    const result = await readFeedOverHttp(feedAt("/utf8-label-on-cp1252"), LOOPBACK_ONLY);
    if (result.status !== "ok") throw new Error(JSON.stringify(result));
    expect(result.articles[0]?.title).toBe("Café €5 “heist”");
    expect(result.warnings.join(" ")).toMatch(/not valid UTF-8/);
  });

  it("decodes UTF-8 bytes served as charset=ISO-8859-1 as UTF-8", async () => {
    const result = await readFeedOverHttp(feedAt("/latin1-label-on-utf8"), LOOPBACK_ONLY);
    if (result.status !== "ok") throw new Error(JSON.stringify(result));
    expect(result.articles[0]?.title).toBe("Пхеньян — 北朝鮮 €");
  });
});
