/**
 * The Mailer port over SMTP with nodemailer, for local mode only (on AWS, SNS sends the mail;
 * nothing in lambdas/*.ts imports this, so nodemailer never enters a Lambda bundle).
 * Recipients go in an explicit envelope of exactly one address, and every header value is
 * checked to be one line, so no input can add a recipient or a header.
 */
import nodemailer from "nodemailer";
import type { Mail, Mailer } from "../core/subscriptions/ports.ts";

export interface SmtpMailerOptions {
  /** smtp://host:port or smtps://user:pass@host:port */
  url: string;
  /** The From address of every mail. */
  from: string;
  /** Per-connection deadline (default 15 s). */
  timeoutMs?: number;
}

export interface SmtpMailer extends Mailer {
  close(): void;
}

const LINE_BREAK = /[\r\n]/;

/** A mail that cannot be sent as given (a header that would span lines). */
export class MailRefusedError extends Error {
  override name = "MailRefusedError";
}

export function createSmtpMailer(options: SmtpMailerOptions): SmtpMailer {
  const timeout = options.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport(options.url, {
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as never);
  return {
    async send(mail: Mail) {
      const headers = mail.headers ?? {};
      for (const [name, value] of [
        ["To", mail.to],
        ["Subject", mail.subject],
        ...Object.entries(headers),
      ] as const) {
        if (LINE_BREAK.test(name) || LINE_BREAK.test(value))
          throw new MailRefusedError(`mail header ${name.slice(0, 40)} spans lines`);
      }
      await transport.sendMail({
        from: options.from,
        to: { name: "", address: mail.to },
        envelope: { from: options.from, to: [mail.to] },
        subject: mail.subject,
        text: mail.text,
        headers,
      });
    },
    close() {
      transport.close();
    },
  };
}
