/**
 * Issue 14: a corrupted embedded database (its files overwritten) made the CLI die with an
 * uncaught "Database is closed" and a stack trace from inside dynalite's HTTP handler, leaving
 * its lock file behind. Now it is one clear line naming the data dir and how to move the
 * damaged store aside, exit code 1, and the lock released.
 */
import { existsSync, mkdtempSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEmbeddedDynamo } from "../cli/local/embedded-dynamo.ts";
import { runLocal } from "../cli/local/run-local.ts";
import { createTable } from "../lambdas/adapters/table.ts";

async function damagedDataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "hw-damaged-"));
  const dynamo = await startEmbeddedDynamo(dir);
  await createTable(dynamo.client, "heistwatch");
  await dynamo.close();
  const db = join(dir, "dynamodb");
  for (const name of readdirSync(db)) {
    if (statSync(join(db, name)).isFile()) writeFileSync(join(db, name), "not a database ".repeat(64));
  }
  return dir;
}

describe("a damaged embedded database", () => {
  it("is one clear line naming the data dir and how to move it aside, exit 1, lock released", async () => {
    const dir = await damagedDataDir();
    const out: string[] = [];
    const err: string[] = [];
    const code = await runLocal("poll", {
      args: ["--once", "--data-dir", dir],
      env: {},
      cwd: dir,
      output: { out: (t) => out.push(t), err: (t) => err.push(t) },
    });
    expect(code).toBe(1);
    const lines = err.join("\n").trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(join(dir, "dynamodb"));
    expect(lines[0]).toMatch(/cannot be opened .*move it aside: mv "/);
    expect(lines[0]).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, "heistwatch.pid"))).toBe(false);

    // The documented way out works: move the store aside and start fresh.
    const aside = /mv "[^"]+" "([^"]+)"/.exec(lines[0]!)![1]!;
    renameSync(join(dir, "dynamodb"), aside);
    const fresh = await startEmbeddedDynamo(dir);
    await createTable(fresh.client, "heistwatch");
    await fresh.close();
    expect(existsSync(aside)).toBe(true);
  });
});
