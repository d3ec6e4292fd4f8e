import { readFileSync } from "node:fs";
import { readArticle } from "./cli/commands/stories.ts";
import { compareFeatures } from "./lambdas/core/stories/story.ts";
const lines = readFileSync("../shared/corpus/realworld-dev.jsonl", "utf8").trim().split("\n");
const get = (id: string) => { const i = lines.findIndex((l) => l.includes(`"id": "${id}"`)); return readArticle(lines[i]!, i + 1, "all")!; };
const [x, y] = process.argv.slice(2);
const a = get(x!), b = get(y!);
console.log(a.features, b.features);
console.log(compareFeatures(b.features, a.features));
