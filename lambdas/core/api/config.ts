/** The API Lambda's configuration, read once from the environment and checked at start. */
import { ENV } from "../../contract.ts";
import { isHttpUrl } from "../model/config-schema.ts";

export interface ApiConfig {
  tableName: string;
  /** Absolute http(s) URL without a trailing slash, or undefined to use each request's origin. */
  publicBaseUrl?: string;
  siteTitle?: string;
  /** WebSub hub named in the feeds (WEBSUB_HUB_URL), absent = none. */
  websubHubUrl?: string;
}

/**
 * Reads TABLE_NAME (required), PUBLIC_BASE_URL and SITE_TITLE (optional).
 * @throws Error naming the variable when one is missing or malformed.
 */
export function readApiConfig(env: Record<string, string | undefined>): ApiConfig {
  const tableName = env[ENV.tableName]?.trim();
  if (!tableName) throw new Error(`${ENV.tableName} is not set: the API needs the DynamoDB table name`);
  const config: ApiConfig = { tableName };

  const base = env[ENV.publicBaseUrl]?.trim();
  if (base) {
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      throw new Error(`PUBLIC_BASE_URL is not an absolute URL: ${JSON.stringify(base)}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error(`PUBLIC_BASE_URL must be http or https: ${JSON.stringify(base)}`);
    }
    if (url.search || url.hash)
      throw new Error(`PUBLIC_BASE_URL must not have a query or fragment: ${JSON.stringify(base)}`);
    config.publicBaseUrl = url.href.replace(/\/+$/, "");
  }

  const hub = env[ENV.websubHubUrl]?.trim();
  if (hub) {
    if (!isHttpUrl(hub))
      throw new Error(`${ENV.websubHubUrl} must be an absolute http(s) URL: ${JSON.stringify(hub)}`);
    config.websubHubUrl = hub;
  }

  const title = env[ENV.siteTitle]?.trim();
  if (title) config.siteTitle = title.slice(0, 200);
  return config;
}
