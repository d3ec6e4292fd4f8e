/**
 * Reads and checks a sign-up from a form post or a JSON body. Strict on purpose: an address is
 * plain ASCII (no lookalike Unicode, no quoted local parts, no display names, nothing that could
 * end a mail header or add a recipient), a phone number is E.164 exactly, every field is bounded,
 * and a filled honeypot field is refused. Each refusal names the field.
 */
import type { Severity } from "../model/types.ts";
import { FIELD_LIMITS } from "./limits.ts";
import type { Delivery, SignupRequest } from "./types.ts";

/** A refused sign-up: HTTP status, stable code, the field at fault and a message safe to show. */
export class SignupError extends Error {
  override name = "SignupError";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The honeypot: a field people never see (hidden by CSS and labelled so); bots fill it in. */
export const HONEYPOT_FIELD = "website";

const FIELDS = new Set([
  "email",
  "phone",
  "min_severity",
  "actors",
  "corroborated_only",
  "digest",
  HONEYPOT_FIELD,
]);
const SEVERITIES: Severity[] = ["low", "medium", "high"];
const DELIVERIES: Delivery[] = ["none", "daily", "weekly"];

// dot-atom local part of RFC 5322 without the rarely used characters that confuse people and
// tools (no quotes, no "|", no "{}", no "`"); a domain of LDH labels with an alphabetic TLD.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;
const TLD = /^[A-Za-z]{2,63}$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;
const ACTOR = /^[\p{L}\p{N}][\p{L}\p{N} .'&-]*$/u;

/** Checks an email address; returns it lower-cased. */
export function validateEmail(raw: string): string {
  const fail = (why: string) => new SignupError(400, "invalid_email", "email", `email: ${why}`);
  if (raw.length > FIELD_LIMITS.email) throw fail(`longer than ${FIELD_LIMITS.email} characters`);
  if (/[\r\n\0]/.test(raw)) throw fail("must not contain line breaks");
  const address = raw.trim();
  if (address === "") throw fail("is empty");
  if (/[^\x21-\x7e]/.test(address)) {
    throw fail(
      "may hold only plain ASCII letters, digits and punctuation, no spaces (Unicode lookalikes are refused)",
    );
  }
  if (/[,;<>()[\]\\"]/.test(address))
    throw fail("must be one bare address (no names, lists, quotes or brackets)");
  const at = address.lastIndexOf("@");
  if (at <= 0 || address.indexOf("@") !== at) throw fail("must be one address of the form name@example.org");
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > FIELD_LIMITS.emailLocalPart)
    throw fail(`the part before @ is longer than ${FIELD_LIMITS.emailLocalPart} characters`);
  if (!LOCAL_PART.test(local)) throw fail("the part before @ is not a valid mailbox name");
  const labels = domain.split(".");
  // Browsers turn a Unicode domain into punycode before posting; a lookalike ("exаmple" with a
  // Cyrillic "а") arrives that way, so punycode labels are refused like raw Unicode.
  if (labels.some((label) => /^xn--/i.test(label))) {
    throw fail("internationalised (xn--) domain names are not accepted: they can imitate other domains");
  }
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)) || !TLD.test(labels.at(-1)!)) {
    throw fail("the domain after @ is not a valid internet domain (e.g. example.org)");
  }
  return address.toLowerCase();
}

/** Checks an E.164 phone number ("+" country code and number, digits only). */
export function validatePhone(raw: string): string {
  if (raw.length > FIELD_LIMITS.phone) {
    throw new SignupError(
      400,
      "invalid_phone",
      "phone",
      `phone: longer than ${FIELD_LIMITS.phone} characters`,
    );
  }
  if (!E164.test(raw)) {
    throw new SignupError(
      400,
      "invalid_phone",
      "phone",
      "phone: must be in international E.164 form, a + then the country code and number, digits only (e.g. +447700900123)",
    );
  }
  return raw;
}

type RawFields = Map<string, string | string[] | boolean>;

/** Parses the body by content type into field -> value(s). */
export function readFields(body: string, contentType: string | undefined): RawFields {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const fields: RawFields = new Map();
  if (type === "application/json") {
    let data: unknown;
    try {
      data = JSON.parse(body);
    } catch {
      throw new SignupError(400, "invalid_body", "body", "body: is not valid JSON");
    }
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      throw new SignupError(400, "invalid_body", "body", "body: must be a JSON object");
    }
    for (const [key, value] of Object.entries(data)) {
      if (!FIELDS.has(key))
        throw new SignupError(
          400,
          "unknown_field",
          key.slice(0, 40),
          `${key.slice(0, 40)}: is not a sign-up field`,
        );
      if (typeof value === "string" || typeof value === "boolean") fields.set(key, value);
      else if (Array.isArray(value) && value.every((v) => typeof v === "string"))
        fields.set(key, value as string[]);
      else if (value !== null) throw new SignupError(400, "invalid_field", key, `${key}: must be a string`);
    }
    return fields;
  }
  if (type === "application/x-www-form-urlencoded" || type === "") {
    for (const [key, value] of new URLSearchParams(body)) {
      if (!FIELDS.has(key))
        throw new SignupError(
          400,
          "unknown_field",
          key.slice(0, 40),
          `${key.slice(0, 40)}: is not a sign-up field`,
        );
      const previous = fields.get(key);
      if (key === "actors" && previous !== undefined)
        fields.set(key, [...[previous].flat().map(String), value]);
      else if (previous !== undefined)
        throw new SignupError(400, "invalid_field", key, `${key}: given more than once`);
      else fields.set(key, value);
    }
    return fields;
  }
  throw new SignupError(
    415,
    "unsupported_media_type",
    "body",
    "body: send application/x-www-form-urlencoded or application/json",
  );
}

function oneString(fields: RawFields, name: string): string | undefined {
  const value = fields.get(name);
  if (value === undefined) return undefined;
  if (typeof value !== "string")
    throw new SignupError(400, "invalid_field", name, `${name}: must be a single text value`);
  return value;
}

function booleanField(fields: RawFields, name: string): boolean {
  const value = fields.get(name);
  if (value === undefined || value === false || value === "" || value === "false") return false;
  if (value === true || value === "true" || value === "on" || value === "1") return true;
  throw new SignupError(400, "invalid_field", name, `${name}: must be true or false`);
}

function readActors(fields: RawFields): string[] {
  const value = fields.get("actors");
  if (value === undefined || value === "") return [];
  if (typeof value === "boolean")
    throw new SignupError(400, "invalid_field", "actors", "actors: must be a list of names");
  // The form sends one comma-separated text; JSON may send an array.
  const list = (Array.isArray(value) ? value : value.split(",")).map((name) => name.trim()).filter(Boolean);
  if (list.length > FIELD_LIMITS.actors) {
    throw new SignupError(400, "invalid_field", "actors", `actors: at most ${FIELD_LIMITS.actors} names`);
  }
  for (const name of list) {
    if (name.length > FIELD_LIMITS.actorChars || !ACTOR.test(name)) {
      throw new SignupError(
        400,
        "invalid_field",
        "actors",
        `actors: each name is letters, digits, spaces and . ' & - (at most ${FIELD_LIMITS.actorChars} characters)`,
      );
    }
  }
  return [...new Set(list)];
}

/**
 * The validated sign-up from a request body.
 * @throws SignupError (4xx) naming the field for anything it refuses.
 */
export function parseSignup(
  body: string,
  contentType: string | undefined,
  maxBodyBytes: number,
): SignupRequest {
  if (Buffer.byteLength(body, "utf8") > maxBodyBytes) {
    throw new SignupError(413, "body_too_large", "body", `body: larger than ${maxBodyBytes} bytes`);
  }
  const fields = readFields(body, contentType);
  const honeypot = fields.get(HONEYPOT_FIELD);
  if (honeypot !== undefined && honeypot !== "" && honeypot !== false) {
    throw new SignupError(400, "invalid_field", HONEYPOT_FIELD, `${HONEYPOT_FIELD}: must be left empty`);
  }
  const email = oneString(fields, "email")?.trim() ?? "";
  const phone = oneString(fields, "phone")?.trim() ?? "";
  if (email && phone)
    throw new SignupError(
      400,
      "invalid_field",
      "phone",
      "phone: give an email address or a phone number, not both",
    );
  if (!email && !phone)
    throw new SignupError(400, "missing_field", "email", "email: give an email address (or a phone number)");

  const severity = oneString(fields, "min_severity") ?? "low";
  if (!SEVERITIES.includes(severity as Severity)) {
    throw new SignupError(400, "invalid_field", "min_severity", "min_severity: must be low, medium or high");
  }
  const digest = oneString(fields, "digest") ?? "none";
  if (!DELIVERIES.includes(digest as Delivery)) {
    throw new SignupError(400, "invalid_field", "digest", "digest: must be none, daily or weekly");
  }
  return {
    channel: email ? "email" : "sms",
    address: email ? validateEmail(oneString(fields, "email")!) : validatePhone(phone),
    minSeverity: severity as Severity,
    actors: readActors(fields),
    corroboratedOnly: booleanField(fields, "corroborated_only"),
    digest: digest as Delivery,
  };
}
