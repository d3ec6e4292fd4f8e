import { describe, expect, it } from "vitest";
import defaultFeeds from "../../config/feeds.json" with { type: "json" };
import { PROJECT_ROOT } from "../../infra/app.ts";
import { ConfigError, parseConfig, severitiesAtLeast } from "../../infra/config.ts";

function parse(context: Record<string, unknown>) {
  return parseConfig((key) => context[key], { baseDir: PROJECT_ROOT });
}

function problemsOf(context: Record<string, unknown>): string[] {
  try {
    parse(context);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("defaults to the shipped feed list, a 5-minute schedule, SMS off and a retained, protected table", () => {
    const config = parse({});
    expect(config.feeds).toEqual(defaultFeeds);
    expect(config.feeds.length).toBeGreaterThanOrEqual(12);
    expect(config.schedule).toBe("rate(5 minutes)");
    expect(config.smsEnabled).toBe(false);
    expect(config.alertEmails).toEqual([]);
    expect(config.tableRemovalPolicy).toBe("retain");
    expect(config.tableDeletionProtection).toBe(true);
    expect(config.minAlertScore).toBeUndefined();
    expect(config.smsMinSeverity).toBe("high");
  });

  it("defaults to the cheap settings: AWS-managed topic key, no X-Ray, a $2 budget, 30 feeds per poll", () => {
    const config = parse({});
    expect(config.topicEncryption).toBe("aws-managed");
    expect(config.xray).toBe(false);
    expect(config.budgetUsd).toBe(2);
    expect(config.pollBatchSize).toBe(30);
    expect(config.smsSpendLimitUsd).toBe(1);
    // The SMS alarm fires before AWS stops sending at the limit.
    expect(config.smsSpendAlarmUsd).toBe(0.8);
    expect(parse({ smsSpendLimitUsd: "10" }).smsSpendAlarmUsd).toBe(8);
    expect(parse({ topicEncryption: "customer", xray: "true", budgetUsd: "0" })).toMatchObject({
      topicEncryption: "customer",
      xray: true,
      budgetUsd: 0,
    });
  });

  it("parses `-c key=value` strings: lists, booleans, numbers", () => {
    const config = parse({
      alertEmails: "ops@example.org, reader@example.com",
      alertPhones: "+15551234567",
      smsEnabled: "true",
      minAlertScore: "55",
      storyWindowHours: "336",
      logRetentionDays: "90",
      apiThrottleRate: "5",
      apiThrottleBurst: "10",
      tableRemovalPolicy: "destroy",
      tableDeletionProtection: "false",
      schedule: "rate(1 hour)",
    });
    expect(config.alertEmails).toEqual([{ address: "ops@example.org" }, { address: "reader@example.com" }]);
    expect(config.alertPhones).toEqual([{ address: "+15551234567" }]);
    expect(config.smsEnabled).toBe(true);
    expect(config.minAlertScore).toBe(55);
    expect(config.storyWindowHours).toBe(336);
    expect(problemsOf({ storyWindowHours: "0" })[0]).toMatch(
      /^storyWindowHours: expected a number from 1 to 8760/,
    );
    expect(config.logRetentionDays).toBe(90);
    expect(config.apiThrottleRate).toBe(5);
    expect(config.tableRemovalPolicy).toBe("destroy");
    expect(config.schedule).toBe("rate(1 hour)");
  });

  it("accepts JSON values, as cdk.json or -c with JSON text gives them", () => {
    const subscribers = [
      { address: "a@example.org", minSeverity: "medium", actors: ["Lazarus Group"], minScore: 60 },
    ];
    const fromJson = parse({ alertEmails: subscribers, smsEnabled: true, feeds: defaultFeeds.slice(0, 2) });
    const fromText = parse({
      alertEmails: JSON.stringify(subscribers),
      feeds: JSON.stringify(defaultFeeds.slice(0, 2)),
    });
    expect(fromJson.alertEmails).toEqual(subscribers);
    expect(fromText.alertEmails).toEqual(subscribers);
    expect(fromText.feeds).toHaveLength(2);
  });

  it("reads feeds from a JSON file path", () => {
    expect(parse({ feeds: "config/feeds.json" }).feeds).toEqual(defaultFeeds);
    expect(problemsOf({ feeds: "config/no-such-file.json" })[0]).toMatch(
      /^feeds \(.*no-such-file\.json\): cannot read/,
    );
  });

  it("names the key (and the feed) of every bad value, all at once", () => {
    const problems = problemsOf({
      schedule: "every 5 minutes",
      logRetentionDays: "42",
      smsMinSeverity: "urgent",
      alertEmails: "not-an-email",
      minAlertScore: "lots",
      feeds: [
        { id: "ok-feed", name: "OK", url: "https://example.org/feed" },
        { id: "Bad Id", name: "x", url: "https://example.org/x" },
        { id: "ftp-feed", name: "FTP", url: "ftp://example.org/feed" },
        { id: "ok-feed", name: "Again", url: "https://example.org/again" },
      ],
    });
    expect(problems).toEqual([
      expect.stringMatching(/^feeds\[1\] \(feed 'Bad Id'\): id must be/),
      expect.stringMatching(/^feeds\[2\] \(feed 'ftp-feed'\): url must be an http\(s\) URL/),
      expect.stringMatching(/^feeds\[3\] \(feed 'ok-feed'\): duplicate id/),
      expect.stringMatching(/^alertEmails\[0\]: expected an email address, got 'not-an-email'/),
      expect.stringMatching(/^minAlertScore: expected a number/),
      expect.stringMatching(/^smsMinSeverity: expected one of low, medium, high, got 'urgent'/),
      expect.stringMatching(/^schedule: expected rate/),
      expect.stringMatching(/^logRetentionDays: CloudWatch Logs accepts only/),
    ]);
  });

  it("refuses phone subscribers unless SMS is explicitly enabled", () => {
    expect(problemsOf({ alertPhones: "+15551234567" })).toEqual([
      expect.stringMatching(/^alertPhones: .*smsEnabled/),
    ]);
    expect(problemsOf({ alertPhones: "555-1234", smsEnabled: "true" })[0]).toMatch(
      /^alertPhones\[0\]: expected an E\.164/,
    );
  });

  it("refuses combinations that would fail at deploy or teardown time", () => {
    expect(problemsOf({ tableRemovalPolicy: "destroy" })).toEqual([
      expect.stringMatching(/^tableRemovalPolicy: .*tableDeletionProtection=false/),
    ]);
    expect(problemsOf({ tableRemovalPolicy: "snapshot" })[0]).toMatch(/^tableRemovalPolicy: 'snapshot'/);
    expect(problemsOf({ apiThrottleRate: "50", apiThrottleBurst: "10" })[0]).toMatch(/^apiThrottleBurst:/);
    expect(problemsOf({ smsSpendAlarmUsd: "1" })[0]).toMatch(
      /^smsSpendAlarmUsd: 1 is not below smsSpendLimitUsd 1/,
    );
    expect(problemsOf({ topicEncryption: "kms" })[0]).toMatch(
      /^topicEncryption: expected one of aws-managed, customer/,
    );
    expect(problemsOf({ budgetUsd: "-1" })[0]).toMatch(/^budgetUsd:/);
    expect(problemsOf({ schedule: "rate(5 minute)" })[0]).toMatch(/^schedule:/);
    expect(problemsOf({ alertEmails: [{ address: "a@example.org", severity: "high" }] })[0]).toMatch(
      /^alertEmails\[0\]: unknown field\(s\) severity/,
    );
  });

  it("maps a minimum severity to the SNS allow-list", () => {
    expect(severitiesAtLeast("low")).toEqual(["low", "medium", "high"]);
    expect(severitiesAtLeast("medium")).toEqual(["medium", "high"]);
    expect(severitiesAtLeast("high")).toEqual(["high"]);
  });
});
