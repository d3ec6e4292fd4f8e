/**
 * Proof of phone ownership before any alert reaches a number: a six-digit code of our own, sent
 * by SMS, stored only as a hash, valid ten minutes and for a few attempts. Only a correct code
 * subscribes the number (with the filters given at sign-up). Why our own code and not SNS's
 * sandbox verification API: docs/deploy.md#public-sign-up.
 */
import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import type { Clock } from "../model/ports.ts";
import type { SubscriptionRegistrar } from "./signup.ts";
import type { FilterPolicy, SignupRequest } from "./types.ts";
import { SignupError, validatePhone } from "./validate.ts";

export const SMS_CODE_TTL_MS = 10 * 60_000;
/** Wrong codes allowed per sign-up before it is void (a new sign-up sends a new code). */
export const SMS_CODE_MAX_ATTEMPTS = 5;

export interface PendingSms {
  phone: string;
  codeHash: string;
  request: SignupRequest;
  policy: FilterPolicy;
  expiresAt: string;
}

export interface SmsCodeStore {
  /** Saves (or replaces) the pending sign-up of a number, expiring at `expiresAt`. */
  put(pending: PendingSms): Promise<void>;
  get(phone: string): Promise<PendingSms | null>;
  /** Counts one attempt; returns the attempts so far, or null when nothing is pending. */
  countAttempt(phone: string): Promise<number | null>;
  remove(phone: string): Promise<void>;
}

export interface SmsSender {
  send(phone: string, text: string): Promise<void>;
}

export function hashSmsCode(phone: string, code: string): string {
  return createHash("sha256").update(`heistwatch-sms:${phone}:${code}`).digest("base64url");
}

/** The SMS: one GSM-7 segment. */
export function smsCodeText(code: string): string {
  return `heistwatch code: ${code}. Enter it on the page to get alerts. Not you? Ignore this.`;
}

/** Registrar for phone sign-ups: sends a code; the subscription waits for verifySmsCode. */
export function createSmsCodeRegistrar(deps: {
  store: SmsCodeStore;
  sender: SmsSender;
  clock: Clock;
}): SubscriptionRegistrar {
  return {
    async register(request, policy) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
      await deps.store.put({
        phone: request.address,
        codeHash: hashSmsCode(request.address, code),
        request,
        policy,
        expiresAt: new Date(deps.clock().getTime() + SMS_CODE_TTL_MS).toISOString(),
      });
      await deps.sender.send(request.address, smsCodeText(code));
    },
  };
}

const CODE = /^[0-9]{6}$/;

/**
 * Checks a code posted as `phone` and `code` (form or JSON) and, when right, subscribes the
 * number through `subscribe` with the filters of its sign-up.
 * @throws SignupError (4xx naming the field) for a bad, expired or exhausted code.
 */
export async function verifySmsCode(
  deps: { store: SmsCodeStore; subscribe: SubscriptionRegistrar; clock: Clock },
  body: string,
  contentType: string | undefined,
): Promise<SignupRequest> {
  if (body.length > 1000)
    throw new SignupError(413, "body_too_large", "body", "body: larger than 1000 bytes");
  let fields: Record<string, unknown>;
  if ((contentType ?? "").toLowerCase().startsWith("application/json")) {
    try {
      const parsed: unknown = JSON.parse(body);
      fields = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      throw new SignupError(400, "invalid_body", "body", "body: is not valid JSON");
    }
  } else {
    fields = Object.fromEntries(new URLSearchParams(body));
  }
  const phone = validatePhone(typeof fields.phone === "string" ? fields.phone.trim() : "");
  const code = typeof fields.code === "string" ? fields.code.trim() : "";
  if (!CODE.test(code))
    throw new SignupError(400, "invalid_code", "code", "code: the six digits from the SMS");
  const wrong = () =>
    new SignupError(400, "invalid_code", "code", "code: wrong or expired; sign up again for a new code");
  const pending = await deps.store.get(phone);
  if (!pending || pending.expiresAt <= deps.clock().toISOString()) throw wrong();
  const attempts = await deps.store.countAttempt(phone);
  if (attempts === null || attempts > SMS_CODE_MAX_ATTEMPTS) {
    await deps.store.remove(phone);
    throw wrong();
  }
  const given = Buffer.from(hashSmsCode(phone, code));
  const expected = Buffer.from(pending.codeHash);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw wrong();
  await deps.store.remove(phone);
  await deps.subscribe.register(pending.request, pending.policy);
  return pending.request;
}
