/**
 * `heistwatch feeds import FILE.opml` / `heistwatch feeds export`: the feed list in and out as
 * OPML, so it moves to and from any feed reader. Import adds the file's feeds that are new (by
 * URL) to the configured feed list, checked by the one feed-list validator before anything is
 * written; export prints the list as OPML 2.0.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { ConfigError, validateFeedList } from "../../lambdas/core/model/config-schema.ts";
import type { FeedConfig } from "../../lambdas/core/model/types.ts";
import { EXIT, type Command } from "../command.ts";
import { CONFIG_FLAGS_USAGE, loadLocalConfig } from "../local/config.ts";
import { parseOpml, planImport, renderOpml } from "../opml.ts";

const usage = `usage: heistwatch feeds import FILE.opml [--dry-run] [--feeds FILE]
       heistwatch feeds export [--feeds FILE] > feeds.opml

import   adds the feeds of an OPML file (Feedly, Inoreader, NetNewsWire... exports; folders at
         any depth) that are not yet in the feed list, with ids made from their titles, and
         writes the list back once every entry passes the feed-list check. --dry-run prints
         what would be added and writes nothing.
export   prints the feed list as OPML 2.0 (ids kept, so an export imports back unchanged).

The feed list is the one local mode polls (config/feeds.json unless --feeds, HEISTWATCH_FEEDS_FILE
or "feedsFile" in heistwatch.config.json says otherwise).

options:
  --dry-run            import: show the plan, write nothing
${CONFIG_FLAGS_USAGE}`;

/** The list as it is in the file (entries kept whole), or [] when the file does not exist yet. */
function readRawList(path: string): unknown[] {
  if (!existsSync(path)) return [];
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`feed list ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data))
    throw new ConfigError(`feed list ${path} must be a JSON array of { id, name, url }`);
  return data;
}

function readOpmlFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** Writes next to the target, then renames: a crash never leaves half a feed list. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function runImport(file: string, feedsFile: string, dryRun: boolean): number {
  const outlines = parseOpml(readOpmlFile(file), file);
  const raw = readRawList(feedsFile);
  const existing: FeedConfig[] = raw.length ? validateFeedList(raw, feedsFile) : [];
  const plan = planImport(outlines, existing);
  // The merged list passes the same check as every other feed list before it is written.
  validateFeedList([...raw, ...plan.added], `${feedsFile} with ${file}`);
  for (const feed of plan.added) console.log(`+ ${feed.id}  ${feed.name}  ${feed.url}`);
  const summary =
    `${file}: ${outlines.length} feed(s) in the file, ${plan.added.length} new, ` +
    `${plan.duplicates.length} already in ${feedsFile}`;
  if (dryRun || plan.added.length === 0) {
    console.log(`${summary}; ${dryRun ? "dry run, nothing written" : "nothing to write"}`);
    return EXIT.ok;
  }
  writeAtomically(feedsFile, `${JSON.stringify([...raw, ...plan.added], null, 2)}\n`);
  console.log(`${summary}; written`);
  return EXIT.ok;
}

export const command: Command = {
  summary: "import feeds from an OPML file, or export the feed list as OPML",
  usage,
  async run(args) {
    const [action, ...rest] = args;
    const file = action === "import" ? rest[0] : undefined;
    const options = action === "import" ? rest.slice(1) : rest;
    if (
      (action !== "import" && action !== "export") ||
      (action === "import" && (!file || file.startsWith("--")))
    ) {
      console.error(
        `heistwatch feeds: ${action ? `expected import FILE or export, got "${action}"` : "missing action"}\n\n${usage}`,
      );
      return EXIT.usage;
    }
    let feedsFile: string;
    let dryRun: boolean;
    try {
      const loaded = loadLocalConfig({
        args: options,
        env: process.env,
        cwd: process.cwd(),
        booleanFlags: ["--dry-run"],
      });
      feedsFile = loaded.config.feedsFile;
      dryRun = loaded.flags.has("--dry-run");
    } catch (error) {
      console.error(`heistwatch feeds: ${(error as Error).message}`);
      return EXIT.usage;
    }
    try {
      if (action === "import") return runImport(file!, feedsFile, dryRun);
      const feeds = validateFeedList(readRawList(feedsFile), feedsFile);
      process.stdout.write(renderOpml(feeds, "heistwatch feeds", new Date()));
      return EXIT.ok;
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(`heistwatch feeds: ${error.message}`);
        return EXIT.failed;
      }
      throw error;
    }
  },
};
