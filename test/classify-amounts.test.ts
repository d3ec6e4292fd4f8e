import { describe, expect, it } from "vitest";
import { findAmounts, parseNumber } from "../lambdas/core/classifier/amounts.ts";
import { classify } from "../lambdas/core/classifier/classify.ts";

const usd = (text: string) => findAmounts(text).map((a) => a.usd);

describe("stated amounts", () => {
  it.each([
    ["Hackers stole $1.5 billion in ether", 1_500_000_000],
    ["a $305M drain", 305_000_000],
    ["worth US$100 million", 100_000_000],
    ["about $63.5 million", 63_500_000],
    ["the $1,580,000 haul", 1_580_000],
    ["USD 40 million moved", 40_000_000],
    ["5 million dollars in bitcoin", 5_000_000],
    ["rund 275 Millionen US-Dollar erbeutet", 275_000_000],
    ["1,5 Mrd. Dollar gestohlen", 1_500_000_000],
    ["un robo de 10 millones de dólares", 10_000_000],
    ["1,5 milliard de dollars dérobés", 1_500_000_000],
    ["1억 달러 규모의 가상자산", 100_000_000],
    ["1억5000만 달러", 150_000_000],
    ["約1億ドル相当が流出", 100_000_000],
    ["盗取1亿美元", 100_000_000],
  ])("%s", (text, expected) => {
    expect(usd(text)).toEqual([expected]);
  });

  it("ignores numbers that are not dollar amounts", () => {
    expect(usd("342,000 ETH and 4.8 BTC in 2019; 580억원")).toEqual([]);
    expect(usd("$5 bitcoin fee")).toEqual([5]);
  });

  it("reports offsets of the amount as written", () => {
    const text = "CoinEx lost $54 million on Tuesday";
    const [amount] = findAmounts(text);
    expect(text.slice(amount!.start, amount!.end)).toBe("$54 million");
  });

  it("parses thousands separators and decimal commas", () => {
    expect(parseNumber("1,234,567")).toBe(1234567);
    expect(parseNumber("1.234.567")).toBe(1234567);
    expect(parseNumber("1,5")).toBe(1.5);
    expect(parseNumber("1.234,5")).toBe(1234.5);
    expect(parseNumber("1,234.5")).toBe(1234.5);
  });

  it("reports the largest stated amount as amountUsd", () => {
    const c = classify({
      title: "UN report: North Korea stole more crypto in 2022 than in any other year",
      summary: "Monitors cite estimates from $630 million to more than $1 billion stolen from exchanges.",
    });
    expect(c.amountUsd).toBe(1_000_000_000);
    expect(c.matched.filter((m) => m.group === "amount").map((m) => m.text)).toEqual([
      "$630 million",
      "$1 billion",
    ]);
  });
});
