/**
 * What local-mode subscriptions need from the world: a store of subscribers (the embedded
 * DynamoDB) and a mailer (SMTP). On AWS, SNS is both: it keeps the subscriptions and sends.
 */
import type { Channel, FilterPolicy, SignupRequest } from "./types.ts";

export interface Subscriber {
  id: string;
  channel: Channel;
  address: string;
  filters: Pick<SignupRequest, "minSeverity" | "actors" | "corroboratedOnly" | "digest">;
  /** The SNS filter policy the filters become (what AWS would set on the subscription). */
  policy: FilterPolicy;
  status: "pending" | "confirmed";
  /** Secret of the unsubscribe link in every mail. */
  unsubscribeToken: string;
  createdAt: string;
  confirmedAt?: string;
}

export interface SubscriberStore {
  findByAddress(address: string): Promise<Subscriber | null>;
  /**
   * Saves a pending subscriber and its confirmation token (by hash), both expiring at `expiresAt`.
   * Refuses (false) when the address has a confirmed subscription: that is never changed.
   */
  savePending(subscriber: Subscriber, confirmTokenHash: string, expiresAt: Date): Promise<boolean>;
  /** Confirms the pending subscription the token belongs to; null for an unknown or expired token. */
  confirm(confirmTokenHash: string, now: Date): Promise<Subscriber | null>;
  /** Ends the subscription holding this unsubscribe token; null when there is none. */
  remove(unsubscribeToken: string): Promise<Subscriber | null>;
  listConfirmed(): Promise<Subscriber[]>;
  /** Claims a digest slot ("daily:2026-03-10") once: true for the first caller only. */
  claimDigestSlot(key: string): Promise<boolean>;
}

/** One outgoing mail. Addresses are validated before they get here; headers are single-line. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}
