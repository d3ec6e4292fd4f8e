/**
 * One Powertools Logger per Lambda container, created at module scope (it is cheap, and every
 * invocation shares it). The service name comes from POWERTOOLS_SERVICE_NAME, set by the stack.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { Log } from "./core/model/ports.ts";

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "heistwatch" });

/**
 * The core's `Log` port over a Powertools Logger. (Powertools' variadic signature does not accept
 * an explicit `undefined` extra, which the port allows, so each call is forwarded with or without it.)
 */
export function asLog(target: Logger): Log {
  const forward =
    (level: "debug" | "info" | "warn" | "error") => (message: string, extra?: Record<string, unknown>) =>
      extra === undefined ? target[level](message) : target[level](message, extra);
  return { debug: forward("debug"), info: forward("info"), warn: forward("warn"), error: forward("error") };
}
