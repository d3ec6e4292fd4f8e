import type { Command } from "../main.ts";

// Placeholder until the "eval" command is built; replaced by its own issue's work.
export const command: Command = {
  summary: "eval (not built yet)",
  usage: "heistwatch eval: not built yet",
  async run() {
    console.error("heistwatch eval: not built yet");
    return 2;
  },
};
