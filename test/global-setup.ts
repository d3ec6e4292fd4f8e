/** Runs once before the suite: says in one line what is skipped when ../shared is absent. */
import { HAS_SHARED, SHARED_MISSING_REASON } from "./helpers/shared-data.ts";

export default function setup(): void {
  if (!HAS_SHARED) {
    console.log(
      `heistwatch tests: ${SHARED_MISSING_REASON}; skipping the tests over its real feed documents and real-world corpus (they run in CI)`,
    );
  }
}
