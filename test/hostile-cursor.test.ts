/**
 * Issue 14: a forged paging cursor (well-formed base64 JSON with an empty or odd key) reached
 * DynamoDB and came back as HTTP 500. Now one codec either yields a valid key or the API
 * answers 400 naming `cursor`, before any database sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoStore } from "../lambdas/adapters/dynamo-store.ts";
import { createTable } from "../lambdas/adapters/table.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import type { ApiApp } from "../lambdas/core/api/app.ts";
import { makeStory, recordingLog } from "./helpers/api-stories.ts";
import { type LocalDynamo, startDynalite } from "./helpers/dynalite.ts";

const TABLE = "heistwatch-hostile-cursor";
let db: LocalDynamo;
let app: ApiApp;
const log = recordingLog();

beforeAll(async () => {
  db = await startDynalite();
  await createTable(db.client, TABLE);
  const store = createDynamoStore({ client: db.client, tableName: TABLE });
  for (let i = 0; i < 3; i++) {
    await store.createStory({
      story: makeStory({ id: `c${i}`, publishedAt: new Date(Date.UTC(2025, 0, 1, i)).toISOString() }),
      version: 1,
      features: [],
      alert: { dueSeq: 1, sentSeq: 1, kind: "new", reasons: [] },
    });
  }
  app = createApi({ reader: store, log, site: { title: "t", description: "d" } });
});
afterAll(async () => {
  await db.close();
});

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("forged cursors", () => {
  it.each([
    ["empty sort key", encode({ p: "S#", s: "" })],
    ["empty story id", encode({ p: "S#x", s: "" })],
    ["odd keys", encode({ p: "S#c1", s: "2025-01-01T01:00:00.000Z#c1", extra: "x" })],
    ["array of empties", encode(["", ""])],
    ["array with a control character", encode(["2025-01-01T00:00:00.000Z", "c\u0000"])],
    ["a number", encode(42)],
    ["null", encode(null)],
    ["not JSON", Buffer.from("{{{").toString("base64url")],
  ])("%s: 400 naming cursor, nothing logged as a failure", async (_name, cursor) => {
    log.entries.length = 0;
    const res = await app({ method: "GET", path: "/feed.json", rawQuery: `cursor=${cursor}`, headers: {} });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toMatchObject({ code: "invalid_parameter", parameter: "cursor" });
    expect(log.entries.filter((e) => e.level === "error")).toEqual([]);
  });

  it("still pages with the cursors the store issues", async () => {
    const first = await app({ method: "GET", path: "/feed.json", rawQuery: "limit=2", headers: {} });
    const next = new URL(JSON.parse(first.body).next_url as string);
    const second = await app({
      method: "GET",
      path: "/feed.json",
      rawQuery: next.search.slice(1),
      headers: {},
    });
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body).items.map((i: { id: string }) => i.id)).toEqual(["c0"]);
  });
});
