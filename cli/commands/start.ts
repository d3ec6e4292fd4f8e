import type { Command } from "../main.ts";

// Placeholder until the "start" command is built; replaced by its own issue's work.
export const command: Command = {
  summary: "start (not built yet)",
  usage: "heistwatch start: not built yet",
  async run() {
    console.error("heistwatch start: not built yet");
    return 2;
  },
};
