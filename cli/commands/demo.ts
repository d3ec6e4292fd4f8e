import type { Command } from "../main.ts";

// Placeholder until the "demo" command is built; replaced by its own issue's work.
export const command: Command = {
  summary: "demo (not built yet)",
  usage: "heistwatch demo: not built yet",
  async run() {
    console.error("heistwatch demo: not built yet");
    return 2;
  },
};
