import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const bin = new URL("../bin/heistwatch.js", import.meta.url).pathname;

function run(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
}

describe("heistwatch command", () => {
  it("lists every subcommand in --help and exits 0", () => {
    const result = run(["--help"]);
    expect(result.status).toBe(0);
    for (const name of ["classify", "eval", "explain", "parse", "start", "poll", "demo"]) {
      expect(result.stdout).toContain(`  ${name}`);
    }
  });

  it("prints its version with --version and exits 0", () => {
    const result = run(["--version"]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^heistwatch \d+\.\d+\.\d+$/);
  });

  it("rejects an unknown command with exit code 2 and says which", () => {
    const result = run(["frobnicate"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
  });
});
