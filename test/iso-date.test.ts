import { describe, expect, it } from "vitest";
import { isoDate, parseFeedDate, parseFeedDateGeneral } from "../lambdas/core/parse/dates.ts";

describe("isoDate", () => {
  it("gives toISOString's text at calendar edges", () => {
    const edges = [
      0,
      1,
      999,
      Date.UTC(1972, 1, 29, 23, 59, 59, 999),
      Date.UTC(2000, 1, 29),
      Date.UTC(2000, 2, 1),
      Date.UTC(2100, 1, 28, 12),
      Date.UTC(2100, 2, 1),
      Date.UTC(2026, 11, 31, 23, 59, 59, 10),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      -1,
      Date.UTC(1969, 11, 31, 23, 59, 59),
      1.5,
    ];
    for (const ms of edges) expect(isoDate(ms), String(ms)).toBe(new Date(ms).toISOString());
  });

  it("gives toISOString's text for 100,000 instants spread over 1970 to 9999", () => {
    // A fixed linear congruential sequence: the same instants on every run.
    let seed = 12_345;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 100_000; i++) {
      const ms = Math.floor(next() * 253_402_300_800_000) + Math.floor(next() * 86_400_000);
      const expected = new Date(ms).toISOString();
      if (isoDate(ms) !== expected) expect(isoDate(ms), String(ms)).toBe(expected);
    }
  });
});

describe("parseFeedDate's common shapes", () => {
  it("read as the general parser reads them, weekday and range slips included", () => {
    const days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const pad = (n: number, width = 2) => String(n).padStart(width, "0");
    let seed = 99;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const samples: string[] = [
      "Thu, 01 Jan 2026 00:00:00 GMT",
      "2026-01-01T00:00:00Z",
      "2026-01-01T00:00:00.123Z",
    ];
    for (let i = 0; i < 20_000; i++) {
      const ms = next(2 ** 30) * 4000;
      samples.push(
        new Date(ms).toUTCString(),
        new Date(ms).toISOString(),
        new Date(ms).toISOString().replace(/\.\d+/, ""),
      );
      // Fields out of range and weekdays that do not match the date.
      const y = 1900 + next(200);
      const fields = [pad(next(33)), pad(next(26)), pad(next(62)), pad(next(62))];
      samples.push(
        `${days[next(7)]}, ${fields[0]} ${months[next(12)]} ${y} ${fields[1]}:${fields[2]}:${fields[3]} GMT`,
      );
      samples.push(`${y}-${pad(next(14))}-${fields[0]}T${fields[1]}:${fields[2]}:${fields[3]}Z`);
    }
    for (const sample of samples) {
      const general = parseFeedDateGeneral(sample);
      if (parseFeedDate(sample) !== general) expect(parseFeedDate(sample), sample).toBe(general);
    }
  });
});
