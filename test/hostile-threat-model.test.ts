/**
 * THREAT_MODEL.md names, for every threat, the test that proves its defence. This keeps the
 * document honest: every `file › test name` it cites must exist.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const doc = readFileSync(new URL("../THREAT_MODEL.md", import.meta.url), "utf8");
const citations = [...doc.matchAll(/`(test\/[^`]+?\.test\.ts) › ([^`]+)`/g)].map((m) => ({
  file: m[1]!,
  name: m[2]!,
}));

describe("THREAT_MODEL.md", () => {
  it("cites a test for every threat row", () => {
    const rows = doc
      .split("\n")
      .filter((line) => /^\| (?!---|threat |asset )/.test(line) && line.includes("|"));
    const threatRows = rows.filter((line) => line.split("|").length >= 5);
    expect(threatRows.length).toBeGreaterThan(20);
    for (const row of threatRows) expect(row, row.slice(0, 80)).toMatch(/`test\/[^`]+\.test\.ts › /);
  });

  it("cites only tests that exist", () => {
    expect(citations.length).toBeGreaterThan(40);
    for (const { file, name } of citations) {
      const path = new URL(`../${file}`, import.meta.url);
      expect(existsSync(path), file).toBe(true);
      const source = readFileSync(path, "utf8");
      expect(
        [`"${name}"`, `'${name}'`, `\`${name}\``].some((quoted) => source.includes(quoted)),
        `${file} › ${name}`,
      ).toBe(true);
    }
  });
});
