import { describe, expect, it } from "vitest";
import { escapeHtml, escapeXml, safeJsonStringify } from "../lambdas/core/publish/escape.ts";
import { plainText as removeControlCharacters } from "../lambdas/core/text/characters.ts";
import { displayText } from "../lambdas/core/text/display.ts";
import { safeHttpUrl } from "../lambdas/core/text/links.ts";
import { formatUsd } from "../lambdas/core/text/money.ts";

describe("escapeHtml / escapeXml", () => {
  it("turns markup characters into entities, both quotes included", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
    expect(escapeXml("a ]]> b")).toBe("a ]]&gt; b");
  });

  it("drops characters XML 1.0 forbids and invisible controls but keeps tab, newline and emoji", () => {
    expect(removeControlCharacters("a\u0000b\u0008c\u000Bd\u001Fe\u007Ff\u0085g\uFFFEh")).toBe("abcdefgh");
    expect(removeControlCharacters("tab\there\nnew\rline")).toBe("tab\there\nnew\rline");
    expect(removeControlCharacters("lone \uD800 high, lone \uDC00 low, pair 💰")).toBe(
      "lone  high, lone  low, pair 💰",
    );
  });
});

describe("safeHttpUrl", () => {
  it.each([
    ["https://example.com/a?b=1", "https://example.com/a?b=1"],
    ["  http://example.com  ", "http://example.com/"],
    ["HTTPS://EXAMPLE.com/X", "https://example.com/X"],
  ])("keeps %j", (input, expected) => {
    expect(safeHttpUrl(input)).toBe(expected);
  });

  it.each([
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>x</script>",
    "vbscript:msgbox",
    "//evil.example/x",
    "/relative",
    "ftp://example.com/file",
    "https://user:pass@example.com/",
    "not a url",
    "",
    null,
    undefined,
  ])("refuses %j", (input) => {
    expect(safeHttpUrl(input)).toBeNull();
  });
});

describe("displayText", () => {
  it("collapses whitespace, removes controls and caps long text with an ellipsis", () => {
    expect(displayText("  a\n\n b\u0000c  ", 100)).toBe("a bc");
    const capped = displayText("word ".repeat(50_000), 300);
    expect(capped.length).toBeLessThanOrEqual(300);
    expect(capped.endsWith("…")).toBe(true);
  });

  it("never leaves half an emoji when the cap falls inside a surrogate pair", () => {
    const text = displayText("💰".repeat(200), 101);
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe("safeJsonStringify", () => {
  it("round-trips the value while hiding markup characters from sniffers", () => {
    const value = { title: "</script><b>&\u2028" };
    const json = safeJsonStringify(value);
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe("formatUsd", () => {
  it("formats compactly and hides absent or nonsense amounts", () => {
    expect(formatUsd(1_500_000_000)).toBe("$1.5B");
    expect(formatUsd(620_000_000)).toBe("$620M");
    expect(formatUsd(null)).toBeNull();
    expect(formatUsd(0)).toBeNull();
    expect(formatUsd(Number.NaN)).toBeNull();
  });
});
