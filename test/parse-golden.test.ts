/**
 * Golden fixtures for parseFeed: each team-written document in test/fixtures/golden/parse/*.xml
 * has its expected result (articles, title, link, warnings, or the error) in a .json beside it.
 * The real-world documents of ../shared/feeds (third-party, never copied into the repo) have their
 * expected results in golden/parse/shared/*.json, with long text fields stored as digests only.
 *
 * Regenerate after an intended change with `UPDATE_GOLDEN=1 npx vitest run test/parse-golden.test.ts`
 * and review the diff of the .json files: every changed line is a behaviour change.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeBody } from "../lambdas/core/acquire/charset.ts";
import { FeedParseError, parseFeed, type ParsedFeed } from "../lambdas/core/parse/parse-feed.ts";
import { FEEDS_DIR, listFeedFixtures, testFeed } from "./helpers/feeds.ts";
import { HAS_SHARED } from "./helpers/shared-data.ts";

const GOLDEN_DIR = new URL("./fixtures/golden/parse/", import.meta.url);
const SHARED_GOLDEN_DIR = new URL("./fixtures/golden/parse/shared/", import.meta.url);
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const FETCHED_AT = new Date("2026-08-01T00:00:00Z");

type Golden = ParsedFeed | { error: { kind: string; message: string } };

async function parseBytes(bytes: Buffer, feedUrl: string, name: string): Promise<Golden> {
  const { text } = decodeBody(bytes);
  try {
    return await parseFeed(text, { feed: testFeed(feedUrl, name), fetchedAt: FETCHED_AT });
  } catch (error) {
    if (error instanceof FeedParseError) return { error: { kind: error.kind, message: error.message } };
    throw error;
  }
}

function digest(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex").slice(0, 16)} (${text.length} chars)`;
}

/** Third-party text is kept out of the repo: titles, summaries, content and authors as digests. */
function withDigests(result: Golden): Golden {
  if ("error" in result) return result;
  return {
    ...result,
    ...(result.title ? { title: digest(result.title) } : {}),
    articles: result.articles.map((a) => ({
      ...a,
      title: digest(a.title),
      summary: digest(a.summary),
      ...(a.content !== undefined ? { content: digest(a.content) } : {}),
      ...(a.author !== undefined ? { author: digest(a.author) } : {}),
    })),
  };
}

function checkGolden(actual: Golden, file: URL): void {
  const serialised = `${JSON.stringify(actual, null, 2)}\n`;
  if (UPDATE) {
    writeFileSync(file, serialised);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden file ${file.pathname}: run with UPDATE_GOLDEN=1`);
  expect(actual).toEqual(JSON.parse(readFileSync(file, "utf8")));
}

const documents = readdirSync(GOLDEN_DIR)
  .filter((name) => name.endsWith(".xml"))
  .sort();

describe("parseFeed golden fixtures (team-written documents)", () => {
  it("has fixtures", () => expect(documents.length).toBeGreaterThan(15));

  it.each(documents)("%s", async (name) => {
    const bytes = readFileSync(new URL(name, GOLDEN_DIR));
    const result = await parseBytes(bytes, `https://golden.example.org/feeds/${name}`, name);
    checkGolden(result, new URL(name.replace(/\.xml$/, ".json"), GOLDEN_DIR));
  });
});

// Without ../shared the global setup prints one line saying what was skipped.
const sharedPresent = HAS_SHARED;

describe.skipIf(!sharedPresent)("parseFeed golden results on the real-world corpus (../shared/feeds)", () => {
  const names = sharedPresent ? listFeedFixtures() : [];
  if (UPDATE) mkdirSync(SHARED_GOLDEN_DIR, { recursive: true });

  it.each(names)("%s", async (name) => {
    const bytes = readFileSync(`${FEEDS_DIR}${name}`);
    const result = await parseBytes(bytes, `https://corpus.example.org/feeds/${name}`, name);
    checkGolden(withDigests(result), new URL(`${name}.json`, SHARED_GOLDEN_DIR));
  });
});
