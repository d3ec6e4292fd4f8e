/**
 * `heistwatch parse FILE_OR_URL`: what the poller would make of one feed, as JSON Lines. For
 * tuning and debugging: point it at a live feed (through the same safe fetch) or a saved file.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { decodeBody } from "../../lambdas/core/acquire/charset.ts";
import { FeedParseError, parseFeed } from "../../lambdas/core/parse/parse-feed.ts";
import { createHttpFetcher } from "../../lambdas/adapters/http-fetcher.ts";
import { readFeed } from "../../lambdas/core/acquire/read-feed.ts";
import type { Article, FeedConfig } from "../../lambdas/core/model/types.ts";
import { oneLine } from "../../lambdas/core/text/characters.ts";
import { type Command, EXIT } from "../command.ts";

const USAGE = `usage: heistwatch parse FILE_OR_URL [options]

Fetches (http/https URL) or reads (file path, or - for stdin) one RSS/Atom/RDF feed and prints
its normalised articles as JSON Lines on stdout. Warnings go to stderr.

options:
  --allow-address IP   allow fetching from this private/loopback IP or CIDR (repeatable),
                       e.g. --allow-address 127.0.0.1 for a feed served locally
  --base URL           resolve a file's relative links against URL (default: the feed's own link)
  --name NAME          source name put on the articles (default: the host or file name)
  --timeout MS         total fetch deadline in milliseconds (default 10000)

exit codes: 0 parsed; 1 could not fetch or read, not a feed, or broken XML; 2 bad usage`;

interface ParseArgs {
  target: string;
  allowAddresses: string[];
  base?: string;
  name?: string;
  timeoutMs?: number;
}

function readArgs(args: string[]): ParseArgs | string {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        "allow-address": { type: "string", multiple: true },
        base: { type: "string" },
        name: { type: "string" },
        timeout: { type: "string" },
      },
    });
  } catch (error) {
    return (error as Error).message;
  }
  const { values, positionals } = parsed;
  const [target, extra] = positionals;
  if (extra !== undefined) return `unexpected argument "${extra}" (one feed at a time)`;
  if (!target) return "which feed? give a file path, - for stdin, or an http(s) URL";
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!/^\d+$/.test(values.timeout) || timeoutMs <= 0)
      return "--timeout needs a positive number of milliseconds";
  }
  return {
    target,
    allowAddresses: values["allow-address"] ?? [],
    ...(values.base ? { base: values.base } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
  };
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 60) || "feed"
  );
}

/**
 * One line on stderr. Its text comes from servers and feeds (reason phrases, file names, parse
 * errors), so it goes through the text policy's one-line rule: no controls (no ANSI or C1
 * escape sequences), no bidi or zero-width characters, no line breaks.
 */
function warn(text: string): void {
  console.error(`heistwatch parse: ${oneLine(text)}`);
}

function printArticles(articles: Article[], warnings: string[] | undefined, label: string): void {
  for (const warning of warnings ?? []) warn(`${label}: warning: ${warning}`);
  process.stdout.write(articles.map((a) => `${JSON.stringify(a)}\n`).join(""));
}

async function parseUrl(args: ParseArgs): Promise<number> {
  const host = new URL(args.target).hostname;
  const feed: FeedConfig = { id: slug(host), name: args.name ?? host, url: args.target };
  const fetcher = createHttpFetcher({
    allowAddresses: args.allowAddresses,
    ...(args.timeoutMs ? { timeoutMs: args.timeoutMs } : {}),
  });
  const result = await readFeed(feed, { fetcher });
  if (result.status === "ok") {
    printArticles(result.articles, result.warnings, args.target);
    return 0;
  }
  if (result.status === "not-modified") {
    warn(`${args.target}: not modified`);
    return 0;
  }
  const hint = result.kind === "blocked-address" ? " (--allow-address permits a private address)" : "";
  warn(`${result.message} [${result.kind}]${hint}`);
  return EXIT.failed;
}

async function readInput(target: string): Promise<Buffer> {
  if (target !== "-") return readFile(target);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function parseFile(args: ParseArgs): Promise<number> {
  const label = args.target === "-" ? "stdin" : args.target;
  let bytes: Buffer;
  try {
    bytes = await readInput(args.target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    warn(`cannot read ${label}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
    return 1;
  }
  const name = args.name ?? (args.target === "-" ? "stdin" : basename(args.target));
  const feed: FeedConfig = { id: slug(name), name, url: args.base ?? "" };
  const decoded = decodeBody(bytes);
  try {
    const parsed = await parseFeed(decoded.text, {
      feed,
      fetchedAt: new Date(),
      ...(args.base ? { baseUrl: args.base } : {}),
    });
    printArticles(
      parsed.articles,
      [...(decoded.warning ? [decoded.warning] : []), ...(parsed.warnings ?? [])],
      label,
    );
    return 0;
  } catch (error) {
    if (error instanceof FeedParseError) {
      warn(`${label}: ${error.message} [${error.kind}]`);
      return EXIT.failed;
    }
    warn(`${label}: ${(error as Error).message}`);
    return 1;
  }
}

export const command: Command = {
  summary: "fetch or read a feed and print its normalised articles as JSON Lines",
  usage: USAGE,
  async run(args) {
    const parsed = readArgs(args);
    if (typeof parsed === "string") {
      warn(parsed);
      console.error(`\n${USAGE}`);
      return 2;
    }
    return /^https?:\/\//i.test(parsed.target) ? parseUrl(parsed) : parseFile(parsed);
  },
};
