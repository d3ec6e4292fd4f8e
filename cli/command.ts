/**
 * What every `heistwatch` subcommand is, and the exit codes they all share. Commands import this
 * file, never cli/main.ts (which imports them), so there is no import cycle.
 */

/** Exit codes, the same for the same failure in every command (docs/local.md#exit-codes). */
export const EXIT = {
  /** Done; for `poll --once`, the cycle ran even if some feeds failed (each is reported). */
  ok: 0,
  /** The input or the environment could not be used: unreadable or bad input, a feed that failed or is not a feed, an unusable data directory. */
  failed: 1,
  /** What was typed is wrong: an unknown option, a missing argument, a bad setting value. */
  usage: 2,
  /** Stopped by a second Ctrl-C without waiting. */
  interrupted: 130,
} as const;

export interface Command {
  /** One line for `heistwatch --help`. */
  summary: string;
  /** Full usage text for `heistwatch <name> --help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code (EXIT). */
  run(args: string[]): Promise<number>;
}
