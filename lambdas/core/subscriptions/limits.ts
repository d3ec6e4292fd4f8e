/**
 * Abuse limits of public sign-up, as data: the defaults below, overridable by the operator
 * (stack context / local config). Every limit refuses with a 4xx naming the field, before any
 * mail or SMS is sent.
 */

export interface SignupLimits {
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Sign-ups one client (source IP) may make per hour. */
  perClientPerHour: number;
  /** Sign-ups (and so confirmation mails or codes) one address may receive per day. */
  perAddressPerDay: number;
  /** Confirmation mails and codes the whole site sends per UTC day. */
  confirmationsPerDay: number;
}

export const DEFAULT_SIGNUP_LIMITS: SignupLimits = {
  maxBodyBytes: 4096,
  perClientPerHour: 10,
  perAddressPerDay: 3,
  confirmationsPerDay: 500,
};

/** Field size bounds (characters). RFC 5321 caps a path at 254; E.164 at 15 digits after "+". */
export const FIELD_LIMITS = {
  email: 254,
  emailLocalPart: 64,
  phone: 16,
  actors: 5,
  actorChars: 60,
  token: 100,
} as const;

/** Counts one use of `key` in the current window; false when the window already holds `limit`. */
export interface RateLimiter {
  take(key: string, limit: number, windowSeconds: number, now: Date): Promise<boolean>;
}

/** Environment variable suffixes of each limit (after the SIGNUP_ prefix the contract names). */
export const SIGNUP_LIMIT_ENV: Record<keyof SignupLimits, string> = {
  maxBodyBytes: "MAX_BODY_BYTES",
  perClientPerHour: "PER_CLIENT_PER_HOUR",
  perAddressPerDay: "PER_ADDRESS_PER_DAY",
  confirmationsPerDay: "CONFIRMATIONS_PER_DAY",
};

/**
 * Reads limit overrides from `HEISTWATCH_SIGNUP_*`-style variables (or any record), keeping the
 * defaults for absent ones. Throws naming the variable for a value that is not a positive integer.
 */
export function readSignupLimits(env: Record<string, string | undefined>, prefix = "SIGNUP_"): SignupLimits {
  const limits = { ...DEFAULT_SIGNUP_LIMITS };
  for (const [key, suffix] of Object.entries(SIGNUP_LIMIT_ENV) as [keyof SignupLimits, string][]) {
    const raw = env[`${prefix}${suffix}`]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 1_000_000) {
      throw new Error(
        `${prefix}${suffix} must be a whole number from 1 to 1000000, got ${JSON.stringify(raw)}`,
      );
    }
    limits[key] = value;
  }
  return limits;
}
