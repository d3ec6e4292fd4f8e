/**
 * The record as data and at a glance: GET /incidents.json validates against its JSON Schema and
 * pages like the feed, /incidents.csv has the same rows (and no spreadsheet formulas), the
 * record fields reach the JSON Feed, the page, the email and the SNS attributes, and /record's
 * chart and table show the same numbers.
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { createSnsNotifier } from "../lambdas/adapters/sns-notifier.ts";
import { alertEmailText } from "../lambdas/core/alerts/messages.ts";
import { createApi } from "../lambdas/core/api/app.ts";
import type { ApiRequest } from "../lambdas/core/api/http.ts";
import type { Story } from "../lambdas/core/model/types.ts";
import { extractRecord } from "../lambdas/core/record/extract-record.ts";
import schema from "../lambdas/core/record/incidents.schema.json" with { type: "json" };
import { csvCell } from "../lambdas/core/record/incidents.ts";
import { lastMonths, monthlyByActor, OTHER_ACTORS } from "../lambdas/core/record/monthly-chart.ts";
import { HOSTILE, makeStory, memoryReader, recordingLog } from "./helpers/api-stories.ts";

// ajv-formats is CommonJS: its default export arrives as the module object under some loaders.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

const site = { title: "heistwatch", description: "d", baseUrl: "https://feed.example.org" };
const NOW = new Date("2026-11-15T12:00:00Z");

function withRecord(overrides: Partial<Story>): Story {
  const story = makeStory(overrides);
  return { ...story, record: extractRecord({ title: story.title, summary: story.summary }) };
}

const stories: Story[] = [
  withRecord({
    id: "bridge-1",
    title: "Cross-chain bridge drained of $120 million after private keys leaked",
    publishedAt: "2026-10-03T08:00:00.000Z",
    amountUsd: 120_000_000,
    actors: ["Lazarus Group", "DPRK"],
  }),
  withRecord({
    id: "exchange-1",
    title: "Crypto exchange hot wallet emptied; fake job offer blamed",
    publishedAt: "2026-10-20T08:00:00.000Z",
    amountUsd: 30_000_000,
    actors: ["Lazarus Group"],
  }),
  withRecord({
    id: "defi-1",
    title: "DeFi lending protocol loses $8 million in flash loan attack",
    publishedAt: "2026-06-02T08:00:00.000Z",
    amountUsd: 8_000_000,
    actors: ["APT38"],
  }),
  withRecord({
    id: "report-1",
    title: "State hackers stole $2 billion this year, report says",
    summary: "An annual tally.",
    publishedAt: "2026-07-01T08:00:00.000Z",
    amountUsd: 2_000_000_000,
    actors: ["DPRK"],
  }),
  withRecord({
    id: "hostile",
    title: `=HYPERLINK("http://evil.example") ${HOSTILE.title} bank heist`,
    publishedAt: "2026-05-01T08:00:00.000Z",
    amountUsd: 1_000_000,
    actors: ["Kimsuky"],
  }),
  // Outside the chart's two years.
  withRecord({
    id: "old-1",
    title: "Exchange robbed of $50 million",
    publishedAt: "2023-01-10T08:00:00.000Z",
    amountUsd: 50_000_000,
    actors: ["Lazarus Group"],
  }),
];

function setup(list: Story[] = stories) {
  const app = createApi({ reader: memoryReader(list), site, log: recordingLog(), clock: () => NOW });
  return (path: string) => {
    const [pathname = "/", rawQuery = ""] = path.split("?");
    const request: ApiRequest = { method: "GET", path: pathname, rawQuery, headers: {} };
    return app(request);
  };
}

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe("GET /incidents.json", () => {
  it("validates against its JSON Schema and carries the record fields", async () => {
    const call = setup();
    const res = await call("/incidents.json");
    expect(res.status).toBe(200);
    expect(res.headers["Content-Type"]).toBe("application/json; charset=utf-8");
    const body = JSON.parse(res.body);
    const validate = validator();
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    const bridge = body.incidents.find((i: { id: string }) => i.id === "bridge-1");
    expect(bridge).toMatchObject({
      target: "bridge",
      vector: "key-compromise",
      amount_usd: 120_000_000,
      attribution: "attributed",
      item_url: "https://feed.example.org/items/bridge-1",
    });
    expect(bridge.evidence.some((e: { role: string; text: string }) => e.role === "vector")).toBe(true);
  });

  it("pages like the feed: next_url until the last page, every page valid, every incident once", async () => {
    const call = setup();
    const validate = validator();
    const seen: string[] = [];
    let path: string | undefined = "/incidents.json?limit=2";
    let pages = 0;
    while (path) {
      const body = JSON.parse((await call(path)).body);
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
      seen.push(...body.incidents.map((i: { id: string }) => i.id));
      path = body.next_url?.replace(site.baseUrl, "");
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(stories.map((s) => s.id).sort());
  });

  it("filters like the feed and refuses a bad parameter with a 400 naming it", async () => {
    const call = setup();
    const body = JSON.parse((await call("/incidents.json?actor=APT38")).body);
    expect(body.incidents.map((i: { id: string }) => i.id)).toEqual(["defi-1"]);
    const bad = await call("/incidents.json?limit=1000");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.parameter).toBe("limit");
  });

  it("serves its schema", async () => {
    const res = await setup()("/incidents.schema.json");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual(schema);
  });
});

describe("GET /incidents.csv", () => {
  it("has a header and one row per incident, quoted per RFC 4180, with no formula able to run", async () => {
    const res = await setup()("/incidents.csv?limit=100");
    expect(res.headers["Content-Type"]).toBe("text/csv; charset=utf-8; header=present");
    const lines = res.body.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "id,date_published,title,actors,amount_usd,attribution,severity,score,target,assets,vector,sources,url",
    );
    expect(lines).toHaveLength(stories.length + 1);
    const bridge = lines.find((line) => line.startsWith("bridge-1,"))!;
    expect(bridge).toContain(",120000000,attributed,high,80,bridge,,key-compromise,The Record,");
    const hostile = lines.find((line) => line.startsWith("hostile,"))!;
    expect(hostile).toContain(`,"'=HYPERLINK(""http://evil.example"")`);
  });

  it("links the next page in a Link header", async () => {
    const res = await setup()("/incidents.csv?limit=2");
    expect(res.headers.Link).toMatch(
      /^<https:\/\/feed\.example\.org\/incidents\.csv\?limit=2&cursor=[^>]+>; rel="next"$/,
    );
  });

  it("quotes cells", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("@SUM(1)")).toBe("'@SUM(1)");
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(null)).toBe("");
  });
});

describe("the record wherever a story is shown", () => {
  it("JSON Feed extension, page line, email line and the SNS target attribute", async () => {
    const call = setup();
    const feed = JSON.parse((await call("/feed.json?limit=100")).body);
    const item = feed.items.find((i: { id: string }) => i.id === "exchange-1");
    expect(item._heistwatch.record).toMatchObject({ target: "exchange", vector: "social-engineering" });
    const page = (await call("/")).body;
    expect(page).toContain("Target: exchange · Vector: social engineering or fake job offer");
    const story = stories.find((s) => s.id === "exchange-1")!;
    expect(alertEmailText({ kind: "new", story, reasons: [] })).toContain(
      "Target: exchange · Vector: social engineering or fake job offer",
    );

    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({});
    const topicArn = "arn:aws:sns:us-east-1:123456789012:alerts";
    await createSnsNotifier({ client: new SNSClient({ region: "us-east-1" }), topicArn }).send({
      kind: "new",
      story,
      reasons: [],
    });
    const attributes = sns.commandCalls(PublishCommand)[0]!.args[0].input.MessageAttributes!;
    expect(attributes.target).toEqual({ DataType: "String", StringValue: "exchange" });
    sns.restore();
  });
});

describe("monthly chart by actor", () => {
  it("sums stated thefts with a named target per month and actor over 24 months", () => {
    const series = monthlyByActor(stories, NOW);
    expect(series.months).toHaveLength(24);
    expect(series.months[0]).toBe("2024-12");
    expect(series.months[23]).toBe("2026-11");
    // The report names no target; the old heist is outside the window.
    expect(series.counted).toBe(4);
    const october = series.months.indexOf("2026-10");
    expect(series.totals[october]).toBe(150_000_000);
    expect(series.actors[0]).toBe("Lazarus Group");
  });

  it("keeps the largest actors and folds the rest into one series", () => {
    const many = ["A", "B", "C", "D", "E", "F", "G"].map((actor, i) =>
      withRecord({
        title: "Exchange drained",
        actors: [actor],
        amountUsd: (i + 1) * 1_000_000,
        publishedAt: "2026-09-01T00:00:00.000Z",
      }),
    );
    const series = monthlyByActor(many, NOW, 24, 5);
    expect(series.actors).toEqual(["G", "F", "E", "D", OTHER_ACTORS]);
    expect(series.cells[series.months.indexOf("2026-09")]![4]).toBe(6_000_000);
  });

  it("counts months across a year boundary", () => {
    expect(lastMonths(new Date("2026-02-10T00:00:00Z"), 3)).toEqual(["2025-12", "2026-01", "2026-02"]);
  });

  it("/record shows the chart and its table with the same numbers, and nothing that runs", async () => {
    const res = await setup()("/record");
    expect(res.status).toBe(200);
    expect(res.headers["Content-Security-Policy"]).toMatch(/default-src 'none'; style-src 'sha256-/);
    expect(res.body).not.toMatch(/<script|onload=|onerror=|style="/i);
    const bars = [
      ...res.body.matchAll(
        /<rect class="bar"[^>]*data-month="([^"]+)" data-actor="([^"]+)" data-usd="([^"]+)"/g,
      ),
    ];
    const cells = [...res.body.matchAll(/<tr data-month="([^"]+)">(.*?)<\/tr>/g)].flatMap(([, month, row]) =>
      [...row!.matchAll(/data-actor="([^"]+)" data-usd="([^"]+)"/g)]
        .filter(([, , usd]) => Number(usd) > 0)
        .map(([, actor, usd]) => `${month}|${actor}|${usd}`),
    );
    expect(bars.map(([, month, actor, usd]) => `${month}|${actor}|${usd}`).sort()).toEqual(cells.sort());
    expect(cells).toContain("2026-10|Lazarus Group|150000000");
  });
});
