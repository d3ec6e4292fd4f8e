/**
 * What the classify, eval and explain commands share: reading JSON Lines from a file or stdin,
 * turning a line into an article (with an error naming the line), loading `--rules FILE`, and
 * checking `--threshold`.
 */
import { EXIT } from "./command.ts";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { type ClassifyInput, loadRules, type Rules } from "../lambdas/core/classifier/classify.ts";

/** A usage problem: the command prints it with its usage and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A bad input line: the command reports it and goes on with the next. */
export class LineError extends Error {
  override name = "LineError";
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

/** Yields the non-blank lines of FILE (or stdin when FILE is undefined or "-") with 1-based line numbers. */
export async function* readLines(file: string | undefined): AsyncGenerator<{ line: number; text: string }> {
  const input =
    file === undefined || file === "-" ? process.stdin : createReadStream(file, { encoding: "utf8" });
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of reader) {
    line++;
    if (text.trim() !== "") yield { line, text };
  }
}

/** An article read from one JSON line: its id (null when absent) and the fields to classify. */
export interface ArticleLine {
  id: string | number | null;
  input: ClassifyInput;
  record: Record<string, unknown>;
}

function optionalText(record: Record<string, unknown>, field: string, line: number): string | undefined {
  const value = record[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw new LineError(line, `"${field}" must be a string, got ${typeof value}`);
  return value;
}

/** Parses one JSON line into an article; throws LineError naming the line and the problem. */
export function parseArticleLine(text: string, line: number): ArticleLine {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new LineError(line, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    throw new LineError(line, "expected a JSON object");
  }
  const r = record as Record<string, unknown>;
  const id = r.id ?? null;
  if (id !== null && typeof id !== "string" && typeof id !== "number") {
    throw new LineError(line, `"id" must be a string or number, got ${typeof id}`);
  }
  if (typeof r.title !== "string") {
    throw new LineError(line, r.title === undefined ? 'missing "title"' : '"title" must be a string');
  }
  const input: ClassifyInput = { title: r.title };
  const summary = optionalText(r, "summary", line);
  const content = optionalText(r, "content", line);
  if (summary !== undefined) input.summary = summary;
  if (content !== undefined) input.content = content;
  return { id, input, record: r };
}

/** Reads and validates a rules file; a UsageError names the file and the bad field. */
export async function loadRulesFile(path: string): Promise<Rules> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read rules file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`rules file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return loadRules(json);
  } catch (error) {
    throw new UsageError(`rules file ${path}: ${(error as Error).message}`);
  }
}

/** Parses `--threshold N` (0..100). */
export function parseThreshold(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new UsageError(`--threshold must be a number from 0 to 100, got "${value}"`);
  }
  return n;
}

/** Writes to stdout, waiting when the pipe is full, so large outputs never pile up in memory. */
export async function writeOut(text: string): Promise<void> {
  if (!process.stdout.write(text)) {
    await new Promise<void>((resolve) => process.stdout.once("drain", resolve));
  }
}

/** Runs a command body, mapping UsageError to exit 2 with the usage text and file errors to exit 2. */
export async function runWithUsage(
  name: string,
  usage: string,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (
      error instanceof UsageError ||
      e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ||
      e.code?.startsWith("ERR_PARSE_ARGS")
    ) {
      console.error(`heistwatch ${name}: ${e.message}\n\n${usage}`);
      return EXIT.usage;
    }
    if (e.code === "ENOENT" || e.code === "EACCES" || e.code === "EISDIR") {
      console.error(`heistwatch ${name}: cannot read ${e.path ?? "input"}: ${e.code}`);
      return EXIT.failed;
    }
    throw error;
  }
}
