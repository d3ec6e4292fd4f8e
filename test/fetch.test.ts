import { brotliCompressSync, deflateRawSync, deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAllowList, checkAddress, normaliseAddress } from "../lambdas/adapters/address-guard.ts";
import { decodeBody } from "../lambdas/core/acquire/charset.ts";
import { DEFAULT_USER_AGENT, parseRetryAfter, safeFetch } from "../lambdas/adapters/http-fetcher.ts";
import { startServer, type TestServer } from "./helpers/http-server.ts";

const LOOPBACK = { allowAddresses: ["127.0.0.1"], timeoutMs: 5_000 };
const seenHeaders: Record<string, string | string[] | undefined>[] = [];
let server: TestServer;

beforeAll(async () => {
  const body = "<rss>hello encodings</rss>";
  server = await startServer({
    "/echo": (req, res) => {
      seenHeaders.push(req.headers);
      res.end("<rss/>");
    },
    "/br": (_req, res) => {
      res.writeHead(200, { "content-encoding": "br" });
      res.end(brotliCompressSync(body));
    },
    "/deflate": (_req, res) => {
      res.writeHead(200, { "content-encoding": "deflate" });
      res.end(deflateSync(body));
    },
    "/deflate-raw": (_req, res) => {
      res.writeHead(200, { "content-encoding": "deflate" });
      res.end(deflateRawSync(body));
    },
    "/corrupt-gzip": (_req, res) => {
      res.writeHead(200, { "content-encoding": "gzip" });
      res.end("definitely not gzip");
    },
    "/hop": (req, res) => {
      const n = Number(new URL(req.url ?? "", "http://x").searchParams.get("n"));
      if (n > 0) res.writeHead(302, { location: `hop?n=${n - 1}` });
      else res.writeHead(200, { "content-type": "text/xml" });
      res.end(n > 0 ? "" : "<rss>arrived</rss>");
    },
    "/no-location": (_req, res) => {
      res.writeHead(302);
      res.end();
    },
    "/to-file": (_req, res) => {
      res.writeHead(301, { location: "file:///etc/passwd" });
      res.end();
    },
    "/gone": (_req, res) => {
      res.writeHead(410);
      res.end();
    },
  });
});

afterAll(() => server?.close());

describe("safeFetch requests", () => {
  it("sends a User-Agent naming heistwatch and its URL, Accept for feeds, and compression", async () => {
    await safeFetch(server.url("/echo"), LOOPBACK);
    const headers = seenHeaders.at(-1)!;
    expect(headers["user-agent"]).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toMatch(/^heistwatch\/\S+ \(\+https:\/\/\S+\)$/);
    expect(headers.accept).toContain("application/rss+xml");
    expect(headers["accept-encoding"]).toBe("gzip, deflate, br");
    expect(headers["if-none-match"]).toBeUndefined();
  });

  it("sends If-None-Match and If-Modified-Since when it has validators", async () => {
    await safeFetch(server.url("/echo"), {
      ...LOOPBACK,
      etag: 'W/"abc"',
      lastModified: "Wed, 01 Jul 2026 10:00:00 GMT",
    });
    const headers = seenHeaders.at(-1)!;
    expect(headers["if-none-match"]).toBe('W/"abc"');
    expect(headers["if-modified-since"]).toBe("Wed, 01 Jul 2026 10:00:00 GMT");
  });
});

describe("safeFetch responses", () => {
  it.each(["/br", "/deflate", "/deflate-raw"])("decodes %s bodies", async (path) => {
    const result = await safeFetch(server.url(path), LOOPBACK);
    expect(result).toMatchObject({ status: "ok", body: "<rss>hello encodings</rss>", bytes: 26 });
  });

  it("reports a corrupt compressed body as a network failure", async () => {
    const result = await safeFetch(server.url("/corrupt-gzip"), LOOPBACK);
    expect(result.status === "failed" && result.kind).toBe("network");
  });

  it("follows 5 relative redirects and reports the final URL", async () => {
    const result = await safeFetch(server.url("/hop?n=5"), LOOPBACK);
    expect(result).toMatchObject({
      status: "ok",
      body: "<rss>arrived</rss>",
      finalUrl: server.url("/hop?n=0"),
    });
  });

  it("refuses the 6th redirect, and honours a lower maxRedirects", async () => {
    const six = await safeFetch(server.url("/hop?n=6"), LOOPBACK);
    expect(six.status === "failed" && six.kind).toBe("too-many-redirects");
    const none = await safeFetch(server.url("/hop?n=1"), { ...LOOPBACK, maxRedirects: 0 });
    expect(none.status === "failed" && none.kind).toBe("too-many-redirects");
  });

  it("treats a redirect without Location as an HTTP status failure", async () => {
    const result = await safeFetch(server.url("/no-location"), LOOPBACK);
    expect(result).toMatchObject({ status: "failed", kind: "http-status", httpStatus: 302 });
  });

  it("refuses a redirect to a file: URL before any I/O", async () => {
    const result = await safeFetch(server.url("/to-file"), LOOPBACK);
    expect(result.status === "failed" && result.kind).toBe("bad-url");
    if (result.status === "failed") expect(result.message).toMatch(/only http and https/);
  });

  it("reports 410 with its status and no Retry-After", async () => {
    const result = await safeFetch(server.url("/gone"), LOOPBACK);
    expect(result).toMatchObject({ status: "failed", kind: "http-status", httpStatus: 410 });
    expect(result.status === "failed" && result.retryAfterSeconds).toBeUndefined();
  });

  it.each([
    ["not a url", "bad-url"],
    ["ftp://example.org/feed", "bad-url"],
    ["http://localhost:1/", "blocked-address"],
  ])("%s fails as %s without throwing", async (url, kind) => {
    const result = await safeFetch(url);
    expect(result.status === "failed" && result.kind).toBe(kind);
  });

  it("reports a refused connection as a network failure", async () => {
    const closed = await startServer({});
    const url = closed.url("/");
    await closed.close();
    const result = await safeFetch(url, LOOPBACK);
    expect(result.status === "failed" && result.kind).toBe("network");
  });

  it("reports DNS failures from the resolver as dns", async () => {
    const lookup = async () => {
      throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
    };
    const result = await safeFetch("https://no-such-feed.example/", { lookup });
    expect(result).toMatchObject({ status: "failed", kind: "dns" });
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, ignores garbage", () => {
    const now = Date.parse("2026-08-01T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("Sat, 01 Aug 2026 12:05:00 GMT", now)).toBe(300);
    expect(parseRetryAfter("Sat, 01 Aug 2026 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe("address guard", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "169.254.170.2",
    "0.0.0.0",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1%eth0",
    "::ffff:127.0.0.1",
    "::ffff:a9fe:a9fe",
    "64:ff9b::10.0.0.1",
    "224.0.0.1",
  ])("refuses %s", (address) => {
    expect(checkAddress(address).allowed).toBe(false);
  });

  it.each(["8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])(
    "allows public %s",
    (address) => {
      expect(checkAddress(address).allowed).toBe(true);
    },
  );

  it("lets an explicit allow-list (IPs and CIDRs) through, and nothing else", () => {
    const allow = buildAllowList(["127.0.0.1", "10.9.0.0/16"]);
    expect(checkAddress("127.0.0.1", allow).allowed).toBe(true);
    expect(checkAddress("::ffff:127.0.0.1", allow).allowed).toBe(true);
    expect(checkAddress("10.9.3.4", allow).allowed).toBe(true);
    expect(checkAddress("127.0.0.2", allow).allowed).toBe(false);
    expect(() => buildAllowList(["not-an-ip"])).toThrow(/not an IP address/);
  });

  it("unwraps IPv4-mapped and NAT64 addresses", () => {
    expect(normaliseAddress("[::ffff:7f00:2]")).toBe("127.0.0.2");
    expect(normaliseAddress("64:ff9b::a9fe:a9fe")).toBe("169.254.169.254");
    expect(normaliseAddress("example.com")).toBeNull();
  });
});

describe("decodeBody", () => {
  const cp1252Title = Uint8Array.from([0x3c, 0x74, 0x3e, 0x80, 0x93, 0x71, 0x94, 0xe9]); // <t>€“q”é
  it("decodes windows-1252's 0x80-0x9F range (Node's TextDecoder treats it as latin1)", () => {
    expect(decodeBody(cp1252Title, "iso-8859-1").text).toBe("<t>€“q”é");
  });

  it("honours a UTF-16 BOM over a wrong header", () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<rss>Ж</rss>", "utf16le")]);
    expect(decodeBody(utf16, "utf-8")).toMatchObject({
      text: "<rss>Ж</rss>",
      charset: "utf-16le",
      source: "bom",
    });
  });

  it("ignores an unknown label and says so", () => {
    const result = decodeBody(Buffer.from("<rss>ok</rss>"), "x-klingon");
    expect(result).toMatchObject({ text: "<rss>ok</rss>", charset: "utf-8" });
    expect(result.warning).toMatch(/unknown header charset "x-klingon"/);
  });

  it("uses the XML declaration when the header has no charset", () => {
    const koi8 = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="koi8-r"?><t>'),
      Buffer.from([0xf0, 0xc8, 0xc5, 0xce, 0xd8, 0xd1, 0xce]),
      Buffer.from("</t>"),
    ]);
    expect(decodeBody(koi8).text).toContain("<t>Пхеньян</t>");
  });
});
