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

// The code point found by the last successful simpleEntity call (a module variable: no object
// and no string per call).
let simpleCode = 0;

/**
 * The index of the ";" ending a reference the fast path can read without slicing (one of the five
 * XML entities or a short numeric reference), its code point left in `simpleCode`; -1 for anything
 * else (HTML names, malformed or out-of-range references): the general path then decides and
 * reports.
 */
function simpleEntity(xml: string, amp: number, end: number): number {
  const c = xml.charCodeAt(amp + 1);
  if (c === 0x23) {
    // "#": decimal, or "x"/"X" and hex; at most 6 digits keeps the value below 0x1000000.
    let i = amp + 2;
    const hex = (xml.charCodeAt(i) | 0x20) === 0x78;
    if (hex) i++;
    const first = i;
    let code = 0;
    for (; i < end && i - first < 7; i++) {
      const d = xml.charCodeAt(i);
      if (d >= 0x30 && d <= 0x39) code = code * (hex ? 16 : 10) + d - 0x30;
      else if (hex && (d | 0x20) >= 0x61 && (d | 0x20) <= 0x66) code = code * 16 + (d | 0x20) - 0x57;
      else break;
    }
    if (i === first || i - first > 6 || i >= end || xml.charCodeAt(i) !== 0x3b || code > 0x10ffff) return -1;
    simpleCode = code;
    return i;
  }
  let name: string;
  let code: number;
  switch (c) {
    case 0x6c: // l
      name = "lt;";
      code = 0x3c;
      break;
    case 0x67: // g
      name = "gt;";
      code = 0x3e;
      break;
    case 0x61: // a
      if (xml.charCodeAt(amp + 2) === 0x6d) {
        name = "amp;";
        code = 0x26;
      } else {
        name = "apos;";
        code = 0x27;
      }
      break;
    case 0x71: // q
      name = "quot;";
      code = 0x22;
      break;
    default:
      return -1;
  }
  const semicolon = amp + name.length;
  if (semicolon >= end || !xml.startsWith(name, amp + 1)) return -1;
  simpleCode = code;
  return semicolon;
}

/**
 * Decodes the entity references in xml[start, end), or with `decode` false only checks them
 * (returning ""). Once `maxLength` characters are decoded the rest is only checked: the result is
 * then at least that long and a prefix of the whole decoded text. Throws EntityError on the first
 * bad reference.
 */
export function decodeEntities(
  xml: string,
  start: number,
  end: number,
  decode: boolean,
  maxLength = Number.POSITIVE_INFINITY,
): string {
  let from = start;
  let amp = xml.indexOf("&", start);
  if (amp === -1 || amp >= end) return decode ? xml.slice(start, end) : "";
  const out = decode ? new Utf16Writer() : undefined;
  while (amp !== -1 && amp < end) {
    let semicolon = simpleEntity(xml, amp, end);
    let value: string | null = null;
    if (semicolon === -1) {
      let i = amp + 1;
      while (i < end && isNameChar(xml.charCodeAt(i), i === amp + 1)) i++;
      if (i >= end || xml.charCodeAt(i) !== 0x3b)
        throw new EntityError("Invalid character in entity name", i);
      const body = xml.slice(amp + 1, i);
      value = body.startsWith("#") ? numericEntity(body) : body ? namedEntity(body) : null;
      if (value === null) throw new EntityError("Invalid character entity", i);
      semicolon = i;
    }
    if (out && out.length < maxLength) {
      out.copy(xml, from, amp);
      if (value === null) out.codePoint(simpleCode);
      else out.copy(value, 0, value.length);
    }
    from = semicolon + 1;
    amp = xml.indexOf("&", from);
  }
  if (!out) return "";
  if (out.length < maxLength) out.copy(xml, from, end);
  return out.text();
}

// Decoded text is written into one buffer reused by every call and read out once: a reference
// every few characters (escaped HTML) would otherwise make two string pieces each. Little-endian
// UTF-16 as Buffer's "ucs2" reads it (lone surrogates kept); big-endian machines join pieces.
let scratch = new Uint16Array(4096);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const SCRATCH_KEPT = 1 << 20;
// The same memory as bytes, for Buffer#write; and the run length from which that is faster.
let scratchBytes = Buffer.from(scratch.buffer);
const NATIVE_COPY = 24;

class Utf16Writer {
  length = 0;
  private readonly pieces: string[] = [];

  copy(text: string, start: number, end: number): void {
    if (!LITTLE_ENDIAN) {
      this.pieces.push(text.slice(start, end));
      this.length += end - start;
      return;
    }
    let n = this.length;
    const buffer = n + end - start > scratch.length ? this.grow(n + end - start) : scratch;
    if (end - start > NATIVE_COPY) {
      // Long runs (text between references) are copied natively: a slice shares the text's
      // characters, and Buffer#write copies them several times faster than a char-code loop.
      scratchBytes.write(text.slice(start, end), n * 2, (end - start) * 2, "utf16le");
      this.length = n + end - start;
      return;
    }
    for (let i = start; i < end; i++) buffer[n++] = text.charCodeAt(i);
    this.length = n;
  }

  /** One code point (two units above U+FFFF), with no string made for it. */
  codePoint(code: number): void {
    if (!LITTLE_ENDIAN) {
      this.pieces.push(String.fromCodePoint(code));
      this.length += code > 0xffff ? 2 : 1;
      return;
    }
    const n = this.length;
    const buffer = n + 2 > scratch.length ? this.grow(n + 2) : scratch;
    if (code > 0xffff) {
      buffer[n] = 0xd800 + ((code - 0x10000) >> 10);
      buffer[n + 1] = 0xdc00 + ((code - 0x10000) & 0x3ff);
      this.length = n + 2;
    } else {
      buffer[n] = code;
      this.length = n + 1;
    }
  }

  private grow(needed: number): Uint16Array {
    const grown = new Uint16Array(Math.max(scratch.length * 2, needed));
    grown.set(scratch.subarray(0, this.length));
    scratch = grown;
    scratchBytes = Buffer.from(grown.buffer);
    return grown;
  }

  text(): string {
    if (!LITTLE_ENDIAN) return this.pieces.join("");
    // Read through the standing byte view: no Buffer object per text.
    const text = scratchBytes.toString("ucs2", 0, this.length * 2);
    if (scratch.length > SCRATCH_KEPT) {
      scratch = new Uint16Array(4096);
      scratchBytes = Buffer.from(scratch.buffer);
    }
    return text;
  }
}
