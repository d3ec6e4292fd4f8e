import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadLocalConfig, PACKAGE_ROOT } from "../cli/local/config.ts";
import { loadFeedsFile } from "../cli/local/feeds-file.ts";
import { validateFeedList } from "../lambdas/core/model/config-schema.ts";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "hw-config-"));
}

describe("loadLocalConfig", () => {
  it("uses documented defaults with no file, env or flags", () => {
    const cwd = tempDir();
    const { config } = loadLocalConfig({ args: [], env: {}, cwd });
    expect(config).toMatchObject({
      port: 8787,
      host: "127.0.0.1",
      dataDir: join(cwd, ".heistwatch/data"),
      feedsFile: join(PACKAGE_ROOT, "config", "feeds.json"),
      intervalSeconds: 300,
      allowPrivateAddresses: [],
      shutdownGraceMs: 4000,
    });
    expect(config.webhookUrl).toBeUndefined();
    expect(config.configFile).toBeUndefined();
  });

  it("layers file < env < flags, and resolves file paths against the file's directory", () => {
    const cwd = tempDir();
    const confDir = tempDir();
    const file = join(confDir, "my.json");
    writeFileSync(
      file,
      JSON.stringify({
        port: 9000,
        intervalSeconds: 60,
        dataDir: "state",
        feedsFile: "feeds.json",
        threshold: 40,
        storyWindowHours: 336,
      }),
    );
    const { config } = loadLocalConfig({
      args: ["--config", file, "--interval", "30", "--shutdown-grace-ms", "250"],
      env: { HEISTWATCH_PORT: "9100", HEISTWATCH_WEBHOOK_URL: "https://hooks.example/abc" },
      cwd,
    });
    expect(config.port).toBe(9100);
    expect(config.intervalSeconds).toBe(30);
    expect(config.shutdownGraceMs).toBe(250);
    expect(config.threshold).toBe(40);
    expect(config.storyWindowHours).toBe(336);
    expect(config.dataDir).toBe(join(confDir, "state"));
    expect(config.feedsFile).toBe(join(confDir, "feeds.json"));
    expect(config.webhookUrl).toBe("https://hooks.example/abc");
    expect(config.configFile).toBe(file);
  });

  it("reads heistwatch.config.json from the cwd when present", () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, "heistwatch.config.json"),
      JSON.stringify({ allowPrivateAddresses: ["127.0.0.1"] }),
    );
    const { config } = loadLocalConfig({ args: [], env: {}, cwd });
    expect(config.allowPrivateAddresses).toEqual(["127.0.0.1"]);
  });

  it("parses comma-separated private addresses from the env", () => {
    const { config } = loadLocalConfig({
      args: [],
      env: { HEISTWATCH_ALLOW_PRIVATE_ADDRESSES: "127.0.0.1, ::1" },
      cwd: tempDir(),
    });
    expect(config.allowPrivateAddresses).toEqual(["127.0.0.1", "::1"]);
  });

  it.each([
    [{ HEISTWATCH_PORT: "80a" }, /port \(env HEISTWATCH_PORT\) must be a whole number/],
    [{ HEISTWATCH_PORT: "70000" }, /HEISTWATCH_PORT/],
    [{ HEISTWATCH_INTERVAL_SECONDS: "0" }, /intervalSeconds \(env HEISTWATCH_INTERVAL_SECONDS\)/],
    [{ HEISTWATCH_THRESHOLD: "101" }, /threshold \(env HEISTWATCH_THRESHOLD\)/],
    [{ HEISTWATCH_SHUTDOWN_GRACE_MS: "-1" }, /shutdownGraceMs \(env HEISTWATCH_SHUTDOWN_GRACE_MS\)/],
    [
      { HEISTWATCH_WEBHOOK_URL: "ftp://x" },
      /webhookUrl \(env HEISTWATCH_WEBHOOK_URL\) must be an http\(s\) URL/,
    ],
    [{ HEISTWATCH_ALLOW_PRIVATE_ADDRESSES: "localhost" }, /must list IP addresses, got "localhost"/],
  ])("rejects bad env value %j naming the variable", (env, message) => {
    expect(() => loadLocalConfig({ args: [], env, cwd: tempDir() })).toThrow(message);
  });

  it("rejects an unknown key in the config file, naming it and the file", () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "heistwatch.config.json"), JSON.stringify({ intervalSecs: 5 }));
    expect(() => loadLocalConfig({ args: [], env: {}, cwd })).toThrow(
      /unknown setting "intervalSecs" in .*heistwatch\.config\.json/,
    );
  });

  it("rejects a config file that is not JSON, and a --config file that does not exist", () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "heistwatch.config.json"), "{ port: 1 ");
    expect(() => loadLocalConfig({ args: [], env: {}, cwd })).toThrow(/is not valid JSON/);
    expect(() => loadLocalConfig({ args: ["--config", "nope.json"], env: {}, cwd: tempDir() })).toThrow(
      /cannot read config file .*nope\.json: ENOENT/,
    );
  });

  it("rejects unknown flags and flags missing their value; accepts the command's own flags", () => {
    const cwd = tempDir();
    expect(() => loadLocalConfig({ args: ["--frob"], env: {}, cwd })).toThrow(ConfigError);
    expect(() => loadLocalConfig({ args: ["--port"], env: {}, cwd })).toThrow(/--port needs a value/);
    const { flags, config } = loadLocalConfig({
      args: ["--once", "--port=0"],
      env: {},
      cwd,
      booleanFlags: ["--once"],
    });
    expect(flags.has("--once")).toBe(true);
    expect(config.port).toBe(0);
  });

  it("loads the example config file, which names every setting", () => {
    const example = join(PACKAGE_ROOT, "heistwatch.config.example.json");
    const { config } = loadLocalConfig({ args: ["--config", example], env: {}, cwd: tempDir() });
    expect(config.feedsFile).toBe(join(PACKAGE_ROOT, "config", "feeds.json"));
    expect(config.webhookUrl).toBeUndefined();
    const keys = Object.keys(JSON.parse(readFileSync(example, "utf8"))).map((k) => k.replace(/^\/\//, ""));
    expect(keys).toEqual(
      expect.arrayContaining([
        "port",
        "host",
        "dataDir",
        "feedsFile",
        "intervalSeconds",
        "threshold",
        "webhookUrl",
        "allowPrivateAddresses",
        "concurrency",
        "hostGapMs",
        "shutdownGraceMs",
      ]),
    );
  });
});

describe("loadFeedsFile", () => {
  it("loads the repository's default feed list", () => {
    const feeds = loadFeedsFile(join(PACKAGE_ROOT, "config", "feeds.json"));
    expect(feeds.length).toBeGreaterThan(5);
    for (const feed of feeds) expect(feed.url).toMatch(/^https?:\/\//);
  });

  it.each([
    [{}, /feeds\.json: expected a non-empty JSON array/],
    [
      [{ id: "Bad Id", name: "x", url: "https://x.example/" }],
      /feeds\.json\[0\] \(feed 'Bad Id'\): id must be/,
    ],
    [[{ id: "a", name: "", url: "https://x.example/" }], /feeds\.json\[0\] \(feed 'a'\): name must be/],
    [
      [{ id: "a", name: "A", url: "file:///etc/passwd" }],
      /feeds\.json\[0\] \(feed 'a'\): url must be an http\(s\) URL/,
    ],
    [
      [{ id: "a", name: "A", url: "https://x.example/", tiers: "x" }],
      /feeds\.json\[0\] \(feed 'a'\): unknown field 'tiers'/,
    ],
    [
      [
        { id: "a", name: "A", url: "https://x.example/" },
        { id: "a", name: "B", url: "https://y.example/" },
      ],
      /feeds\.json\[1\] \(feed 'a'\): duplicate id/,
    ],
  ])("names the bad entry: %j", (data, message) => {
    expect(() => validateFeedList(data, "feeds.json")).toThrow(message);
  });
});
