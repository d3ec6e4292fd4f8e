/** Clusters a labelled JSON Lines file exactly as `heistwatch stories` does, for the story tests. */
import { readFileSync } from "node:fs";
import { type FileArticle, readArticle } from "../../cli/commands/stories.ts";
import {
  type ClusteredStory,
  type ClusterScore,
  clusterFeatures,
  scoreClustering,
} from "../../lambdas/core/stories/cluster.ts";

export interface ClusteredFile {
  articles: Map<string, FileArticle>;
  stories: ClusteredStory[];
  score: ClusterScore;
  storyOf: Map<string, string>;
}

export function clusterFile(path: string, which: "classifier" | "label" | "all"): ClusteredFile {
  const articles = new Map<string, FileArticle>();
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, index) => {
      if (line.trim() === "") return;
      const article = readArticle(line, index + 1, which);
      if (article) articles.set(article.id, article);
    });
  const stories = clusterFeatures([...articles.values()].map((article) => article.features));
  const links = new Map<string, string>();
  for (const article of articles.values()) if (article.dupOf) links.set(article.id, article.dupOf);
  const storyOf = new Map<string, string>();
  for (const story of stories)
    for (const member of story.members) storyOf.set(member.features.articleId, story.id);
  return {
    articles,
    stories,
    score: scoreClustering(stories, links, (id) => articles.get(id)?.source ?? ""),
    storyOf,
  };
}
