import { describe, expect, it } from "vitest";
import { decodeEntities } from "../lambdas/core/parse/xml-entities.ts";

/** The five XML entities and numeric references, decoded the slow, obvious way. */
function reference(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

describe("decodeEntities copies runs of every length", () => {
  it("keeps short and long runs, astral characters and lone surrogates between references", () => {
    const runs = ["", "a", "x".repeat(23), "y".repeat(24), "z".repeat(25), "é😀\ud800 ".repeat(40)];
    const refs = ["&lt;", "&amp;", "&#x1F600;", "&#233;", "&quot;"];
    let text = "";
    for (let i = 0; i < 200; i++) text += runs[i % runs.length]! + refs[i % refs.length]!;
    text += "tail ".repeat(1000); // grows the shared buffer past its first size
    const at = 3;
    const wrapped = `<x>${text}</x>`;
    expect(decodeEntities(wrapped, at, at + text.length, true)).toBe(reference(text));
    // Twice: the second call reuses the grown buffer.
    expect(decodeEntities(wrapped, at, at + text.length, true)).toBe(reference(text));
  });
});
