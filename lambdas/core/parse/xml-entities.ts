/**
 * Entity references in feed XML, checked and decoded the way the sax parser behind rss-parser did:
 * the five XML entities, numeric references, and HTML's named entities (feeds write &nbsp; and
 * &eacute; without declaring them). DTD-declared entities are never expanded: a reference to one
 * is an unknown entity, which is what keeps billion-laughs and XXE documents inert.
 */
import { decodeHTMLStrict } from "entities";

/** A malformed or unknown entity reference, at `offset` in the document. */
export class EntityError extends Error {
  constructor(
    message: "Invalid character in entity name" | "Invalid character entity",
    readonly offset: number,
  ) {
    super(message);
    this.name = "EntityError";
  }
}

// Maps, not object literals: a name like "constructor" or "__proto__" must not find Object's own.
const XML_ENTITIES = new Map([
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
]);
const known = new Map<string, string | null>();

/** The text a named entity stands for, or null when neither XML nor HTML defines it. */
function namedEntity(name: string): string | null {
  const xml = XML_ENTITIES.get(name);
  if (xml !== undefined) return xml;
  let value = known.get(name);
  if (value === undefined) {
    const reference = `&${name};`;
    const decoded = decodeHTMLStrict(reference);
    value = decoded === reference ? null : decoded;
    // Unknown names are cached too, but the cache cannot grow without bound on hostile input.
    if (known.size < 4096) known.set(name, value);
  }
  return value;
}

function numericEntity(body: string): string | null {
  const hex = body[1] === "x" || body[1] === "X";
  const digits = body.slice(hex ? 2 : 1);
  if (!digits || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) return null;
  const code = parseInt(digits, hex ? 16 : 10);
  return code > 0x10ffff ? null : String.fromCodePoint(code);
}

// Characters sax accepts in an entity name (start, then body); anything else ends it in error.
function isNameChar(c: number, first: boolean): boolean {
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x3a || c === 0x23) {
    return true;
  }
  if (c >= 0xc0) return true;
  return !first && ((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d);
}

/**
 * Decodes the entity references in xml[start, end), or with `decode` false only checks them
 * (returning ""). Throws EntityError on the first bad reference.
 */
export function decodeEntities(xml: string, start: number, end: number, decode: boolean): string {
  let out = "";
  let from = start;
  let amp = xml.indexOf("&", start);
  while (amp !== -1 && amp < end) {
    let i = amp + 1;
    while (i < end && isNameChar(xml.charCodeAt(i), i === amp + 1)) i++;
    if (i >= end || xml.charCodeAt(i) !== 0x3b) throw new EntityError("Invalid character in entity name", i);
    const body = xml.slice(amp + 1, i);
    const value = body.startsWith("#") ? numericEntity(body) : body ? namedEntity(body) : null;
    if (value === null) throw new EntityError("Invalid character entity", i);
    if (decode) out += xml.slice(from, amp) + value;
    from = i + 1;
    amp = xml.indexOf("&", from);
  }
  return decode ? out + xml.slice(from, end) : "";
}
