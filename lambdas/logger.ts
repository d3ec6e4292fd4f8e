/**
 * One Powertools Logger per Lambda container, created at module scope (it is cheap, and every
 * invocation shares it). The service name comes from POWERTOOLS_SERVICE_NAME, set by the stack.
 */
import { Logger } from "@aws-lambda-powertools/logger";

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "heistwatch" });
