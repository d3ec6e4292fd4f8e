/**
 * The shared body of `heistwatch start`, `poll` and `demo`: read the configuration, open the local
 * stack, run cycles, and shut down cleanly on SIGINT/SIGTERM (stop scheduling, let the current
 * cycle finish within a grace period, close the API server and flush the embedded DynamoDB).
 * Exit codes: 0 ran (even when some feeds failed), 1 systemic failure, 2 bad configuration.
 */
import { setMaxListeners } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, type LocalConfig, loadLocalConfig } from "./config.ts";
import { startDemoFeedServer } from "./demo-feeds.ts";
import { DataDirError } from "./embedded-dynamo.ts";
import { loadFeedsFile } from "./feeds-file.ts";
import type { ApiServer } from "./http-adapter.ts";
import { errorText, formatMs } from "./progress.ts";
import { isSystemicFailure, type LocalStack, type Output, openLocalStack, processOutput } from "./runtime.ts";
import { runLoop } from "./scheduler.ts";

export type LocalMode = "start" | "poll" | "poll-once" | "demo";

export interface RunLocalOptions {
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  output?: Output;
}

/** Runs a local command to completion; resolves to the process exit code. */
export async function runLocal(
  command: "start" | "poll" | "demo",
  options: RunLocalOptions,
): Promise<number> {
  const output = options.output ?? processOutput;
  const fail = (code: number, message: string) => {
    output.err(`heistwatch ${command}: ${message}`);
    return code;
  };
  let config: LocalConfig;
  let flags: Set<string>;
  try {
    ({ config, flags } = loadLocalConfig({
      args: options.args,
      env: options.env ?? process.env,
      cwd: options.cwd ?? process.cwd(),
      booleanFlags: ["--once", "--verbose"],
    }));
    if (flags.has("--once") && command !== "poll")
      throw new ConfigError("--once is only for `heistwatch poll`");
  } catch (error) {
    if (error instanceof ConfigError) return fail(2, error.message);
    throw error;
  }
  // The AWS SDK warns on Node < 22 about its releases from 2027 on; in local mode it talks only
  // to the embedded DynamoDB, so that multi-line notice would just bury the progress lines.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const mode: LocalMode = command === "poll" ? (flags.has("--once") ? "poll-once" : "poll") : command;
  const verbose = flags.has("--verbose");

  const stopper = new AbortController();
  // Each host waiting out its politeness gap listens on this signal: many hosts, many listeners.
  setMaxListeners(0, stopper.signal);
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopper.signal.aborted) {
      output.err(`${signal} again: stopping now without waiting (the last writes may be lost)`);
      process.exit(130);
    }
    output.err(`\n${signal}: stopping (finishing the current cycle, at most a few seconds)...`);
    stopper.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    if (mode === "demo") return await runDemo(config, output, verbose, stopper.signal, fail);
    return await runConfigured(mode, config, output, verbose, stopper.signal, fail);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

type Fail = (code: number, message: string) => number;

async function runConfigured(
  mode: Exclude<LocalMode, "demo">,
  config: LocalConfig,
  output: Output,
  verbose: boolean,
  signal: AbortSignal,
  fail: Fail,
): Promise<number> {
  let feeds: ReturnType<typeof loadFeedsFile>;
  try {
    feeds = loadFeedsFile(config.feedsFile);
  } catch (error) {
    if (error instanceof ConfigError) return fail(2, error.message);
    throw error;
  }
  if (feeds.length === 0) return fail(2, `feed list ${config.feedsFile} is empty: add at least one feed`);

  const stack = await open(config, feeds, config.dataDir, output, verbose, fail);
  if (typeof stack === "number") return stack;
  try {
    let api: ApiServer | undefined;
    if (mode === "start") {
      try {
        api = await stack.serveApi();
      } catch (error) {
        return fail(1, errorText(error));
      }
    }
    output.out(banner(mode, config, feeds.length, api));
    if (mode === "poll-once") {
      const summary = await stack.runCycle(signal);
      if (isSystemicFailure(summary)) return fail(1, "every feed failed on storage: see the errors above");
      return 0;
    }
    await runLoop({
      intervalMs: config.intervalSeconds * 1000,
      signal,
      cycle: async (s) => {
        await stack.runCycle(s);
        if (!s.aborted)
          output.out(`next cycle in ${formatMs(config.intervalSeconds * 1000)} (Ctrl-C to stop)`);
      },
      onCycleError: (error) => output.err(`cycle failed: ${errorText(error)}; trying again next cycle`),
    });
    return 0;
  } catch (error) {
    return fail(1, errorText(error));
  } finally {
    await stack.close();
    output.out("stopped; data saved.");
  }
}

async function runDemo(
  config: LocalConfig,
  output: Output,
  verbose: boolean,
  signal: AbortSignal,
  fail: Fail,
): Promise<number> {
  const feedServer = await startDemoFeedServer();
  const dataDir = mkdtempSync(join(tmpdir(), "heistwatch-demo-"));
  // The demo's feeds live on 127.0.0.1, which the fetcher refuses unless allowed; no webhook, so a
  // demo never posts invented alerts to a real channel.
  const demoConfig: LocalConfig = {
    ...config,
    dataDir,
    webhookUrl: undefined,
    allowPrivateAddresses: [...config.allowPrivateAddresses, "127.0.0.1"],
    hostGapMs: 0,
  };
  const stack = await open(demoConfig, feedServer.feeds, dataDir, output, verbose, fail);
  if (typeof stack === "number") {
    await feedServer.close();
    rmSync(dataDir, { recursive: true, force: true });
    return stack;
  }
  try {
    output.out(
      `heistwatch demo: ${feedServer.feeds.length} invented feeds served on 127.0.0.1 (no network needed), fresh data in ${dataDir}`,
    );
    await stack.runCycle(signal);
    let api: ApiServer;
    try {
      api = await stack.serveApi();
    } catch (error) {
      output.err(`${errorText(error)}; using a free port instead`);
      api = await stack.serveApi(0);
    }
    output.out(
      [
        "",
        `Open ${api.url}/ to see the flagged stories (JSON Feed: ${api.url}/feed.json, RSS: ${api.url}/feed.xml).`,
        "Ctrl-C to stop.",
      ].join("\n"),
    );
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    return 0;
  } catch (error) {
    return fail(1, errorText(error));
  } finally {
    await stack.close();
    await feedServer.close();
    rmSync(dataDir, { recursive: true, force: true });
    output.out("demo stopped.");
  }
}

async function open(
  config: LocalConfig,
  feeds: Parameters<typeof openLocalStack>[0]["feeds"],
  dataDir: string,
  output: Output,
  verbose: boolean,
  fail: Fail,
): Promise<LocalStack | number> {
  try {
    return await openLocalStack({ config, feeds, dataDir, output, verbose });
  } catch (error) {
    if (error instanceof DataDirError) return fail(1, error.message);
    return fail(1, `cannot open the embedded database in ${dataDir}: ${errorText(error)}`);
  }
}

function banner(
  mode: Exclude<LocalMode, "demo">,
  config: LocalConfig,
  feedCount: number,
  api?: ApiServer,
): string {
  const lines = [
    mode === "poll-once"
      ? `heistwatch: one poll cycle over ${feedCount} feeds`
      : `heistwatch: polling ${feedCount} feeds every ${formatMs(config.intervalSeconds * 1000)} (${config.concurrency} at a time, ${formatMs(config.hostGapMs)} between requests to one host)`,
    `  data:    ${config.dataDir}`,
    `  feeds:   ${config.feedsFile}`,
    `  alerts:  console${config.webhookUrl ? ` + webhook ${new URL(config.webhookUrl).host}` : ""}` +
      (config.smtpUrl
        ? ` + mail to subscribers via ${new URL(config.smtpUrl).host}`
        : " (sign-up mails printed: set --smtp-url to send them)"),
  ];
  if (api) lines.push(`  feed:    ${api.url}/feed.json    page: ${api.url}/    rss: ${api.url}/feed.xml`);
  if (config.configFile) lines.push(`  config:  ${config.configFile}`);
  if (mode !== "poll-once") lines.push("Ctrl-C to stop.");
  return lines.join("\n");
}
