/**
 * `heistwatch cost`: the line-by-line estimate from config/prices.json, how it follows the
 * configuration, and clear errors for bad settings or a bad price file. (That the default template
 * agrees with the model is test/infra/defaults.test.ts.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { command, loadPriceBook } from "../../cli/commands/cost.ts";
import { PROJECT_ROOT } from "../../infra/app.ts";
import { alarmNames, estimateMonthlyCost, type CostInputs } from "../../infra/cost.ts";
import { cyclesPerDay } from "../../infra/sizing.ts";
import { feedFailurePeriod } from "../../infra/stack.ts";

const book = loadPriceBook(join(PROJECT_ROOT, "config", "prices.json"));
let out: string[];
let err: string[];

beforeEach(() => {
  out = [];
  err = [];
  vi.spyOn(console, "log").mockImplementation((text: string) => void out.push(text));
  vi.spyOn(console, "error").mockImplementation((text: string) => void err.push(text));
});
afterEach(() => {
  vi.restoreAllMocks();
});

const defaults: CostInputs = {
  feedCount: 20,
  schedule: "rate(5 minutes)",
  pollBatchSize: 20,
  smsEnabled: false,
  xray: false,
  topicEncryption: "aws-managed",
  budgetUsd: 2,
  logRetentionDays: 30,
  alertEmails: [],
};

describe("heistwatch cost", () => {
  it("prints each billed part and a total of at most $0.50 for 20 feeds every 5 minutes", async () => {
    expect(await command.run(["--feeds", "20"])).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(
      /^heistwatch monthly cost: 20 feeds, rate\(5 minutes\), us-east-1 list prices of \d{4}-\d{2}-\d{2}/,
    );
    for (const item of [
      "Lambda compute, poll",
      "DynamoDB reads",
      "CloudWatch alarms",
      "X-Ray",
      "KMS",
      "AWS Budgets",
    ]) {
      expect(text).toContain(item);
    }
    const total = Number(/^total\s+\$(\d+\.\d+)/m.exec(text)![1]);
    expect(total).toBeGreaterThan(0.1);
    expect(total).toBeLessThanOrEqual(0.5);
  });

  it("keeps the bundled feed list at the defaults under $0.50 too, in one poll invocation a cycle", async () => {
    expect(await command.run(["--json"])).toBe(0);
    const estimate = JSON.parse(out.join("\n")) as {
      totalUsd: number;
      lines: { item: string; arithmetic: string }[];
    };
    expect(estimate.totalUsd).toBeLessThanOrEqual(0.5);
    const requests = estimate.lines.find((line) => line.item === "Lambda requests");
    expect(requests?.arithmetic).toContain("(1 schedule + 1 poll)");
  });

  it("follows the settings: X-Ray, a customer key and SMS each add their charge", async () => {
    expect(await command.run(["--feeds", "20", "--json"])).toBe(0);
    const base = JSON.parse(out.pop()!);
    expect(
      await command.run([
        "--feeds",
        "20",
        "--json",
        "-c",
        "xray=true",
        "-c",
        "topicEncryption=customer",
        "-c",
        "smsEnabled=true",
      ]),
    ).toBe(0);
    const wide = JSON.parse(out.pop()!);
    const usd = (estimate: { lines: { item: string; usd: number }[] }, item: string) =>
      estimate.lines.find((line) => line.item === item)!.usd;
    expect(usd(base, "X-Ray")).toBe(0);
    expect(usd(wide, "X-Ray")).toBeGreaterThan(0.1);
    expect(usd(base, "KMS")).toBe(0);
    expect(usd(wide, "KMS")).toBeGreaterThanOrEqual(1);
    expect(usd(wide, "CloudWatch alarms") - usd(base, "CloudWatch alarms")).toBeCloseTo(0.1);
    expect(wide.resources).toMatchObject({ alarms: 4, kmsKeys: 1, tracing: true });
  });

  it("scales the per-cycle lines with the schedule and the invocations with the batch size", () => {
    const every5 = estimateMonthlyCost(defaults, book);
    const every15 = estimateMonthlyCost({ ...defaults, schedule: "rate(15 minutes)" }, book);
    const line = (e: typeof every5, item: string) => e.lines.find((l) => l.item === item)!.usd;
    expect(line(every15, "Lambda compute, poll")).toBeCloseTo(line(every5, "Lambda compute, poll") / 3, 6);
    expect(line(every15, "CloudWatch alarms")).toBe(line(every5, "CloudWatch alarms"));
    const small = estimateMonthlyCost({ ...defaults, pollBatchSize: 5 }, book);
    expect(small.lines.find((l) => l.item === "Lambda requests")!.arithmetic).toContain(
      "(1 schedule + 4 poll)",
    );
    expect(alarmNames({ smsEnabled: false })).toHaveLength(3);
  });

  it("gives the feed-failing alarm a period of three schedule cycles, from 5 minutes to a day", () => {
    expect(feedFailurePeriod("rate(5 minutes)").toMinutes()).toBe(15);
    expect(feedFailurePeriod("rate(1 hour)").toMinutes()).toBe(180);
    expect(feedFailurePeriod("rate(1 minute)").toMinutes()).toBe(5);
    expect(feedFailurePeriod("rate(1 day)").toMinutes()).toBe(1440);
  });

  it("counts cron cycles from the minute and hour fields", () => {
    expect(cyclesPerDay("rate(5 minutes)")).toBe(288);
    expect(cyclesPerDay("rate(1 hour)")).toBe(24);
    expect(cyclesPerDay("cron(0/10 * * * ? *)")).toBe(144);
    expect(cyclesPerDay("cron(0,30 8-17 ? * MON-FRI *)")).toBe(20);
  });

  it("fails with the configuration's own message naming a bad key", async () => {
    expect(await command.run(["-c", "schedule=every 5 minutes"])).toBe(2);
    expect(err.join("\n")).toMatch(/schedule: expected rate/);
    expect(await command.run(["--feeds", "zero"])).toBe(2);
    expect(err.join("\n")).toMatch(/--feeds expects a whole number/);
  });

  it("names the price file and key when a price is not a number", async () => {
    const dir = mkdtempSync(join(tmpdir(), "heistwatch-prices-"));
    const bad = JSON.parse(readFileSync(join(PROJECT_ROOT, "config", "prices.json"), "utf8"));
    bad.prices.lambdaArmGbSecond = "cheap";
    writeFileSync(join(dir, "prices.json"), JSON.stringify(bad));
    expect(await command.run(["--prices", join(dir, "prices.json")])).toBe(1);
    expect(err.join("\n")).toMatch(
      /prices\.json: prices\.lambdaArmGbSecond must be a non-negative number, got "cheap"/,
    );
  });
});
