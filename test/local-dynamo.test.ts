import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import {
  DataDirError,
  ensureWritableDir,
  lockDataDir,
  startEmbeddedDynamo,
} from "../cli/local/embedded-dynamo.ts";
import { createTable } from "../lambdas/adapters/table.ts";

const tempDir = () => mkdtempSync(join(tmpdir(), "hw-dyn-"));

describe("embedded DynamoDB", () => {
  it("persists items across a close and a restart on the same data directory", async () => {
    const dir = tempDir();
    const first = await startEmbeddedDynamo(dir);
    // The table helper waits until the table is ACTIVE: dynalite activates it a moment after answering
    // CreateTable, and with the database in its own thread a PutItem can arrive within that moment.
    await createTable(first.client, "heistwatch");
    await first.client.send(
      new PutItemCommand({ TableName: "heistwatch", Item: { pk: { S: "A#1" }, v: { S: "kept" } } }),
    );
    await first.close();

    const second = await startEmbeddedDynamo(dir);
    try {
      const got = await second.client.send(
        new GetItemCommand({ TableName: "heistwatch", Key: { pk: { S: "A#1" } } }),
      );
      expect(got.Item?.v?.S).toBe("kept");
    } finally {
      await second.close();
    }
  });

  it("refuses a data directory held by another running process, naming its pid", async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(join(dir, "heistwatch.pid"), String(child.pid));
      await expect(startEmbeddedDynamo(dir)).rejects.toThrow(
        new RegExp(`in use by another heistwatch \\(pid ${child.pid}\\)`),
      );
    } finally {
      child.kill();
    }
  });

  it("takes over a stale lock left by a process that is gone", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "heistwatch.pid"), "999999999");
    const release = lockDataDir(dir);
    release();
  });

  it.skipIf(process.getuid?.() === 0)("says when the data directory is not writable", () => {
    const dir = tempDir();
    chmodSync(dir, 0o500);
    expect(() => ensureWritableDir(join(dir, "data"))).toThrow(DataDirError);
    expect(() => ensureWritableDir(join(dir, "data"))).toThrow(/is not writable \(permission denied\)/);
  });

  it("says when a file stands where the data directory should be", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "data"), "");
    expect(() => ensureWritableDir(join(dir, "data", "sub"))).toThrow(
      /is not writable \(a file is in the way\)/,
    );
  });
});
