/** GET /stories/{id}: the verdict, the timeline with the source behind each change, the evidence; escaped and script-free. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createApi } from "../lambdas/core/api/app.ts";
import type { ApiRequest } from "../lambdas/core/api/http.ts";
import type { Story } from "../lambdas/core/model/types.ts";
import { renderStoryPage, STORY_PAGE_CSP } from "../lambdas/core/publish/story-page.ts";
import { CORROBORATED, ESCALATED_WITH_TIMELINE as escalated } from "./helpers/alert-stories.ts";
import { HOSTILE, makeStory, memoryReader, recordingLog } from "./helpers/api-stories.ts";

const site = { title: "heistwatch", description: "d", baseUrl: "https://feed.example.org" };

function api(stories: Story[]) {
  const app = createApi({ reader: memoryReader(stories), site, log: recordingLog(), threshold: 50 });
  return (path: string, init: Partial<ApiRequest> = {}) =>
    app({ method: "GET", path, rawQuery: "", headers: {}, ...init });
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replace(/&rarr;/g, "→")
    .replace(/&amp;/g, "&");

describe("the story page", () => {
  it("is served as HTML under a CSP that allows only its own stylesheet", async () => {
    const res = await api([escalated])(`/stories/${escalated.id}`);
    expect(res.status).toBe(200);
    expect(res.headers["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["Content-Security-Policy"]).toBe(STORY_PAGE_CSP);
    const style = res.body.match(/<style>(.*?)<\/style>/s)?.[1] ?? "";
    expect(STORY_PAGE_CSP).toContain(`'sha256-${createHash("sha256").update(style).digest("base64")}'`);
    expect(res.body).not.toMatch(/<script/i);
  });

  it("shows the verdict with scales, and a timeline naming the source of each change", () => {
    const page = text(renderStoryPage(escalated, { site, threshold: 50 }));
    expect(page).toContain("Severityhigh (low, medium, high)");
    expect(page).toContain("Score82/100 (how sure the rules are; 50 or more is flagged)");
    expect(page).toContain("Attributionconfirmed by an authority");
    expect(page).toContain("Corroboratedyes, by FBI national press releases (3 independent sources)");
    const timeline = page.slice(page.indexOf("Timeline"), page.indexOf("Why it was flagged"));
    const order = [
      "Reported by Chainwire Daily",
      "Reported by Orbit Ledger",
      "Corroborated with Orbit Ledger",
      "Reported by FBI national press releases",
      "Attribution attributed by researchers → confirmed by an authority, from FBI national press releases",
      "Amount $41M → $95M, from FBI national press releases",
    ].map((line) => timeline.indexOf(line));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(page).toContain("Total 147 raw points; the score is capped at 100, and 50 or more is flagged.");
  });

  it("lists the evidence sorted by points", () => {
    const html = renderStoryPage(escalated, { site, threshold: 50 });
    const points = [...html.matchAll(/<td class="num(?: neg)?">([+-]?\d+)<\/td>/g)].map((m) => Number(m[1]));
    expect(points.length).toBe(escalated.matched.length);
    expect(points).toEqual([...points].sort((a, b) => b - a));
  });

  it("rebuilds a timeline from the sources for stories stored before timelines", () => {
    const page = text(
      renderStoryPage({ ...CORROBORATED.story, timeline: undefined }, { site, threshold: 50 }),
    );
    expect(page.indexOf("Reported by Chainwire Daily")).toBeLessThan(
      page.indexOf("Reported by Orbit Ledger"),
    );
  });

  it("escapes hostile feed text and never links an unsafe URL", () => {
    const story = makeStory({
      id: "hostile",
      title: HOSTILE.title,
      summary: HOSTILE.summary,
      url: HOSTILE.url,
      sources: [
        {
          articleId: "h",
          feedId: "f",
          name: HOSTILE.title,
          url: HOSTILE.sourceUrl,
          title: HOSTILE.summary,
          publishedAt: "2025-01-01T00:00:00.000Z",
        },
      ],
    });
    const html = renderStoryPage(story, { site, threshold: 50 });
    expect(html).not.toMatch(/<script|<img|<svg|href="(?:javascript|data):/i);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("answers 404 for an unknown or impossible id, JSON for JSON clients and a page for browsers", async () => {
    const call = api([escalated]);
    const json = await call("/stories/nope");
    expect(json.status).toBe(404);
    expect(JSON.parse(json.body).error.code).toBe("not_found");
    const page = await call("/stories/%E0%A4%A", {
      headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
    });
    expect(page.status).toBe(404);
    expect(page.headers["Content-Type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain("no story with this id");
  });

  it("is what JSON Feed items link to, with the article as external_url", async () => {
    const res = await api([escalated])(`/items/${escalated.id}`);
    expect(JSON.parse(res.body)).toMatchObject({
      url: `https://feed.example.org/stories/${escalated.id}`,
      external_url: "https://chainwire.example/exampleswap-drained",
    });
  });
});
