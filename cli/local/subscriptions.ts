/**
 * Local mode's public sign-up: subscribers in the embedded DynamoDB, confirmation, alert and
 * digest mail through SMTP (nodemailer) when --smtp-url is set. Without it, confirmation mails
 * are printed instead of sent (so the flow can still be tried) and no alert mail goes out.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  createDynamoRateLimiter,
  createDynamoSubscriberStore,
} from "../../lambdas/adapters/dynamo-subscriptions.ts";
import { createSmtpMailer } from "../../lambdas/adapters/smtp-mailer.ts";
import type { SubscriptionRoutes } from "../../lambdas/core/api/subscription-routes.ts";
import type { Clock, Log, StoryReader } from "../../lambdas/core/model/ports.ts";
import { DEFAULT_DIGEST_SCHEDULE } from "../../lambdas/core/subscriptions/digest.ts";
import { DEFAULT_SIGNUP_LIMITS, type SignupLimits } from "../../lambdas/core/subscriptions/limits.ts";
import { createLocalSubscriptions } from "../../lambdas/core/subscriptions/local-flow.ts";
import type { Mailer } from "../../lambdas/core/subscriptions/ports.ts";
import type { LocalConfig } from "./config.ts";
import type { NamedNotifier } from "./notifiers.ts";
import { errorText } from "./progress.ts";

export interface LocalSubscriptionStackOptions {
  config: LocalConfig;
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
  log: Log;
  output: { out(text: string): void; err(text: string): void };
  /** The API's base URL, for links in mails. */
  baseUrl: () => string;
  limits?: SignupLimits;
}

export interface LocalSubscriptionStack {
  routes: SubscriptionRoutes;
  /** The alert mail sink for the notifier fan-out; null without SMTP. */
  mailSink: NamedNotifier | null;
  /** Sends the digests now due (at most one per period slot); failures are reported, not thrown. */
  sendDueDigests(reader: StoryReader): Promise<number>;
  close(): void;
}

/** Prints a mail instead of sending it (no SMTP server configured). */
function printingMailer(out: (text: string) => void): Mailer {
  return {
    async send(mail) {
      out(
        `\nmail to ${mail.to} (not sent: set --smtp-url to send mail)\nSubject: ${mail.subject}\n\n${mail.text}\n`,
      );
    },
  };
}

export function createLocalSubscriptionStack(options: LocalSubscriptionStackOptions): LocalSubscriptionStack {
  const { config, output } = options;
  const smtp = config.smtpUrl
    ? createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom ?? "heistwatch@localhost" })
    : null;
  const subscriptions = createLocalSubscriptions({
    store: createDynamoSubscriberStore({
      client: options.client,
      tableName: options.tableName,
      clock: options.clock,
    }),
    mailer: smtp ?? printingMailer((text) => output.out(text)),
    baseUrl: options.baseUrl,
    clock: options.clock,
    log: options.log,
  });
  return {
    routes: {
      signup: {
        registrar: subscriptions.registrar,
        limiter: createDynamoRateLimiter({ client: options.client, tableName: options.tableName }),
        limits: options.limits ?? DEFAULT_SIGNUP_LIMITS,
        smsEnabled: false,
        clock: options.clock,
      },
      links: subscriptions,
    },
    mailSink: smtp ? { name: "mail", notifier: subscriptions.notifier } : null,
    async sendDueDigests(reader) {
      if (!smtp) return 0;
      try {
        const sent = await subscriptions.sendDueDigests(
          {
            hourUtc: config.digestHour ?? DEFAULT_DIGEST_SCHEDULE.hourUtc,
            weekday: config.digestWeekday ?? DEFAULT_DIGEST_SCHEDULE.weekday,
          },
          reader,
        );
        if (sent > 0) output.out(`digests: ${sent} mail(s) sent`);
        return sent;
      } catch (error) {
        output.err(`digests: not all sent: ${errorText(error)}`);
        return 0;
      }
    },
    close() {
      smtp?.close();
    },
  };
}
