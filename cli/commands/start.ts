import { CONFIG_FLAGS_USAGE } from "../local/config.ts";
import { runLocal } from "../local/run-local.ts";
import type { Command } from "../command.ts";

export const command: Command = {
  summary: "run the whole pipeline locally: poll feeds, store, alert, serve the feed",
  usage: [
    "usage: heistwatch start [options]    (npm start)",
    "",
    "Polls the configured feeds on an interval, stores articles and stories in an embedded",
    "DynamoDB under the data directory, prints alert cards (and POSTs them to a webhook when one",
    "is set), and serves the feed at http://localhost:8787/ (feed.json, feed.xml, the HTML page).",
    "Ctrl-C (SIGINT) or SIGTERM stops cleanly.",
    "",
    "options:",
    CONFIG_FLAGS_USAGE,
    "  --verbose            also print the pipeline's info and warning logs",
    "",
    "See docs/local.md.",
  ].join("\n"),
  run: (args) => runLocal("start", { args }),
};
