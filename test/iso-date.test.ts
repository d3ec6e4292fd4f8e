import { describe, expect, it } from "vitest";
import { isoDate } from "../lambdas/core/parse/dates.ts";

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
