/**
 * Local-mode configuration: defaults, then `heistwatch.config.json` (or --config FILE), then
 * HEISTWATCH_* env vars, then command-line flags. Read once, typed, validated: a bad value fails
 * with its name and where it came from, so the CLI can print it and exit 2.
 */
import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  ConfigError,
  httpUrlSchema,
  parseSetting,
  wholeNumberSchema,
} from "../../lambdas/core/model/config-schema.ts";

/** Everything `start`, `poll` and `demo` need to know, resolved and checked. */
export interface LocalConfig {
  /** Port of the API server (0 = any free port). */
  port: number;
  /** Address the API server binds to. */
  host: string;
  /** Public URL of the API (behind a reverse proxy); feed links use it. Default: the listening address. */
  publicUrl?: string;
  /** Absolute path of the data directory (the embedded DynamoDB lives in it). */
  dataDir: string;
  /** Absolute path of the feed list (JSON array of {id, name, url}). */
  feedsFile: string;
  /** Seconds between the starts of two poll cycles. */
  intervalSeconds: number;
  /** Classifier threshold (0..100): the score from which an article is flagged; undefined = the rules' own. */
  threshold?: number;
  /** Follow-up reports join a story first reported at most this many hours before; undefined = 720 (30 days). */
  storyWindowHours?: number;
  /** Slack/Discord-compatible incoming webhook; undefined = console alerts only. */
  webhookUrl?: string;
  /** IP addresses that feeds may resolve to even though they are private/loopback (e.g. "127.0.0.1"). */
  allowPrivateAddresses: string[];
  /** Feeds polled at once. */
  concurrency: number;
  /** Minimum gap between two requests to the same host, in milliseconds. */
  hostGapMs: number;
  /** After a stop request, how long in-flight fetches may run on (so a cycle can finish) before they are aborted; undefined = 4000. */
  shutdownGraceMs?: number;
  /** SMTP server for subscriber mail (smtp:// or smtps://); undefined = mails are printed, not sent. */
  smtpUrl?: string;
  /** From address of subscriber mail (default heistwatch@localhost). */
  mailFrom?: string;
  /** UTC hour digests go out (0..23; default 7). */
  digestHour?: number;
  /** Weekday of the weekly digest (0 = Sunday .. 6; default 1). */
  digestWeekday?: number;
  /** WebSub hub the feeds name and each cycle with new flagged articles pings; undefined = none. */
  websubHub?: string;
  /** Where the config file was read from, if one was. */
  configFile?: string;
}

export { ConfigError };

/** The repository root (two levels up from cli/local/), where config/feeds.json lives. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const DEFAULT_CONFIG_FILE = "heistwatch.config.json";

/** Default of `shutdownGraceMs`: long enough for a normal fetch to finish, short enough for a service manager. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 4000;

const DEFAULTS = {
  port: 8787,
  host: "127.0.0.1",
  dataDir: ".heistwatch/data",
  feedsFile: resolve(PACKAGE_ROOT, "config", "feeds.json"),
  intervalSeconds: 300,
  concurrency: 6,
  hostGapMs: 2000,
  shutdownGraceMs: DEFAULT_SHUTDOWN_GRACE_MS,
  mailFrom: "heistwatch@localhost",
  digestHour: 7,
  digestWeekday: 1,
} as const;

type Source = string;
type Raw = Partial<Record<keyof typeof SETTINGS, unknown>>;

/** Parses one raw value (string from env/flags, or any JSON value from the file). */
type Parser<T> = (value: unknown, name: string, source: Source) => T;

const integer =
  (min: number, max: number): Parser<number> =>
  (value, name, source) =>
    parseSetting(wholeNumberSchema(min, max), value, `${name} (${source})`);

const text: Parser<string> = (value, name, source) => {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigError(`${name} (${source}) must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value.trim();
};

const httpUrl: Parser<string> = (value, name, source) =>
  parseSetting(httpUrlSchema, value, `${name} (${source})`);

const smtpUrl: Parser<string> = (value, name, source) => {
  const s = text(value, name, source);
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw new ConfigError(`${name} (${source}) is not a URL (e.g. smtp://127.0.0.1:1025)`);
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new ConfigError(`${name} (${source}) must be an smtp:// or smtps:// URL, got ${url.protocol}`);
  }
  return url.href;
};

// One plain address: it becomes a mail header, so nothing that could end or extend one.
const mailAddress: Parser<string> = (value, name, source) => {
  const s = text(value, name, source);
  if (!/^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}$/.test(s)) {
    throw new ConfigError(`${name} (${source}) must be one plain address like alerts@example.org`);
  }
  return s;
};

const ipList: Parser<string[]> = (value, name, source) => {
  const items =
    typeof value === "string"
      ? value
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : value;
  if (!Array.isArray(items)) {
    throw new ConfigError(`${name} (${source}) must be a list of IP addresses`);
  }
  for (const item of items) {
    if (typeof item !== "string" || isIP(item) === 0) {
      throw new ConfigError(`${name} (${source}) must list IP addresses, got ${JSON.stringify(item)}`);
    }
  }
  return items as string[];
};

/** Each setting: its env var, its flag, and its parser. */
const SETTINGS = {
  port: { env: "HEISTWATCH_PORT", flag: "--port", parse: integer(0, 65535) },
  host: { env: "HEISTWATCH_HOST", flag: "--host", parse: text },
  publicUrl: { env: "HEISTWATCH_PUBLIC_URL", flag: "--public-url", parse: httpUrl },
  dataDir: { env: "HEISTWATCH_DATA_DIR", flag: "--data-dir", parse: text },
  feedsFile: { env: "HEISTWATCH_FEEDS_FILE", flag: "--feeds", parse: text },
  intervalSeconds: { env: "HEISTWATCH_INTERVAL_SECONDS", flag: "--interval", parse: integer(1, 86_400) },
  threshold: { env: "HEISTWATCH_THRESHOLD", flag: "--threshold", parse: integer(0, 100) },
  storyWindowHours: {
    env: "HEISTWATCH_STORY_WINDOW_HOURS",
    flag: "--story-window-hours",
    parse: integer(1, 24 * 365),
  },
  webhookUrl: { env: "HEISTWATCH_WEBHOOK_URL", flag: "--webhook", parse: httpUrl },
  allowPrivateAddresses: {
    env: "HEISTWATCH_ALLOW_PRIVATE_ADDRESSES",
    flag: "--allow-private",
    parse: ipList,
  },
  concurrency: { env: "HEISTWATCH_CONCURRENCY", flag: "--concurrency", parse: integer(1, 64) },
  hostGapMs: { env: "HEISTWATCH_HOST_GAP_MS", flag: "--host-gap-ms", parse: integer(0, 600_000) },
  shutdownGraceMs: {
    env: "HEISTWATCH_SHUTDOWN_GRACE_MS",
    flag: "--shutdown-grace-ms",
    parse: integer(0, 60_000),
  },
  smtpUrl: { env: "HEISTWATCH_SMTP_URL", flag: "--smtp-url", parse: smtpUrl },
  mailFrom: { env: "HEISTWATCH_MAIL_FROM", flag: "--mail-from", parse: mailAddress },
  digestHour: { env: "HEISTWATCH_DIGEST_HOUR", flag: "--digest-hour", parse: integer(0, 23) },
  digestWeekday: { env: "HEISTWATCH_DIGEST_WEEKDAY", flag: "--digest-weekday", parse: integer(0, 6) },
  websubHub: { env: "HEISTWATCH_WEBSUB_HUB", flag: "--websub-hub", parse: httpUrl },
} satisfies Record<string, { env: string; flag: string; parse: Parser<unknown> }>;

type SettingName = keyof typeof SETTINGS;
const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];
const PATH_SETTINGS: SettingName[] = ["dataDir", "feedsFile"];

/** The flags every local command accepts (beyond its own), for usage texts. */
export const CONFIG_FLAGS_USAGE = [
  "  --config FILE        config file (default: ./heistwatch.config.json when present)",
  "  --port N             API port (default 8787; 0 = any free port)      env HEISTWATCH_PORT",
  "  --host ADDR          API bind address (default 127.0.0.1)            env HEISTWATCH_HOST",
  "  --public-url URL     URL feed links use (default: the bind address)  env HEISTWATCH_PUBLIC_URL",
  "  --data-dir DIR       data directory (default .heistwatch/data)       env HEISTWATCH_DATA_DIR",
  "  --feeds FILE         feed list JSON (default config/feeds.json)      env HEISTWATCH_FEEDS_FILE",
  "  --interval SECONDS   time between poll cycles (default 300)          env HEISTWATCH_INTERVAL_SECONDS",
  "  --threshold N        flag threshold 0..100 (default: the rules')     env HEISTWATCH_THRESHOLD",
  "  --story-window-hours N  how long a story takes follow-ups (default 720) env HEISTWATCH_STORY_WINDOW_HOURS",
  "  --webhook URL        Slack/Discord incoming webhook for alerts       env HEISTWATCH_WEBHOOK_URL",
  "  --allow-private IPS  comma list of private IPs feeds may use         env HEISTWATCH_ALLOW_PRIVATE_ADDRESSES",
  "  --concurrency N      feeds polled at once (default 6)                env HEISTWATCH_CONCURRENCY",
  "  --host-gap-ms N      minimum gap between requests to one host        env HEISTWATCH_HOST_GAP_MS",
  "  --shutdown-grace-ms N  fetch time left to a cycle after a stop (default 4000) env HEISTWATCH_SHUTDOWN_GRACE_MS",
  "  --smtp-url URL       SMTP server for subscriber mail (smtp://host:port) env HEISTWATCH_SMTP_URL",
  "  --mail-from ADDR     From address of subscriber mail                 env HEISTWATCH_MAIL_FROM",
  "  --digest-hour N      UTC hour digests go out (default 7)             env HEISTWATCH_DIGEST_HOUR",
  "  --digest-weekday N   weekday of the weekly digest, 0=Sun (default 1)  env HEISTWATCH_DIGEST_WEEKDAY",
  "  --websub-hub URL     WebSub hub to name in the feeds and ping        env HEISTWATCH_WEBSUB_HUB",
].join("\n");

export interface LoadConfigInput {
  /** Command-line arguments after the subcommand (flags this module does not know are returned). */
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Flags (without value) the command itself understands, e.g. ["--once"]. */
  booleanFlags?: string[];
}

export interface LoadedConfig {
  config: LocalConfig;
  /** The command's own boolean flags that were given. */
  flags: Set<string>;
}

/**
 * Resolves the local configuration. Throws ConfigError naming the setting (and its source:
 * file, env var or flag) for any bad value, unknown key or unknown flag.
 */
export function loadLocalConfig(input: LoadConfigInput): LoadedConfig {
  const { flagValues, flags, configPath } = readArgs(input.args, input.booleanFlags ?? []);

  const raw: Raw = {};
  const sources: Partial<Record<SettingName, Source>> = {};
  const baseDirs: Partial<Record<SettingName, string>> = {};

  const fileName = configPath ?? DEFAULT_CONFIG_FILE;
  const filePath = resolve(input.cwd, fileName);
  let configFile: string | undefined;
  if (configPath !== undefined || existsSync(filePath)) {
    const fromFile = readConfigFile(filePath);
    configFile = filePath;
    for (const [key, value] of Object.entries(fromFile)) {
      // Keys starting with "//" are comments (JSON has none); "$schema" is for editors.
      if (key === "$schema" || key.startsWith("//")) continue;
      if (!(key in SETTINGS)) {
        throw new ConfigError(
          `unknown setting "${key}" in ${filePath}; known settings: ${SETTING_NAMES.join(", ")}`,
        );
      }
      raw[key as SettingName] = value;
      sources[key as SettingName] = `"${key}" in ${filePath}`;
      baseDirs[key as SettingName] = dirname(filePath);
    }
  }
  for (const name of SETTING_NAMES) {
    const { env } = SETTINGS[name];
    const value = input.env[env];
    if (value !== undefined && value !== "") {
      raw[name] = value;
      sources[name] = `env ${env}`;
      baseDirs[name] = input.cwd;
    }
  }
  for (const [flag, value] of flagValues) {
    const name = SETTING_NAMES.find((n) => SETTINGS[n].flag === flag)!;
    raw[name] = value;
    sources[name] = `flag ${flag}`;
    baseDirs[name] = input.cwd;
  }

  const parsed: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) {
    if (raw[name] === undefined) continue;
    const setting = SETTINGS[name];
    let value = setting.parse(raw[name], name, sources[name] ?? name);
    if (PATH_SETTINGS.includes(name)) value = resolve(baseDirs[name] ?? input.cwd, value as string);
    parsed[name] = value;
  }

  const config: LocalConfig = {
    port: (parsed.port as number | undefined) ?? DEFAULTS.port,
    host: (parsed.host as string | undefined) ?? DEFAULTS.host,
    dataDir: (parsed.dataDir as string | undefined) ?? resolve(input.cwd, DEFAULTS.dataDir),
    feedsFile: (parsed.feedsFile as string | undefined) ?? DEFAULTS.feedsFile,
    intervalSeconds: (parsed.intervalSeconds as number | undefined) ?? DEFAULTS.intervalSeconds,
    threshold: parsed.threshold as number | undefined,
    storyWindowHours: parsed.storyWindowHours as number | undefined,
    webhookUrl: parsed.webhookUrl as string | undefined,
    allowPrivateAddresses: (parsed.allowPrivateAddresses as string[] | undefined) ?? [],
    concurrency: (parsed.concurrency as number | undefined) ?? DEFAULTS.concurrency,
    hostGapMs: (parsed.hostGapMs as number | undefined) ?? DEFAULTS.hostGapMs,
    shutdownGraceMs: (parsed.shutdownGraceMs as number | undefined) ?? DEFAULTS.shutdownGraceMs,
    smtpUrl: parsed.smtpUrl as string | undefined,
    mailFrom: (parsed.mailFrom as string | undefined) ?? DEFAULTS.mailFrom,
    digestHour: (parsed.digestHour as number | undefined) ?? DEFAULTS.digestHour,
    digestWeekday: (parsed.digestWeekday as number | undefined) ?? DEFAULTS.digestWeekday,
    ...(parsed.websubHub ? { websubHub: parsed.websubHub as string } : {}),
    configFile,
  };
  return { config, flags };
}

function readArgs(args: string[], booleanFlags: string[]) {
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean }> = {
    config: { type: "string" },
  };
  for (const name of SETTING_NAMES)
    options[SETTINGS[name].flag.slice(2)] = { type: "string", multiple: true };
  for (const flag of booleanFlags) options[flag.slice(2)] = { type: "boolean" };
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: false, tokens: true });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const flag = /'(--[a-z-]+)/.exec(message)?.[1];
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && flag) {
      throw new ConfigError(
        message.includes("does not take") ? `${flag} takes no value` : `${flag} needs a value`,
      );
    }
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && flag)
      throw new ConfigError(`unknown option "${flag}" (see --help)`);
    throw new ConfigError(`${message.split(". ")[0]} (see --help)`);
  }
  const flagValues: Array<[string, string]> = [];
  const flags = new Set<string>();
  let configPath: string | undefined;
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== "option") continue;
    const flag = `--${token.name}`;
    if (booleanFlags.includes(flag)) {
      if (token.value !== undefined) throw new ConfigError(`${flag} takes no value`);
      flags.add(flag);
    } else if (token.value === undefined || token.value === "")
      throw new ConfigError(`${flag} needs a value`);
    else if (flag === "--config") configPath = token.value;
    else flagValues.push([flag, token.value]);
  }
  return { flagValues, flags, configPath };
}

function readConfigFile(path: string): Record<string, unknown> {
  let body: string;
  try {
    body = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `cannot read config file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  return data as Record<string, unknown>;
}
