import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/run-cli.ts";
import { DEFAULT_RULES } from "../lambdas/core/classifier/classify.ts";

/** A rules document as a hand-edited file might hold it: any field can be wrong. */
type LooseRules = {
  version?: unknown;
  scoring: Record<string, unknown>;
  groups: Record<string, { role: unknown; entries: Record<string, unknown>[] }>;
};

const corpus = new URL("./fixtures/dev-articles.jsonl", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "hw-cli-classify-"));

const run = (args: string[], input?: string) => runCli(args, input);

const heist = {
  id: "a1",
  title: "Lazarus stole $100 million from a crypto bridge, FBI says",
  summary: "<p>Funds were laundered.</p>",
};
const quiet = { id: 7, title: "Bitcoin climbs to a new record", extra: "ignored" };

describe("heistwatch classify", () => {
  it("prints one JSON line per input line, in order, with the documented fields", async () => {
    const result = await run(["classify"], `${JSON.stringify(heist)}\n\n${JSON.stringify(quiet)}\n`);
    expect(result.status).toBe(0);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["a1", 7]);
    expect(Object.keys(lines[0])).toEqual([
      "id",
      "score",
      "rawScore",
      "scoreScale",
      "threshold",
      "flagged",
      "severity",
      "actors",
      "amountUsd",
      "attribution",
      "language",
      "matched",
    ]);
    expect(lines[0]).toMatchObject({
      flagged: true,
      actors: ["Lazarus Group"],
      amountUsd: 100_000_000,
      attribution: "confirmed",
    });
    expect(lines[1]).toMatchObject({ flagged: false, actors: [], amountUsd: null, attribution: null });
  });

  it("reports a bad line by number on stderr, still writes the good lines, and exits 1", async () => {
    const input = [
      JSON.stringify(heist),
      "{not json",
      JSON.stringify({ id: "x" }),
      JSON.stringify(quiet),
    ].join("\n");
    const result = await run(["classify"], input);
    expect(result.status).toBe(1);
    expect(
      result.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toEqual(["a1", 7]);
    expect(result.stderr).toContain("line 2: not valid JSON");
    expect(result.stderr).toContain('line 3: missing "title"');
  });

  it("reads a FILE and honours --threshold", async () => {
    const file = join(dir, "articles.jsonl");
    writeFileSync(file, `${JSON.stringify(heist)}\n`);
    const result = await run(["classify", file, "--threshold", "80"]);
    expect(result.status).toBe(0);
    const out = JSON.parse(result.stdout);
    // Bounded score (issue 12): strong evidence ranks high but never reaches 100.
    expect(out.score).toBeGreaterThanOrEqual(80);
    expect(out.score).toBeLessThan(100);
    expect(out.flagged).toBe(true);
    expect(out.threshold).toBe(80);
    const strict = JSON.parse((await run(["classify", file, "--threshold", "100"])).stdout);
    expect(strict.flagged).toBe(false);
    expect(strict.score).toBe(out.score);
  });

  it("uses --rules FILE and names the bad field of an invalid one", async () => {
    const tuned = structuredClone(DEFAULT_RULES) as unknown as LooseRules;
    tuned.groups.actor!.entries[1]!.weight = 0; // bare "Lazarus" no longer counts
    tuned.groups.state!.entries[0]!.weight = 0;
    const rulesFile = join(dir, "rules.json");
    writeFileSync(rulesFile, JSON.stringify(tuned));
    const out = JSON.parse((await run(["classify", "--rules", rulesFile], JSON.stringify(heist))).stdout);
    expect(out.flagged).toBe(false);

    tuned.groups.theft!.entries[0]!.weight = "lots";
    writeFileSync(rulesFile, JSON.stringify(tuned));
    const bad = await run(["classify", "--rules", rulesFile], JSON.stringify(heist));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("groups.theft.entries[0].weight: expected a number");
  });

  it("exits 2 with usage on bad options, 1 when the input file cannot be read", async () => {
    for (const args of [
      ["classify", "--threshold", "abc"],
      ["classify", "--nope"],
    ]) {
      const result = await run(args, "");
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/threshold|Unknown option/);
    }
    const missing = await run(["classify", join(dir, "missing.jsonl")], "");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*missing\.jsonl: ENOENT/);
  });
});

describe("heistwatch eval", () => {
  it("reports precision, recall, F1 and the confusion matrix of the dev corpus", async () => {
    const result = await run(["eval", corpus]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/precision \d\.\d{3} {3}recall \d\.\d{3} {3}F1 \d\.\d{3}/);
    expect(result.stdout).toContain("label 1");
    expect(result.stdout).toContain("misclassified:");
  });

  it("prints a machine-readable summary with --json, listing misclassified items with their terms", async () => {
    const file = join(dir, "labelled.jsonl");
    const lines = [
      { ...heist, label: 1 },
      { ...quiet, label: 0 },
      { id: "miss", title: "Lazarus opened the door at a payments firm", label: 1 },
      { id: "fp", title: "North Korean hackers stole $5 million from a bank", label: 0 },
    ];
    writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
    const result = await run(["eval", file, "--json"]);
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.confusion).toEqual({ tp: 1, fp: 1, fn: 1, tn: 1 });
    expect(summary.precision).toBe(0.5);
    expect(summary.recall).toBe(0.5);
    expect(summary.misclassified.map((m: { id: string }) => m.id)).toEqual(["fp", "miss"]);
    expect(summary.misclassified[1].matched[0]).toMatchObject({ group: "actor", text: "Lazarus" });
    expect((await run(["eval", file, "--fail-under", "0.9"])).status).toBe(1);
  });

  it("rejects a line without a 0/1 label, naming it", async () => {
    const result = await run(["eval", "-"], `${JSON.stringify({ id: 1, title: "x", label: "yes" })}\n`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('line 1: "label" must be 0 or 1');
  });

  it("exits 2 without a FILE", async () => {
    expect((await run(["eval"])).status).toBe(2);
  });
});

describe("heistwatch explain", () => {
  it("explains each term with group, points, field and where it stood, and why it was flagged", async () => {
    const result = await run([
      "explain",
      "--title",
      "Lazarus stole $100 million from a bridge",
      "--summary",
      "FBI says.",
    ]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("FLAGGED");
    expect(result.stdout).toMatch(/title\s+actor\s+\+\d+\s+"lazarus" at 0-7: \[Lazarus\] stole/);
    expect(result.stdout).toMatch(/summary\s+authority\s+\+\d+\s+"fbi" at 0-3/);
    expect(result.stdout).toMatch(/flagged: score \d+ >= threshold 50/);
    expect(result.stdout).toMatch(/raw \d+(\.\d)? points, scale 72, threshold 50/);
    expect(result.stdout).toContain("proximity");
  });

  it("reads a JSON line from stdin or as an argument and says why it was not flagged", async () => {
    const line = JSON.stringify({ title: "Lazarus Chakwera sworn in as president" });
    for (const result of [await run(["explain"], `${line}\n`), await run(["explain", line])]) {
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("not flagged: a flag needs both actor and theft evidence");
      expect(result.stdout).toContain('"sworn in" (namesake)');
    }
  });

  it("exits 2 on conflicting input and 1 on a bad JSON line", async () => {
    expect((await run(["explain", "{}", "--title", "x"])).status).toBe(2);
    const bad = await run(["explain", "{oops"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("line 1: not valid JSON");
  });
});
