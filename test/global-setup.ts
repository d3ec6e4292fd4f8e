/** Runs once before the suite: says in one line what is skipped when ../shared is absent. */
import { HAS_SHARED, SHARED_MISSING_REASON } from "./helpers/shared-data.ts";

/**
 * vitest runs a global setup once per project (vitest.config.ts has two), each from its own module
 * instance but in the one main process: a mark on globalThis makes the line appear once per run.
 */
const SAID = Symbol.for("heistwatch.sharedSkipNotice");

export default function setup(): void {
  const marks = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (!HAS_SHARED && !marks[SAID]) {
    marks[SAID] = true;
    console.log(
      `heistwatch tests: ${SHARED_MISSING_REASON}; skipping the tests over its real feed documents and real-world corpus (they run in CI)`,
    );
  }
}
