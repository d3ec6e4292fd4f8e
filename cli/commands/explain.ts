import type { Command } from "../main.ts";

// Placeholder until the "explain" command is built; replaced by its own issue's work.
export const command: Command = {
  summary: "explain (not built yet)",
  usage: "heistwatch explain: not built yet",
  async run() {
    console.error("heistwatch explain: not built yet");
    return 2;
  },
};
