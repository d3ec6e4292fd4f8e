/**
 * Checks a document against the JSON Feed 1.1 spec (https://jsonfeed.org/version/1.1):
 * required members, member types, RFC 3339 dates, author objects, extension naming.
 * Returns the list of violations (empty when valid), so a test shows every problem at once.
 */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const TOP_STRINGS = [
  "home_page_url",
  "feed_url",
  "description",
  "user_comment",
  "next_url",
  "icon",
  "favicon",
  "language",
];
const ITEM_STRINGS = [
  "url",
  "external_url",
  "title",
  "content_html",
  "content_text",
  "summary",
  "image",
  "banner_image",
  "language",
];
const KNOWN_TOP = new Set([
  "version",
  "title",
  "items",
  "authors",
  "author",
  "expired",
  "hubs",
  ...TOP_STRINGS,
]);
const KNOWN_ITEM = new Set([
  "id",
  "date_published",
  "date_modified",
  "authors",
  "author",
  "tags",
  "attachments",
  ...ITEM_STRINGS,
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkAuthors(value: unknown, where: string, problems: string[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    problems.push(`${where}.authors must be an array`);
    return;
  }
  for (const [i, author] of value.entries()) {
    if (!isObject(author)) {
      problems.push(`${where}.authors[${i}] must be an object`);
      continue;
    }
    const fields = ["name", "url", "avatar"].filter((k) => author[k] !== undefined);
    if (fields.length === 0) problems.push(`${where}.authors[${i}] needs name, url or avatar`);
    for (const k of fields)
      if (typeof author[k] !== "string") problems.push(`${where}.authors[${i}].${k} must be a string`);
  }
}

function checkExtensions(
  object: Record<string, unknown>,
  known: Set<string>,
  where: string,
  problems: string[],
) {
  for (const key of Object.keys(object)) {
    if (known.has(key)) continue;
    if (!/^_[A-Za-z]/.test(key)) problems.push(`${where}.${key} is not a spec member nor an _extension`);
    else if (!isObject(object[key])) problems.push(`${where}.${key} extension must be an object`);
  }
}

/** Every way `doc` departs from JSON Feed 1.1. */
export function jsonFeedProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(doc)) return ["feed must be a JSON object"];
  if (doc.version !== "https://jsonfeed.org/version/1.1")
    problems.push("version must be https://jsonfeed.org/version/1.1");
  if (typeof doc.title !== "string") problems.push("title (required) must be a string");
  for (const key of TOP_STRINGS) {
    if (doc[key] !== undefined && typeof doc[key] !== "string") problems.push(`${key} must be a string`);
  }
  if (doc.expired !== undefined && typeof doc.expired !== "boolean")
    problems.push("expired must be a boolean");
  checkAuthors(doc.authors, "feed", problems);
  checkExtensions(doc, KNOWN_TOP, "feed", problems);
  if (!Array.isArray(doc.items)) return [...problems, "items (required) must be an array"];
  for (const [i, item] of (doc.items as unknown[]).entries()) {
    const where = `items[${i}]`;
    if (!isObject(item)) {
      problems.push(`${where} must be an object`);
      continue;
    }
    if (typeof item.id !== "string" || item.id === "")
      problems.push(`${where}.id (required) must be a non-empty string`);
    for (const key of ITEM_STRINGS) {
      if (item[key] !== undefined && typeof item[key] !== "string")
        problems.push(`${where}.${key} must be a string`);
    }
    if (item.content_html === undefined && item.content_text === undefined) {
      problems.push(`${where} needs content_html or content_text`);
    }
    for (const key of ["date_published", "date_modified"]) {
      const value = item[key];
      if (value !== undefined && (typeof value !== "string" || !RFC3339.test(value))) {
        problems.push(`${where}.${key} must be an RFC 3339 date`);
      }
    }
    if (
      item.tags !== undefined &&
      (!Array.isArray(item.tags) || item.tags.some((t) => typeof t !== "string"))
    ) {
      problems.push(`${where}.tags must be an array of strings`);
    }
    checkAuthors(item.authors, where, problems);
    checkExtensions(item, KNOWN_ITEM, where, problems);
  }
  return problems;
}
