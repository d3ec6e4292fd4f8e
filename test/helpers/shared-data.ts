/**
 * The team's shared data folder (`../shared` beside the clone: real third-party feed documents and
 * the real-world labelled corpus). It is there in CI and beside our own checkouts, not in a user's
 * fresh clone, so the tests over it run when it exists and are skipped otherwise; the global setup
 * (test/global-setup.ts) prints one line saying so.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Absolute path of `../shared/` beside the repository, with a trailing slash. */
export const SHARED_DIR = fileURLToPath(new URL("../../../shared/", import.meta.url));

/** Absolute path of a file or folder inside the shared folder. */
export function sharedPath(relative: string): string {
  return `${SHARED_DIR}${relative}`;
}

/** True when the shared folder's feeds and corpus are beside the clone. */
export const HAS_SHARED = existsSync(sharedPath("feeds/MANIFEST.md")) && existsSync(sharedPath("corpus"));

/** Why shared-data tests are skipped, for skip messages. */
export const SHARED_MISSING_REASON = `../shared is not beside the clone (looked in ${SHARED_DIR})`;
