/**
 * Secret tokens in confirmation and unsubscribe links: 256 random bits, base64url; only their
 * SHA-256 is used as a key, so a leaked table does not hand out working links for pending ones.
 */
import { createHash, randomBytes } from "node:crypto";

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Whether `text` has the shape of a token (checked before any lookup). */
export function isToken(text: string): boolean {
  return TOKEN.test(text);
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** A stable, non-reversible key for an address in rate-limit counters (no address stored in them). */
export function addressKey(address: string): string {
  return createHash("sha256").update(`heistwatch-address:${address}`).digest("base64url").slice(0, 32);
}
