/**
 * The text policy (lambdas/core/text/): one home for what characters feed text may keep per
 * channel, code-point-safe truncation, money formatting and safe links.
 */
import { describe, expect, it } from "vitest";
import { oneLine, plainText, removeLoneSurrogates } from "../lambdas/core/text/characters.ts";
import { displayText } from "../lambdas/core/text/display.ts";
import { MAX_LINK_LENGTH, safeHttpUrl } from "../lambdas/core/text/links.ts";
import { formatUsd } from "../lambdas/core/text/money.ts";
import { codePointLength, truncate } from "../lambdas/core/text/truncate.ts";

describe("characters per channel", () => {
  it("plainText keeps tab, LF, CR and every real character; drops controls, lone surrogates, U+FFFE/U+FFFF", () => {
    expect(plainText("a\tb\nc\rd")).toBe("a\tb\nc\rd");
    expect(plainText("x\u0000\u001b[2J\u009b\u007f\uFFFE\uFFFFy")).toBe("x[2Jy");
    expect(plainText("\uD800ok\uDC00 💰 👨‍👩‍👧")).toBe("ok 💰 👨‍👩‍👧");
  });

  it("oneLine spaces controls and breaks, drops bidi and zero-width characters, keeps ZWJ/ZWNJ", () => {
    expect(oneLine("  a\r\n b\u0007c\u2028d  ")).toBe("a b c d");
    expect(oneLine("pay\u202Egpj.exe\u202C \u2066x\u2069 y\u200Bz \u200Ew\u061C")).toBe("paygpj.exe x yz w");
    expect(oneLine("👨‍👩‍👧 می‌خواهم")).toBe("👨‍👩‍👧 می‌خواهم");
  });

  it("removeLoneSurrogates leaves pairs alone", () => {
    expect(removeLoneSurrogates("\uDBFF💰\uDC00")).toBe("💰");
  });
});

describe("truncate", () => {
  it("counts code points, so an emoji is one", () => {
    expect(codePointLength("a💰b")).toBe(3);
    expect(truncate("💰💰💰", 3)).toBe("💰💰💰");
    expect(truncate("💰💰💰💰", 3)).toBe("💰💰…");
  });

  it("never splits a surrogate pair, a letter from its accent, or an emoji sequence", () => {
    expect(truncate(`${"a".repeat(5)}e\u0301xyz`, 7)).toBe("aaaaa…");
    expect(truncate("ab👨‍👩‍👧cd", 4)).toBe("ab…");
    expect(truncate("💰".repeat(10), 6)).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it("cuts at a word near the end when asked, with any ellipsis", () => {
    expect(truncate("lazarus group drains the bridge", 24, { atWord: true })).toBe("lazarus group drains…");
    expect(truncate("lazarus group drains the bridge", 20, { atWord: true })).toBe("lazarus group drain…");
    expect(truncate("abcdef", 5, { ellipsis: "..." })).toBe("ab...");
    expect(truncate("abcdef", 3, { ellipsis: "" })).toBe("abc");
  });

  it("displayText is one line, controls removed, capped", () => {
    expect(displayText("  a\n\n b\u0000c \u202E ", 100)).toBe("a bc");
    expect(codePointLength(displayText("word ".repeat(1000), 50))).toBeLessThanOrEqual(50);
    expect(displayText(null, 10)).toBe("");
  });
});

describe("formatUsd", () => {
  it("has one rounding, in a short and a long style", () => {
    expect(formatUsd(1_460_000_000)).toBe("$1.5B");
    expect(formatUsd(1_460_000_000, "long")).toBe("$1.5 billion");
    expect(formatUsd(275_000_000, "long")).toBe("$275 million");
    expect(formatUsd(999_950_000, "long")).toBe("$1 billion");
    expect(formatUsd(900_000)).toBe("$900K");
    expect(formatUsd(900_000, "long")).toBe("$900,000");
    expect(formatUsd(1_460_000_000, "exact")).toBe("$1,460,000,000");
    for (const nothing of [null, undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatUsd(nothing)).toBeNull();
    }
  });
});

describe("safeHttpUrl", () => {
  it("is the one rule for links: absolute http(s), no credentials, not absurdly long", () => {
    expect(safeHttpUrl(" https://Example.com/a ")).toBe("https://example.com/a");
    expect(safeHttpUrl("https://user:pw@example.com/")).toBeNull();
    expect(safeHttpUrl("javascript:alert(1)")).toBeNull();
    expect(safeHttpUrl(`https://example.com/${"a".repeat(MAX_LINK_LENGTH)}`)).toBeNull();
  });
});
