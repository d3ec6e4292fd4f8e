/**
 * Story matching cost per flagged article, over a month-long window: the 120 written dev items
 * (test/fixtures) repeated in 20 epochs 45 days apart (2,400 articles; each epoch's items only
 * meet their own epoch's stories, about 110 of them, as a busy month would), through
 * `extractFeatures` and `findMatchingStory` exactly as the poller runs them. Beside it, in the
 * same run, the step before it in the pipeline: `classify` of the same articles.
 */
import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { classify } from "../lambdas/core/classifier/classify.ts";
import { clusterFeatures } from "../lambdas/core/stories/cluster.ts";
import { extractFeatures, type StoryFeatures } from "../lambdas/core/stories/story-features.ts";
import { htmlToText } from "../lambdas/core/text/html-to-text.ts";

const EPOCHS = 20;
const EPOCH_DAYS = 45;
const RUNS = 3;

interface Item {
  id: string;
  source: string;
  published: string;
  title: string;
  summary: string;
}

const base = readFileSync(new URL("../test/fixtures/dev-articles.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as Item)
  .map((item) => ({ ...item, summary: htmlToText(item.summary) }));
const earliest = Math.min(...base.map((item) => Date.parse(item.published)));
// The written items span years; fold them into one month per epoch, keeping their order.
const span = Math.max(...base.map((item) => Date.parse(item.published))) - earliest;
const items = Array.from({ length: EPOCHS }, (_, epoch) =>
  base.map((item) => ({
    ...item,
    id: `${item.id}-${epoch}`,
    published: new Date(
      earliest +
        epoch * EPOCH_DAYS * 86_400_000 +
        ((Date.parse(item.published) - earliest) / span) * 30 * 86_400_000,
    ).toISOString(),
  })),
).flat();

function best(run: () => void): { cpu: number; wall: number } {
  let cpu = Number.POSITIVE_INFINITY;
  let wall = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    run();
    wall = Math.min(wall, (performance.now() - started) / 1000);
    const used = process.cpuUsage(cpuStart);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  return { cpu, wall };
}

const verdicts = items.map((item) => classify({ title: item.title, summary: item.summary }));
let features: StoryFeatures[] = [];
const extract = () => {
  features = items.map((item, i) =>
    extractFeatures({
      articleId: item.id,
      feedId: item.source,
      sourceName: item.source,
      publishedAt: item.published,
      title: item.title,
      summary: item.summary,
      actors: verdicts[i]!.actors,
      amountUsd: verdicts[i]!.amountUsd,
    }),
  );
};
extract(); // warm up
let stories = 0;
const classifyTime = best(() => {
  for (const item of items) classify({ title: item.title, summary: item.summary });
});
const extractTime = best(extract);
const matchTime = best(() => {
  stories = clusterFeatures(features).length;
});

const perArticle = (t: { cpu: number }) => `${((t.cpu / items.length) * 1e6).toFixed(0).padStart(6)} µs`;
console.log(
  `articles: ${items.length} (${EPOCHS} epochs of ${base.length}), ${stories} stories; ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(1)}`,
);
console.log(`classify (baseline, the step before):   ${perArticle(classifyTime)} CPU per article`);
console.log(`story features (victims, kinds, ...):   ${perArticle(extractTime)} CPU per article`);
console.log(`matching against a month of stories:    ${perArticle(matchTime)} CPU per article`);
console.log(
  `stories cost ${((extractTime.cpu + matchTime.cpu) / classifyTime.cpu).toFixed(2)}x classification (best of ${RUNS} runs each)`,
);
