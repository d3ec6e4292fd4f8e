/**
 * The shared real-world corpus (../shared/feeds, MANIFEST.md), every document served by a real
 * HTTP server on 127.0.0.1 and read through readFeed, exactly as the poller reads a live feed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFeedOverHttp } from "./helpers/read-over-http.ts";
import type { Article } from "../lambdas/core/model/types.ts";
import { HAS_SHARED } from "./helpers/shared-data.ts";
import { listFeedFixtures, loadFeedFixture, testFeed } from "./helpers/feeds.ts";
import { type Route, startServer, type TestServer } from "./helpers/http-server.ts";

type Expected = number | "bad-xml" | "not-a-feed";

/**
 * Articles expected from each document. Numbers are MANIFEST's item counts, except where items
 * repeat a guid (or, with no guid, a link) inside the feed: those collapse to one article.
 */
const EXPECTED: Record<string, Expected> = {
  "CarterPerez-dev__nadezhda__bleepingcomputer.xml": 3,
  "CarterPerez-dev__nadezhda__cisa.xml": 3,
  "CarterPerez-dev__nadezhda__darkreading.xml": 3,
  "CarterPerez-dev__nadezhda__krebs.xml": 3,
  "CarterPerez-dev__nadezhda__securityweek.xml": 3,
  "CarterPerez-dev__nadezhda__thehackernews.xml": 3,
  "CarterPerez-dev__nadezhda__theregister.xml": 3,
  "Ranchero-Software__RSParser__atp.rss": 100,
  "Ranchero-Software__RSParser__bio.rdf": 30,
  "Ranchero-Software__RSParser__donthitsave.xml": 10,
  "Ranchero-Software__RSParser__kc0011.rss": 20,
  "Ranchero-Software__RSParser__macworld.rss": 30,
  "Ranchero-Software__RSParser__russcox.atom": 19,
  // 50 items; two guids appear twice (the same post re-published five minutes later).
  "Ranchero-Software__RSParser__scriptingNews.rss": 48,
  // MALFORMED (control characters in escaped code): rss-parser is lenient and so are we.
  "arminreiter__FeedReader__AtomSpecialCharacters.xml": 1,
  "arminreiter__FeedReader__Rss091Stadtfeuerwehr.xml": 15,
  "arminreiter__FeedReader__Rss10OrfAt.xml": 50,
  "arminreiter__FeedReader__Rss20ISO88591Intranet30.xml": 30,
  "arminreiter__FeedReader__Rss20MoscowTimes.xml": 50,
  "arminreiter__FeedReader__Rss20YandexRussia.xml": 15,
  "danmactough__node-feedparser__iconv.xml": 10,
  "danmactough__node-feedparser__illegally-nested.xml": 10,
  "danmactough__node-feedparser__intertwingly.atom": 20,
  // gzip bytes served WITHOUT Content-Encoding: not XML (the gzip-encoded case is tested below).
  "danmactough__node-feedparser__invalid-characters-gzipped.xml": "bad-xml",
  // One unescaped "&" in a link: repaired (and reported as a warning), so all 3 items survive.
  "danmactough__node-feedparser__saxerror.xml": 3,
  "danmactough__node-feedparser__tpm-with-empty-base.atom": 20,
  "danmactough__node-feedparser__wapowellness.xml": 29,
  "extractus__feed-extractor__atom-feed-standard-realworld.xml": 38,
  "extractus__feed-extractor__medium-feed.xml": 3,
  "extractus__feed-extractor__rdf-standard.xml": 3,
  "extractus__feed-extractor__rss-feed-miss-link.xml": 175,
  "extractus__feed-extractor__rss-feed-standard-realworld.xml": 38,
  "feed-rs__feed-rs__rss_0.91_encoding_1.xml": 1,
  "feed-rs__feed-rs__rss_1.0_iso8859.xml": 1,
  // MALFORMED only by an HTML entity (&nbsp;); accepted.
  "feed-rs__feed-rs__rss_2.0_dbengines.xml": 1,
  // Truncated by a server error after the channel header.
  "feed-rs__feed-rs__rss_2.0_invalid_1.xml": "bad-xml",
  "feed-rs__feed-rs__rss_2.0_nightvale.xml": 1,
  "feed-rs__feed-rs__rss_2.0_relurl_1.xml": 2,
  // An Atom feed inside an XHTML page: a web page, not a feed.
  "feedjira__feedjira__DuplicateContentAtomFeed.xml": "not-a-feed",
  // Missing </rss>: truncated documents are refused, not guessed at.
  "feedjira__feedjira__InvalidDateFormat.xml": "bad-xml",
  "feedjira__feedjira__TechCrunch.xml": 20,
  "feedjira__feedjira__a10.xml": 5,
  "feedjira__feedjira__youtube_atom.xml": 15,
  "fent__feedme.js__badfeed.xml": "bad-xml",
  // 70 items; one link is bookmarked twice (no guids), so it is one article.
  "fent__feedme.js__rdf.xml": 69,
  "kurtmckee__feedparser__rss_incomplete_cdata.xml": "bad-xml",
  // Raw U+0008 in a title: accepted, and the control character removed from the text.
  "mmcdole__gofeed__rss_channel_item_illegal_char.xml": 1,
  "newsboat__newsboat__empty.xml": "not-a-feed",
  // 40 unescaped "&" in links: repaired, all 20 items kept.
  "nmdias__FeedKit__Ampersand.xml": 20,
  "rbren__rss-parser__craigslist.rss": 25,
  "rbren__rss-parser__encoding.rss": 40,
  "rbren__rss-parser__feedburner.atom": 25,
  "rbren__rss-parser__giantbomb-podcast.rss": 730,
  "rbren__rss-parser__guardian.rss": 55,
  "rbren__rss-parser__heise.atom": 15,
  // 131 items; one guid (geekistry-2.mp3) is used by two episodes.
  "rbren__rss-parser__itunes-missing-image.rss": 130,
  "rbren__rss-parser__reddit-home.rss": 24,
  "rbren__rss-parser__unrecognized.rss": "not-a-feed",
  // Latin-1 bytes with no declaration and <rss> without a version: decoded as windows-1252, read as RSS 2.
  "rbren__rss-parser__uolNoticias.rss": 15,
  "tsummey__cyberdash__bleepingcomputer.xml": 12,
  "tsummey__cyberdash__crowdstrike.xml": 10,
  "tsummey__cyberdash__cybersecurity-advisories.xml": 10,
  "tsummey__cyberdash__databreaches.xml": 10,
  "tsummey__cyberdash__microsoftsecurity.xml": 10,
  "tsummey__cyberdash__proofpoint.xml": 10,
};

const GZIPPED = "danmactough__node-feedparser__invalid-characters-gzipped.xml";
const NOW = new Date("2026-08-01T00:00:00Z");
const options = { allowAddresses: ["127.0.0.1"], now: NOW, timeoutMs: 20_000 };

let server: TestServer;
const articlesByFile = new Map<string, Article[]>();

beforeAll(async () => {
  if (!HAS_SHARED) return;
  const routes: Record<string, Route> = {};
  for (const name of listFeedFixtures()) {
    // No charset parameter: the document's BOM or declaration has to be honoured.
    routes[`/feeds/${name}`] = (_req, res) => {
      res.setHeader("content-type", "application/xml");
      res.end(loadFeedFixture(name));
    };
  }
  // The gzip fixture as a server would really send it: the stored bytes ARE the encoded body.
  routes["/gzip-encoded"] = (_req, res) => {
    res.setHeader("content-type", "application/rss+xml");
    res.setHeader("content-encoding", "gzip");
    res.end(loadFeedFixture(GZIPPED));
  };
  server = await startServer(routes);
});

afterAll(() => server?.close());

describe.skipIf(!HAS_SHARED)("real-world feed corpus served over HTTP", () => {
  it("has an expectation for every document in the corpus", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(listFeedFixtures());
  });

  it.each(Object.entries(EXPECTED))("%s -> %s", async (name, expected) => {
    const result = await readFeedOverHttp(testFeed(server.url(`/feeds/${name}`), name), options);
    if (typeof expected === "number") {
      if (result.status !== "ok") throw new Error(`expected ok, got ${JSON.stringify(result)}`);
      expect(result.articles).toHaveLength(expected);
      articlesByFile.set(name, result.articles);
      for (const article of result.articles) {
        expect(article.title.length).toBeGreaterThan(0);
        // Caps count characters (code points), as the text policy does.
        expect([...article.title].length).toBeLessThanOrEqual(300);
        expect([...article.summary].length).toBeLessThanOrEqual(1000);
        expect(article.id).toMatch(/^[0-9a-f]{16}$/);
        expect(Number.isNaN(Date.parse(article.publishedAt))).toBe(false);
        if (article.url) expect(article.url).toMatch(/^https?:\/\/[^#]*$/);
      }
      expect(new Set(result.articles.map((a) => a.id)).size).toBe(expected);
    } else {
      if (result.status !== "failed") throw new Error(`expected ${expected}, got ${result.status}`);
      expect(result.kind).toBe(expected);
      expect(result.message).toContain(name);
    }
  });

  it("decompresses the gzip fixture sent with Content-Encoding: gzip to its 25 items", async () => {
    const result = await readFeedOverHttp(testFeed(server.url("/gzip-encoded"), "NSHipster"), options);
    if (result.status !== "ok") throw new Error(JSON.stringify(result));
    expect(result.articles).toHaveLength(25);
  });
});

describe.skipIf(!HAS_SHARED)("charsets, decoded to exact text", () => {
  const firstTitles: Array<[string, string]> = [
    ["Ranchero-Software__RSParser__kc0011.rss", "建国35周年纪念，华表，和平鸽"], // gb2312
    ["danmactough__node-feedparser__iconv.xml", "В Бузулуке главные стройплощадки – детсад и Ледовый дворец"], // windows-1251
    ["arminreiter__FeedReader__Rss20ISO88591Intranet30.xml", "SVART MÅNAD - DÖDSOLYCKA i Vetlanda"], // ISO-8859-1
    ["rbren__rss-parser__encoding.rss", "Mãe de utente é a nova presidente da Raríssimas"], // ISO-8859-1
    ["feed-rs__feed-rs__rss_0.91_encoding_1.xml", "bash - Expansão de Parâmetros"],
    ["feed-rs__feed-rs__rss_1.0_iso8859.xml", "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"],
    ["arminreiter__FeedReader__Rss10OrfAt.xml", "US-Band New Edition mit Stern auf „Walk of Fame“ geehrt"], // UTF-8 BOM
    // Latin-1 bytes, no declaration at all: UTF-8 is tried and fails, windows-1252 is used.
    [
      "rbren__rss-parser__uolNoticias.rss",
      "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno",
    ],
  ];

  it.each(firstTitles)("%s", async (name, title) => {
    const result = await readFeedOverHttp(testFeed(server.url(`/feeds/${name}`), name), options);
    if (result.status !== "ok") throw new Error(JSON.stringify(result));
    expect(result.articles[0]?.title).toBe(title);
  });

  it("never lets a replacement character (U+FFFD) through from any well-formed document", () => {
    expect(articlesByFile.size).toBeGreaterThan(50);
    for (const [name, articles] of articlesByFile) {
      for (const a of articles) {
        expect(`${a.title} ${a.summary} ${a.content ?? ""}`, name).not.toContain("\uFFFD");
      }
    }
  });
});

describe.skipIf(!HAS_SHARED)("normalisation on real documents", () => {
  const read = async (name: string) => {
    const result = await readFeedOverHttp(testFeed(server.url(`/feeds/${name}`), name), options);
    if (result.status !== "ok") throw new Error(JSON.stringify(result));
    return result;
  };

  it("resolves relative Atom links against the feed URL when there is no xml:base", async () => {
    const { articles } = await read("danmactough__node-feedparser__intertwingly.atom");
    expect(articles[0]?.url).toBe(`http://127.0.0.1:${server.port}/blog/2012/07/16/Inhibiting-Suspend`);
  });

  it("strips pk_campaign and utm_* tracking parameters and decodes &#038; in links", async () => {
    const { articles } = await read("tsummey__cyberdash__databreaches.xml");
    for (const a of articles) expect(a.url).not.toMatch(/pk_campaign|utm_|&#038;/);
  });

  it("reports repairs of unescaped ampersands as warnings", async () => {
    const result = await read("danmactough__node-feedparser__saxerror.xml");
    expect(result.warnings.join(" ")).toMatch(/repaired 1 unescaped "&"/);
    expect(result.articles.map((a) => a.title)).toContain("Good Item");
  });

  it("keeps content:encoded as plain text content and the author's name", async () => {
    const { articles } = await read("CarterPerez-dev__nadezhda__krebs.xml");
    expect(articles[0]?.content?.length).toBeGreaterThan(1000);
    expect(articles[0]?.content).not.toMatch(/<\w+[^>]*>/);
    expect(articles[0]?.author).toBe("BrianKrebs");
  });

  it("takes the name from RSS author 'email (Name)'", async () => {
    const { articles } = await read("CarterPerez-dev__nadezhda__thehackernews.xml");
    expect(articles[0]?.author).not.toContain("@");
  });

  it("gives items without any link a stable id from feed + guid", async () => {
    const first = await read("mmcdole__gofeed__rss_channel_item_illegal_char.xml");
    const second = await read("mmcdole__gofeed__rss_channel_item_illegal_char.xml");
    expect(first.articles[0]?.url).toBeNull();
    expect(first.articles[0]?.title).toBe("ab cd");
    expect(first.articles[0]?.id).toBe(second.articles[0]?.id);
  });
});
