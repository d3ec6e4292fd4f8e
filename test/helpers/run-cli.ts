/**
 * Runs the `heistwatch` command in this process, as `bin/heistwatch.js` would (same `main`, same
 * argv), capturing what it writes to stdout and stderr and feeding it stdin. Spawning a process
 * per case costs a Node and tsx start-up each (about half a second); the spawned smoke tests in
 * test/cli.test.ts keep the real binary honest.
 */
import { Readable } from "node:stream";
import { vi } from "vitest";
import { main } from "../../cli/main.ts";

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Serialises runs: they share this process's stdout, stderr and stdin. */
let queue: Promise<unknown> = Promise.resolve();

export function runCli(args: string[], stdin = ""): Promise<CliResult> {
  const run = queue.then(() => runNow(args, stdin));
  queue = run.catch(() => undefined);
  return run;
}

async function runNow(args: string[], stdin: string): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const capture =
    (append: (text: string) => void) =>
    (chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
      append(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      if (typeof done === "function") queueMicrotask(() => (done as () => void)());
      return true;
    };
  const toOut = (text: string) => (stdout += text);
  const toErr = (text: string) => (stderr += text);
  const line =
    (append: (text: string) => void) =>
    (...parts: unknown[]) =>
      append(`${parts.map((p) => (typeof p === "string" ? p : String(p))).join(" ")}\n`);
  const input = Object.assign(Readable.from(stdin === "" ? [] : [Buffer.from(stdin, "utf8")]), {
    isTTY: false,
  });
  const stdinDescriptor = Object.getOwnPropertyDescriptor(process, "stdin")!;
  Object.defineProperty(process, "stdin", { configurable: true, get: () => input });
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(capture(toOut) as typeof process.stdout.write),
    vi.spyOn(process.stderr, "write").mockImplementation(capture(toErr) as typeof process.stderr.write),
    vi.spyOn(console, "log").mockImplementation(line(toOut)),
    vi.spyOn(console, "info").mockImplementation(line(toOut)),
    vi.spyOn(console, "error").mockImplementation(line(toErr)),
    vi.spyOn(console, "warn").mockImplementation(line(toErr)),
  ];
  try {
    const status = await main(args);
    return { status, stdout, stderr };
  } finally {
    for (const spy of spies) spy.mockRestore();
    Object.defineProperty(process, "stdin", stdinDescriptor);
  }
}
