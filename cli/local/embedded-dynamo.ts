/**
 * The embedded DynamoDB of local mode: dynalite persisting to LevelDB under the data directory,
 * listening on 127.0.0.1 from its own thread (dynalite-worker.js), reached through the ordinary
 * AWS SDK client, so the same Store code runs here as in AWS, and the database's CPU work does not
 * queue behind (or hold up) the poller's fetches and parses on the main event loop. Checks the directory is writable, not used by another heistwatch, and
 * that its database opens, before dynalite touches it: dynalite on a damaged LevelDB dies later
 * with an uncaught "Database is closed" from inside its HTTP handler and leaves the lock behind.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Level } from "level";
import { oneLine } from "../../lambdas/core/text/characters.ts";
import { truncate } from "../../lambdas/core/text/truncate.ts";

/** The data directory cannot be used (not writable, or held by another process). Systemic: exit non-zero. */
export class DataDirError extends Error {
  override name = "DataDirError";
}

export interface EmbeddedDynamo {
  endpoint: string;
  client: DynamoDBClient;
  /** Stops the server and closes LevelDB (flushing it), then releases the directory lock. */
  close(): Promise<void>;
}

/** The stored database cannot be opened (damaged files, not a LevelDB). The message says how to move it aside. */
export class StoreDamagedError extends DataDirError {
  override name = "StoreDamagedError";
}

const LOCK_FILE = "heistwatch.pid";
const DB_DIR = "dynamodb";

/**
 * Makes sure `dataDir` exists and is writable, with a clear error naming the directory and the
 * reason (permission denied, read-only file system, a file in the way...).
 */
export function ensureWritableDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
    const probe = join(dataDir, `.write-test-${process.pid}`);
    writeFileSync(probe, "ok");
    rmSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "EROFS"
          ? "read-only file system"
          : code === "ENOTDIR" || code === "EEXIST"
            ? "a file is in the way"
            : code === "ENOSPC"
              ? "no space left on device"
              : ((error as Error).message ?? String(error));
    throw new DataDirError(
      `data directory ${dataDir} is not writable (${why}); set HEISTWATCH_DATA_DIR or --data-dir`,
    );
  }
}

/**
 * Takes the data directory for this process (LevelDB allows one opener; a second dynalite on the
 * same directory crashes with an unhandled error, so refuse it up front with a readable message).
 * A lock left by a process that no longer runs is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, "utf8").trim() === String(process.pid)) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readFileSync(path, "utf8").trim(), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
        throw new DataDirError(
          `data directory ${dataDir} is in use by another heistwatch (pid ${holder}); stop it or use another --data-dir ` +
            `(if no heistwatch is running, delete ${path})`,
        );
      }
      unlinkSync(path); // stale lock from a process that is gone
    }
  }
  throw new DataDirError(`could not lock data directory ${dataDir}`);
}

/**
 * Opens and closes the LevelDB at `dbDir` (creating it when missing).
 * @throws StoreDamagedError, one line naming the directory and how to move it aside.
 */
export async function checkDatabaseOpens(dbDir: string): Promise<void> {
  const db = new Level(dbDir);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: Error }).cause;
    const reason = truncate(oneLine(cause?.message ?? (error as Error).message ?? String(error)), 200);
    const aside = `${dbDir}.damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    throw new StoreDamagedError(
      `the embedded database in ${dbDir} cannot be opened (${reason}); to start fresh, move it aside: mv "${dbDir}" "${aside}"`,
    );
  } finally {
    await db.close().catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** What the database thread reports (see dynalite-worker.js). */
type WorkerMessage =
  | { type: "listening"; port: number }
  | { type: "error"; message: string }
  | { type: "closed"; message?: string };

/**
 * Starts dynalite persisting under `dataDir` (or in memory when `dataDir` is null) on an
 * ephemeral 127.0.0.1 port in its own thread, with a DynamoDB client pointed at it.
 */
export async function startEmbeddedDynamo(dataDir: string | null): Promise<EmbeddedDynamo> {
  let release = () => {};
  if (dataDir !== null) {
    ensureWritableDir(dataDir);
    release = lockDataDir(dataDir);
    try {
      await checkDatabaseOpens(join(dataDir, DB_DIR));
    } catch (error) {
      release();
      throw error;
    }
  }
  const worker = new Worker(new URL("./dynalite-worker.js", import.meta.url), {
    workerData: { path: dataDir !== null ? join(dataDir, DB_DIR) : null },
  });
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`embedded DynamoDB thread exited (code ${code})`)));
      worker.on("message", (message: WorkerMessage) => {
        if (message.type === "listening") resolve(message.port);
        else if (message.type === "error") reject(new Error(`embedded DynamoDB: ${message.message}`));
      });
    });
  } catch (error) {
    await worker.terminate();
    release();
    throw error;
  }
  worker.removeAllListeners("error");
  // A crash of the database thread after start shows up as store failures of the feeds (connection
  // refused), reported per feed; the listener only keeps it from becoming an uncaught exception here.
  worker.on("error", () => {});
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "local",
    // dynalite does not check signatures; the SDK still wants credentials to sign with.
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  let closed: Promise<void> | undefined;
  return {
    endpoint,
    client,
    close() {
      closed ??= (async () => {
        client.destroy();
        worker.postMessage("close");
        await exited;
        release();
      })();
      return closed;
    },
  };
}
