import type { Command } from "../main.ts";

// Placeholder until the "classify" command is built; replaced by its own issue's work.
export const command: Command = {
  summary: "classify (not built yet)",
  usage: "heistwatch classify: not built yet",
  async run() {
    console.error("heistwatch classify: not built yet");
    return 2;
  },
};
