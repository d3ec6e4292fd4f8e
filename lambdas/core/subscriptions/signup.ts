/**
 * The sign-up use case shared by AWS and local mode: validate, apply the abuse limits, then hand
 * the request and its filter policy to a registrar (SNS Subscribe on AWS; the local store and a
 * confirmation mail locally). The caller answers the same "check your inbox" whatever happens
 * inside the registrar, so nobody can probe who subscribes.
 */
import type { Clock } from "../model/ports.ts";
import { type SignupLimits, type RateLimiter } from "./limits.ts";
import { buildFilterPolicy } from "./policy.ts";
import { addressKey } from "./tokens.ts";
import type { FilterPolicy, SignupRequest } from "./types.ts";
import { parseSignup, SignupError } from "./validate.ts";

/** Starts a subscription. Must never change an existing confirmed one. */
export interface SubscriptionRegistrar {
  register(request: SignupRequest, policy: FilterPolicy): Promise<void>;
}

export interface SignupDeps {
  registrar: SubscriptionRegistrar;
  limiter: RateLimiter;
  limits: SignupLimits;
  /** SMS sign-ups are refused unless the operator enabled SMS. */
  smsEnabled: boolean;
  clock: Clock;
}

export interface SignupInput {
  body: string;
  contentType: string | undefined;
  /** Source IP as the front door saw it; undefined counts under one shared key. */
  clientIp: string | undefined;
}

const HOUR = 3600;
const DAY = 86_400;

/**
 * Runs one sign-up. Resolves with the validated request once the registrar accepted it.
 * @throws SignupError (4xx naming the field) for invalid input or a limit reached; nothing is sent then.
 */
export async function signUp(deps: SignupDeps, input: SignupInput): Promise<SignupRequest> {
  const request = parseSignup(input.body, input.contentType, deps.limits.maxBodyBytes);
  const field = request.channel === "email" ? "email" : "phone";
  if (request.channel === "sms" && !deps.smsEnabled) {
    throw new SignupError(
      400,
      "sms_disabled",
      "phone",
      "phone: SMS alerts are not enabled on this site; use an email address",
    );
  }
  const now = deps.clock();
  if (
    !(await deps.limiter.take(
      `client:${input.clientIp ?? "unknown"}`,
      deps.limits.perClientPerHour,
      HOUR,
      now,
    ))
  ) {
    throw new SignupError(
      429,
      "too_many_signups",
      "client",
      "client: too many sign-ups from your network; try again in an hour",
    );
  }
  if (
    !(await deps.limiter.take(
      `address:${addressKey(request.address)}`,
      deps.limits.perAddressPerDay,
      DAY,
      now,
    ))
  ) {
    throw new SignupError(
      429,
      "too_many_signups",
      field,
      `${field}: too many sign-ups for this address today; try again tomorrow`,
    );
  }
  if (!(await deps.limiter.take("global:confirmations", deps.limits.confirmationsPerDay, DAY, now))) {
    throw new SignupError(
      429,
      "daily_cap_reached",
      field,
      `${field}: this site has sent its confirmations for today; try again tomorrow`,
    );
  }
  await deps.registrar.register(request, buildFilterPolicy(request));
  return request;
}
