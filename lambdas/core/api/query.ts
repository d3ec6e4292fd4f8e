/**
 * Validation of the public query parameters. Everything arrives as untrusted text; each
 * value is checked against a strict pattern and range, and a bad one is a 400 naming it.
 */
import type { StoryQuery } from "../model/ports.ts";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../publish/view.ts";
import type { Severity } from "../model/types.ts";
import { oneLine } from "../text/characters.ts";
import { decodeCursor } from "./cursor.ts";
import { HttpError } from "./http.ts";

const KNOWN = ["limit", "cursor", "min_score", "actor", "severity"] as const;
const SEVERITIES: readonly Severity[] = ["low", "medium", "high"];
const MAX_ACTOR = 100;

function invalid(parameter: string, message: string): HttpError {
  return new HttpError(400, "invalid_parameter", `${parameter}: ${message}`, parameter);
}

/**
 * Parses and validates `limit`, `cursor`, `min_score`, `actor` and `severity` from a raw
 * query string. Empty values count as absent (a GET form sends `actor=` when left blank);
 * unknown parameters are ignored (cache busters); a known one given twice is an error.
 * @throws HttpError 400 naming the offending parameter.
 */
export function parseStoryQuery(rawQuery: string): StoryQuery {
  const params = new URLSearchParams(rawQuery);
  const values: Partial<Record<(typeof KNOWN)[number], string>> = {};
  for (const name of KNOWN) {
    const all = params.getAll(name).filter((v) => v !== "");
    if (all.length > 1) throw invalid(name, "given more than once");
    if (all.length === 1) values[name] = all[0];
  }

  const query: StoryQuery = { limit: DEFAULT_LIMIT };
  if (values.limit !== undefined) {
    const limit = /^[0-9]{1,3}$/.test(values.limit) ? Number(values.limit) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT))
      throw invalid("limit", `must be a whole number from 1 to ${MAX_LIMIT}`);
    query.limit = limit;
  }
  if (values.cursor !== undefined) {
    // Decoded here (and again by the store, with the same codec), so a forged cursor is a 400
    // before any database sees it.
    try {
      decodeCursor(values.cursor);
    } catch {
      throw invalid("cursor", "is not a cursor from a previous page");
    }
    query.cursor = values.cursor;
  }
  if (values.min_score !== undefined) {
    const score = /^[0-9]{1,3}(\.[0-9]{1,3})?$/.test(values.min_score)
      ? Number(values.min_score)
      : Number.NaN;
    if (!(score >= 0 && score <= 100)) throw invalid("min_score", "must be a number from 0 to 100");
    query.minScore = score;
  }
  if (values.actor !== undefined) {
    const actor = values.actor.trim();
    // One line of visible text by the text policy: no controls, bidi or zero-width characters.
    if (!actor || actor.length > MAX_ACTOR || oneLine(actor) !== actor) {
      throw invalid("actor", `must be an actor name of 1 to ${MAX_ACTOR} printable characters`);
    }
    query.actor = actor;
  }
  if (values.severity !== undefined) {
    const severity = values.severity.toLowerCase() as Severity;
    if (!SEVERITIES.includes(severity)) throw invalid("severity", `must be one of ${SEVERITIES.join(", ")}`);
    query.severity = severity;
  }
  return query;
}
