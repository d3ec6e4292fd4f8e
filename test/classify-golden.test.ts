/**
 * Golden fixtures for the scorer (issue 10): each test/fixtures/golden/classify/NAME.input.json is
 * explained, and the whole Explanation (score, raw points, scale, threshold, severity, amount,
 * every matched term with its points and offsets, the reasons) must equal NAME.expected.json.
 * After a deliberate rules change, regenerate with `UPDATE_GOLDEN=1 npx vitest run
 * test/classify-golden.test.ts` and review the diff like code.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type ClassifyInput, explainClassification } from "../lambdas/core/classifier/classify.ts";

const DIR = fileURLToPath(new URL("./fixtures/golden/classify/", import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const names = readdirSync(DIR)
  .filter((f) => f.endsWith(".input.json"))
  .map((f) => f.slice(0, -".input.json".length))
  .sort();

describe("classifier golden fixtures", () => {
  it("has inputs to compare", () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
  });

  for (const name of names) {
    it(name, () => {
      const input = JSON.parse(readFileSync(`${DIR}${name}.input.json`, "utf8")) as ClassifyInput;
      const actual = explainClassification(input);
      const expectedPath = `${DIR}${name}.expected.json`;
      if (UPDATE) writeFileSync(expectedPath, `${JSON.stringify(actual, null, 2)}\n`);
      const expected: unknown = JSON.parse(readFileSync(expectedPath, "utf8"));
      expect(JSON.parse(JSON.stringify(actual))).toEqual(expected);
    });
  }
});
