/**
 * The vocabulary of public sign-up: what a subscriber asks for, the SNS filter policy it
 * becomes, and the message attributes alerts and digests carry (the contract with the
 * alerts publisher: kind, severity, score, amount_usd, actor, corroborated; digests add period).
 */
import type { Severity } from "../model/types.ts";

export type Channel = "email" | "sms";
export type DigestPeriod = "daily" | "weekly";
export type Delivery = "none" | DigestPeriod;

/** A validated sign-up. */
export interface SignupRequest {
  channel: Channel;
  /** Lower-cased email address, or an E.164 phone number. */
  address: string;
  minSeverity: Severity;
  /** Canonical actor names; empty = any actor. */
  actors: string[];
  /** Instant alerts only about stories at least two independent outlets reported (or an official source). */
  corroboratedOnly: boolean;
  /** "none" = every alert as it happens. */
  digest: Delivery;
}

/** One message attribute as SNS carries it (String, Number, String.Array), without the SDK's types. */
export type MessageAttribute =
  | { type: "String"; value: string }
  | { type: "Number"; value: number }
  | { type: "String.Array"; value: string[] };

export type MessageAttributes = Record<string, MessageAttribute>;

/** One condition inside a filter policy's value list (the subset of SNS's syntax heistwatch uses). */
export type FilterCondition =
  | string
  | number
  | { "anything-but": string | number | (string | number)[] }
  | { numeric: (string | number)[] };

/** An SNS filter policy (MessageAttributes scope): keys ANDed, conditions in a list ORed, `$or` of sub-policies. */
export interface FilterPolicy {
  [key: string]: FilterCondition[] | FilterPolicy[];
}
