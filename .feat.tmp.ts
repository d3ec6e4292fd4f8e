import { readFileSync } from "node:fs";
import { readArticle } from "./cli/commands/stories.ts";
const file = process.argv[2]!;
const which = (process.argv[3] ?? "label") as "label";
readFileSync(file, "utf8").trim().split("\n").forEach((line, i) => {
  const a = readArticle(line, i + 1, which);
  if (!a) return;
  console.log(a.id, JSON.stringify(a.features.victims), JSON.stringify(a.features.kinds), JSON.stringify(a.features.authorities), "|", a.title.slice(0, 90));
});
