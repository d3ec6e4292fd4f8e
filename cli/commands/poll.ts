import { CONFIG_FLAGS_USAGE } from "../local/config.ts";
import { runLocal } from "../local/run-local.ts";
import type { Command } from "../command.ts";

export const command: Command = {
  summary: "poll the configured feeds without serving the API (use --once for cron)",
  usage: [
    "usage: heistwatch poll [--once] [options]",
    "",
    "Polls the configured feeds into the local data directory and prints alert cards, without",
    "serving the API. With --once: one cycle, then exit (for cron). Exit code 0 when the cycle",
    "ran, even if some feeds failed (each says why); 1 on a systemic failure (data directory not",
    "writable or in use, storage failing); 2 on a bad setting.",
    "",
    "options:",
    "  --once               run one cycle and exit",
    CONFIG_FLAGS_USAGE,
    "  --verbose            also print the pipeline's info and warning logs",
    "",
    "See docs/local.md.",
  ].join("\n"),
  run: (args) => runLocal("poll", { args }),
};
