import type { Command } from "../main.ts";

// Placeholder until the "poll" command is built; replaced by its own issue's work.
export const command: Command = {
  summary: "poll (not built yet)",
  usage: "heistwatch poll: not built yet",
  async run() {
    console.error("heistwatch poll: not built yet");
    return 2;
  },
};
