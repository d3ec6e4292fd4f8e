import type { Command } from "../main.ts";

// Placeholder until the "parse" command is built; replaced by its own issue's work.
export const command: Command = {
  summary: "parse (not built yet)",
  usage: "heistwatch parse: not built yet",
  async run() {
    console.error("heistwatch parse: not built yet");
    return 2;
  },
};
