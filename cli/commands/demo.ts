import { runLocal } from "../local/run-local.ts";
import type { Command } from "../command.ts";

export const command: Command = {
  summary: "offline demo: serve sample feeds on 127.0.0.1, run a cycle, keep the page up",
  usage: [
    "usage: heistwatch demo [--port N] [--host ADDR] [--threshold N] [--verbose]    (npm run demo)",
    "",
    "Serves six invented news feeds on 127.0.0.1, polls them once into a fresh temporary data",
    "directory, prints the alert cards, and serves the page and feed (http://localhost:8787/ or a",
    "free port when 8787 is taken) until Ctrl-C. Needs no network and no AWS; deletes its data",
    "on exit. Never posts to a webhook.",
  ].join("\n"),
  run: (args) => runLocal("demo", { args }),
};
