/**
 * The mails of local mode: the confirmation mail, and alert and digest mails carrying the
 * RFC 8058 one-click unsubscribe headers plus an unsubscribe link in the body.
 */
import { oneLine } from "../alerts/messages.ts";
import type { Mail } from "./ports.ts";
import type { SignupRequest } from "./types.ts";

/** Human summary of a subscriber's filters, used in mails and pages. */
export function describeFilters(
  filters: Pick<SignupRequest, "minSeverity" | "actors" | "corroboratedOnly" | "digest">,
): string {
  const parts = [
    filters.digest === "none" ? "every alert as it happens" : `a ${filters.digest} digest`,
    `severity ${filters.minSeverity}${filters.minSeverity === "high" ? "" : " and above"}`,
    filters.actors.length ? `actors: ${filters.actors.join(", ")}` : "any actor",
  ];
  if (filters.corroboratedOnly && filters.digest === "none")
    parts.push("only stories corroborated by two outlets or an official source");
  return parts.join("; ");
}

export function confirmationMail(request: SignupRequest, confirmUrl: string): Mail {
  return {
    to: request.address,
    subject: "Confirm your heistwatch alerts",
    text: [
      "Someone (hopefully you) asked to receive heistwatch alerts at this address:",
      `  ${describeFilters(request)}`,
      "",
      "To confirm, open this link and press the button on the page:",
      confirmUrl,
      "",
      "If you did not ask for this, ignore this mail: nothing will be sent to you.",
    ].join("\n"),
  };
}

/** Adds the one-click unsubscribe headers (RFC 8058, RFC 2369) and a footer link to a mail. */
export function withUnsubscribe(mail: Mail, unsubscribeUrl: string): Mail {
  return {
    ...mail,
    subject: oneLine(mail.subject),
    text: `${mail.text}\n\n--\nYou get this because you subscribed to heistwatch alerts.\nUnsubscribe: ${unsubscribeUrl}\n`,
    headers: {
      ...mail.headers,
      "List-Unsubscribe": `<${unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}
