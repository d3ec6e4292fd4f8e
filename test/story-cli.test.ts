import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "hw-cli-stories-"));

// In-process (the spawned smoke test of the binary is in cli.test.ts).
const run = (args: string[]) => runCli(args);

// Invented incidents: two outlets and a follow-up on one exchange, and another heist the same week.
const lines = [
  {
    id: "t1",
    source: "Outlet A",
    published: "2025-03-03T08:00:00Z",
    title: "Hackers drain $48 million from Quillon exchange; Lazarus Group suspected",
    summary: "<p>Quillon halted withdrawals after its hot wallets were emptied overnight.</p>",
    label: 1,
  },
  {
    id: "t2",
    source: "Outlet B",
    published: "2025-03-03T10:30:00Z",
    title: "Quillon confirms $48M hot wallet theft, North Korean hackers suspected",
    summary: "The exchange said balances will be covered after the attack tied to the Lazarus Group.",
    label: 1,
    dup_of: "t1",
  },
  {
    id: "t3",
    source: "Outlet C",
    published: "2025-03-08T15:00:00Z",
    title: "FBI confirms North Korea's Lazarus Group behind $48 million Quillon exchange hack",
    summary: "The bureau attributed the theft from the Quillon exchange to the DPRK.",
    label: 1,
  },
  {
    id: "t4",
    source: "Outlet D",
    published: "2025-03-09T09:00:00Z",
    title: "Lazarus Group hackers steal $12 million from Brightmoor bridge",
    summary: "The Brightmoor bridge was drained in a separate attack tied to North Korea's Lazarus Group.",
    label: 1,
  },
];

describe("heistwatch stories", () => {
  it("prints each story with why each member joined, and the pair recall", async () => {
    const file = join(dir, "incidents.jsonl");
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`);
    const result = await run(["stories", file, "--flagged", "label"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${file}: 4 articles in 2 stories`);
    expect(result.stdout).toMatch(/story t1 \(3 articles\)/);
    expect(result.stdout).toMatch(
      /t2 {2}\[Outlet B\].*\n {6}joined: identity match; victim quillon; amounts agree;/,
    );
    expect(result.stdout).toMatch(
      /t3 {2}\[Outlet C\].*\n {6}joined: identity match; victim quillon;.* 127 h apart/,
    );
    expect(result.stdout).toContain("1 stories with one article");
    expect(result.stdout).toContain("pairs (dup_of): 1 of 1 in one story (100.0%)");
    // t3 is a follow-up with no dup_of link: by the links alone it is another event.
    expect(result.stdout).toContain("mixed: story t1 holds events t1, t3");

    const json = JSON.parse((await run(["stories", file, "--flagged", "label", "--json"])).stdout) as {
      stories: { id: string; members: { id: string; joined: { rule: string } | null }[] }[];
      score: { pairs: number; together: number };
    };
    expect(json.stories.map((story) => story.members.map((member) => member.id))).toEqual([
      ["t1", "t2", "t3"],
      ["t4"],
    ]);
    expect(json.stories[0]!.members.map((member) => member.joined?.rule ?? null)).toEqual([
      null,
      "identity",
      "identity",
    ]);
    expect(json.score).toMatchObject({ pairs: 1, together: 1 });
  });

  it("names a bad line and goes on, and refuses bad options", async () => {
    const file = join(dir, "bad.jsonl");
    writeFileSync(
      file,
      `${JSON.stringify(lines[0])}\n{"id":"x","title":"t","published":"yesterday"}\nnot json\n`,
    );
    const result = await run(["stories", file, "--flagged", "all"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${file}: line 2: "published" must be an ISO 8601 date`);
    expect(result.stderr).toContain(`${file}: line 3: not valid JSON`);
    expect(result.stdout).toContain("1 articles in 1 stories");
    const option = await run(["stories", file, "--flagged", "some"]);
    expect(option.status).toBe(2);
    expect(option.stderr).toContain('--flagged must be classifier, label or all, got "some"');
    expect((await run(["stories", file, "--window", "0"])).stderr).toContain(
      "--window must be a positive number of hours",
    );
  });
});
