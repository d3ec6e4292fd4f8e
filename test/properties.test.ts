/**
 * Property-based tests (fast-check) over hostile Unicode: through parse, the store's item
 * mapping, every renderer and every message builder, outputs are valid (JSON parses, XML is
 * well-formed, UTF-8 round-trips, no lone surrogates), inert (no element or attribute a browser
 * would run, in HTML and in RSS after one more decode) and within their length limits.
 * `npm test` runs a bounded number of cases; `npm run fuzz` runs 100,000 per property.
 */
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import { Parser as HtmlParser } from "htmlparser2";
import Parser from "rss-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatAlertCard } from "../cli/local/alert-card.ts";
import { webhookPayload } from "../cli/local/notifiers.ts";
import { fromStoryItem, toStoryItem } from "../lambdas/adapters/dynamo-items.ts";
import { createDynamoStore, type DynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import { publishInput } from "../lambdas/adapters/sns-notifier.ts";
import { encodeCursor } from "../lambdas/core/api/cursor.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import {
  alertEmailText,
  alertSmsText,
  alertSubject,
  smsLength,
  SUBJECT_MAX_CHARS,
} from "../lambdas/core/alerts/messages.ts";
import type { Alert, Story } from "../lambdas/core/model/types.ts";
import { FeedParseError, LIMITS, parseFeed } from "../lambdas/core/parse/parse-feed.ts";
import { escapeXml } from "../lambdas/core/publish/escape.ts";
import { renderHtml } from "../lambdas/core/publish/html.ts";
import { renderJsonFeed } from "../lambdas/core/publish/jsonfeed.ts";
import { renderRss } from "../lambdas/core/publish/rss.ts";
import type { RenderContext } from "../lambdas/core/publish/view.ts";
import { codePointLength } from "../lambdas/core/text/truncate.ts";
import { makeStory, memoryReader, recordingLog } from "./helpers/api-stories.ts";
import {
  countCases,
  FORBIDDEN_IN_DOCUMENTS,
  FUZZING,
  hostileShort,
  hostileText,
  INVISIBLE,
  LONE_SURROGATE,
  reportFuzzCases,
  RUNS,
  utf8RoundTrips,
} from "./helpers/hostile-text.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";
import { markupIn, textOf } from "./helpers/markup.ts";

// Long runs (npm run fuzz) need more than vitest's 5 s default per test.
const TIMEOUT = FUZZING ? 0 : 20_000;
afterAll(reportFuzzCases);

const ctx: RenderContext = {
  site: { title: "heistwatch", description: "d", baseUrl: "https://feed.example.org" },
  query: { limit: 50 },
  nextCursor: encodeCursor({ publishedAt: "2025-01-01T00:00:00.000Z", storyId: "s1" }),
};

/** A story whose every text field (and link) is hostile. */
const hostileStory = fc
  .record({
    title: hostileText,
    summary: hostileText,
    url: fc.oneof(hostileShort, fc.webUrl()),
    label: hostileShort,
    source: hostileShort,
    evidence: hostileShort,
  })
  .map(({ title, summary, url, label, source, evidence }): Story =>
    makeStory({
      id: "p1",
      title,
      summary,
      url,
      actors: [label, "Lazarus Group"],
      categories: [label],
      authors: [source],
      matched: [
        { term: evidence, group: "actor", weight: 10, field: "title", text: evidence, start: 0, end: 1 },
      ],
      sources: [
        { articleId: "a", feedId: "f", name: source, title, url, publishedAt: "2025-01-01T00:00:00.000Z" },
      ],
    }),
  );

const alertOf = (story: Story): Alert => ({ kind: "update", reasons: [story.summary.slice(0, 50)], story });

// What may appear in the page: the elements the template itself renders for an ordinary story
// (so the check follows the template as it grows), and links only to http(s) or anchors.
const PAGE_ELEMENTS = new Set(
  markupIn(
    renderHtml(
      [
        makeStory({
          matched: [{ term: "t", group: "actor", weight: 1, field: "title", text: "t", start: 0, end: 1 }],
        }),
      ],
      ctx,
    ),
  ).elements,
);

function pageProblems(html: string): string[] {
  const problems: string[] = [];
  const parser = new HtmlParser({
    onopentag(name, attrs) {
      if (!PAGE_ELEMENTS.has(name)) problems.push(`element ${name}`);
      for (const [attr, value] of Object.entries(attrs)) {
        if (attr.startsWith("on")) problems.push(`attribute ${attr}`);
        if ((attr === "href" || attr === "action" || attr === "src") && !/^(https?:\/\/|#)/.test(value))
          problems.push(`${attr}=${value.slice(0, 40)}`);
      }
    },
  });
  parser.write(html);
  parser.end();
  return problems;
}

describe("renderers over hostile stories", () => {
  it(
    "JSON Feed: parses, no markup characters or lone surrogates, fields within limits",
    () => {
      fc.assert(
        fc.property(hostileStory, (story) => {
          const body = renderJsonFeed([story], ctx);
          expect(utf8RoundTrips(body)).toBe(true);
          expect(body).not.toMatch(/[<>]/);
          const item = JSON.parse(body).items[0];
          expect(codePointLength(item.title)).toBeLessThanOrEqual(300);
          expect(codePointLength(item.summary ?? "")).toBeLessThanOrEqual(2000);
          expect(JSON.stringify(item)).not.toMatch(INVISIBLE);
          if (item.url) expect(item.url).toMatch(/^https?:\/\//);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    "RSS: well-formed XML 1.0, inert as HTML even after one more decode",
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileStory, async (story) => {
          const xml = renderRss([story], ctx);
          expect(xml).not.toMatch(FORBIDDEN_IN_DOCUMENTS);
          expect(utf8RoundTrips(xml)).toBe(true);
          const feed = await new Parser().parseString(xml); // strict XML: throws when malformed
          const item = feed.items[0]!;
          for (const text of [item.title ?? "", ...(item.categories ?? [])]) {
            expect(markupIn(text).elements).toEqual([]);
            expect(markupIn(textOf(text)).elements).toEqual([]);
          }
          const description = (item.content ?? "") as string;
          expect(markupIn(description).elements.filter((e) => e !== "p")).toEqual([]);
          expect(markupIn(description).attributes).toEqual([]);
          expect(markupIn(textOf(description)).elements).toEqual([]);
          if (item.link) expect(item.link).toMatch(/^https?:\/\//);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    "HTML page: only the template's elements, no event handlers, only http(s) links",
    () => {
      fc.assert(
        fc.property(hostileStory, (story) => {
          const html = renderHtml([story], ctx);
          expect(utf8RoundTrips(html)).toBe(true);
          expect(html).not.toMatch(FORBIDDEN_IN_DOCUMENTS);
          expect(pageProblems(html)).toEqual([]);
          expect(textOf(html)).not.toMatch(INVISIBLE);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe("message builders over hostile stories", () => {
  it(
    "SNS subject, email, SMS and attributes: valid, one-line where required, within limits",
    () => {
      fc.assert(
        fc.property(hostileStory, (story) => {
          const alert = alertOf(story);
          const subject = alertSubject(alert);
          expect(subject).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/);
          expect(subject).not.toMatch(INVISIBLE);
          expect(codePointLength(subject)).toBeLessThanOrEqual(SUBJECT_MAX_CHARS);
          const email = alertEmailText(alert);
          expect(utf8RoundTrips(email)).toBe(true);
          expect(email).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
          const sms = smsLength(alertSmsText(alert));
          expect(sms.length).toBeLessThanOrEqual(sms.max);
          const input = publishInput(alert, "arn:aws:sns:us-east-1:1:t");
          expect(Buffer.byteLength(input.Message!, "utf8")).toBeLessThanOrEqual(256 * 1024);
          expect(utf8RoundTrips(input.Message!)).toBe(true);
          JSON.parse(input.Message!);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    "webhook payload and terminal card: valid JSON, no controls, lengths in code points",
    () => {
      fc.assert(
        fc.property(hostileStory, (story) => {
          const alert = alertOf(story);
          const payload = webhookPayload(alert);
          const json = JSON.stringify(payload);
          expect(utf8RoundTrips(json)).toBe(true);
          expect(JSON.parse(json)).toEqual(payload);
          expect(codePointLength(payload.text)).toBeLessThanOrEqual(3000);
          expect(codePointLength(payload.content)).toBeLessThanOrEqual(1900);
          expect(payload.text).not.toMatch(INVISIBLE);
          const card = formatAlertCard(alert);
          expect(card).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
          expect(card).not.toMatch(INVISIBLE);
          expect(utf8RoundTrips(card)).toBe(true);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe("parse and store over hostile feed text", () => {
  const feed = { id: "f", name: "F", url: "https://feed.example/rss" };

  it(
    "parse: escaped hostile text gives clean, capped fields; raw hostile text gives articles or a FeedParseError",
    async () => {
      await fc.assert(
        fc.asyncProperty(hostileText, hostileShort, async (text, raw) => {
          // Lone surrogates cannot be written into a document; a decoder would have replaced them.
          const safe = text.replace(new RegExp(LONE_SURROGATE.source, "g"), "\uFFFD");
          const escaped = `<rss version="2.0"><channel><title>t</title><item><title>${escapeXml(safe)}</title>
            <link>https://feed.example/a</link><description>${escapeXml(safe)}</description>
            <category>${escapeXml(safe)}</category></item>
            <item><title>${raw}</title><link>https://feed.example/b</link></item></channel></rss>`;
          let articles;
          try {
            ({ articles } = await parseFeed(escaped, { feed, fetchedAt: new Date("2025-01-01T00:00:00Z") }));
          } catch (error) {
            expect(error).toBeInstanceOf(FeedParseError);
            return;
          }
          for (const article of articles) {
            for (const value of [article.title, article.summary, ...article.categories]) {
              expect(value).not.toMatch(LONE_SURROGATE);
              expect(value).not.toMatch(FORBIDDEN_IN_DOCUMENTS);
              expect(value).not.toMatch(INVISIBLE);
            }
            expect(codePointLength(article.title)).toBeLessThanOrEqual(LIMITS.title);
            expect(codePointLength(article.summary)).toBeLessThanOrEqual(LIMITS.summary);
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );

  it(
    "store: a story's item stays under the size budget, UTF-8 clean, and reads back",
    () => {
      fc.assert(
        fc.property(hostileStory, (story) => {
          const record = {
            story,
            version: 1,
            features: [],
            alert: { dueSeq: 1, sentSeq: 0, kind: "new" as const, reasons: [] },
          };
          const item = toStoryItem(record);
          const json = JSON.stringify(item);
          expect(Buffer.byteLength(json, "utf8")).toBeLessThan(400_000);
          for (const key of ["title", "summary"] as const)
            expect(String(item[key])).not.toMatch(LONE_SURROGATE);
          expect(fromStoryItem(item).story.id).toBe(story.id);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});

describe("the store on dynalite", () => {
  let db: LocalDynamo;
  let store: DynamoStore;
  let table = 0;
  // A fresh table every TABLE_STORIES stories (the old one deleted) keeps dynalite's memory flat
  // over 100,000 stories.
  const TABLE_STORIES = 2_000;
  async function nextTable(): Promise<void> {
    if (table > 0) await db.client.send(new DeleteTableCommand({ TableName: `props${table}` }));
    await createTable(db.client, `props${++table}`);
    store = createDynamoStore({ client: db.client, tableName: `props${table}` });
  }
  beforeAll(async () => {
    db = await startDynalite();
    await nextTable();
  });
  afterAll(async () => {
    await db.close();
  });

  // Each run is a batch of STORE_BATCH stories written and read concurrently and rendered as one
  // document per format, so the HTTP round trips overlap and every story is still its own case:
  // RUNS stories in all under `npm run fuzz` (100,000), one batch under `npm test` (dynalite
  // makes a story cost as much as ten cases of the other properties).
  const STORE_BATCH = 20;
  it(
    "writes a hostile story, reads it back and renders it as valid, inert documents",
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(hostileStory, { minLength: STORE_BATCH, maxLength: STORE_BATCH }),
          async (generated) => {
            countCases(STORE_BATCH);
            if (n > 0 && n % TABLE_STORIES === 0) await nextTable();
            const stories = generated.map((story) => ({ ...story, id: `p${++n}` }));
            const created = await Promise.all(
              stories.map((story) =>
                store.createStory({
                  story,
                  version: 1,
                  features: [],
                  alert: { dueSeq: 1, sentSeq: 1, kind: "new" as const, reasons: [] },
                }),
              ),
            );
            expect(created).toEqual(stories.map(() => true));
            const read = await Promise.all(stories.map((story) => store.getStory(story.id)));
            expect(read.map((story) => story?.id)).toEqual(stories.map((story) => story.id));
            for (const story of read) expect(story!.title).not.toMatch(LONE_SURROGATE);
            const stored = read as Story[];
            JSON.parse(renderJsonFeed(stored, ctx));
            await new Parser().parseString(renderRss(stored, ctx));
            expect(pageProblems(renderHtml(stored, ctx))).toEqual([]);
          },
        ),
        { numRuns: FUZZING ? Math.ceil(RUNS / STORE_BATCH) : 1 },
      );
    },
    TIMEOUT,
  );
});

describe("the public API over hostile query strings", () => {
  const app = createApi({
    reader: memoryReader([makeStory({ id: "q1" }), makeStory({ id: "q2" })]),
    log: recordingLog(),
    site: { title: "t", description: "d", baseUrl: "https://feed.example.org" },
  });

  it(
    "answers 200, 304 or a 400 naming a parameter, never a 500",
    async () => {
      const parameter = fc.constantFrom("limit", "cursor", "min_score", "actor", "severity", "x");
      const value = fc.oneof(
        hostileShort,
        fc.base64String().map((s) => s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")),
        hostileShort.map((s) => Buffer.from(s).toString("base64url")),
        fc.json().map((s) => Buffer.from(s).toString("base64url")),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(parameter, value), { maxLength: 4 }), async (pairs) => {
          const rawQuery = new URLSearchParams(pairs).toString();
          for (const path of ["/feed.json", "/feed.xml", "/"]) {
            const res = await app({ method: "GET", path, rawQuery, headers: {} });
            expect([200, 400]).toContain(res.status);
            if (res.status === 400) expect(JSON.parse(res.body).error.parameter).toBeTypeOf("string");
          }
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT,
  );
});
