/**
 * The `heistwatch` command: a dispatcher. Each subcommand lives in its own file under
 * cli/commands/ and is imported only when used, so `classify` never loads dynalite or the AWS SDK.
 */

import { readFileSync } from "node:fs";
import { type Command, EXIT } from "./command.ts";

type Loader = () => Promise<{ command: Command }>;

const commands: Record<string, { summary: string; load: Loader }> = {
  classify: {
    summary: "score JSON Lines articles (FILE or stdin), one JSON result per line",
    load: () => import("./commands/classify.ts"),
  },
  eval: {
    summary: "precision, recall and F1 of the rules on a labelled JSONL file",
    load: () => import("./commands/eval.ts"),
  },
  explain: {
    summary: "a readable breakdown of one article's score, for tuning rules",
    load: () => import("./commands/explain.ts"),
  },
  stories: {
    summary: "cluster a JSONL file into stories and explain each merge (pair recall with dup_of)",
    load: () => import("./commands/stories.ts"),
  },
  parse: {
    summary: "fetch or read a feed and print its normalised articles as JSON Lines",
    load: () => import("./commands/parse.ts"),
  },
  start: {
    summary: "run the whole pipeline locally: poll feeds, store, alert, serve the feed",
    load: () => import("./commands/start.ts"),
  },
  poll: {
    summary: "poll the configured feeds (use --once for cron)",
    load: () => import("./commands/poll.ts"),
  },
  feeds: {
    summary: "import feeds from an OPML file, or export the feed list as OPML",
    load: () => import("./commands/feeds.ts"),
  },
  cost: { summary: "estimate the monthly AWS bill, line by line", load: () => import("./commands/cost.ts") },
  demo: {
    summary: "offline demo: serve sample feeds on 127.0.0.1, run a cycle, keep the page up",
    load: () => import("./commands/demo.ts"),
  },
};

function help(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "heistwatch: monitor news of state-sponsored theft of funds",
    "",
    "usage: heistwatch <command> [options]",
    "",
    "commands:",
    ...lines,
    "",
    "Run `heistwatch <command> --help` for a command's options, `heistwatch --version` for the version.",
    "Exit codes: 0 done, 1 the input or environment could not be used, 2 usage or setting error.",
  ].join("\n");
}

/** The version in package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    console.log(`heistwatch ${version()}`);
    return EXIT.ok;
  }
  const entry = commands[name];
  if (!entry) {
    console.error(`heistwatch: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  let command: Command;
  try {
    ({ command } = await entry.load());
  } catch (error) {
    console.error(`heistwatch: the "${name}" command is not available: ${(error as Error).message}`);
    return EXIT.failed;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.usage);
    return EXIT.ok;
  }
  return command.run(rest);
}
