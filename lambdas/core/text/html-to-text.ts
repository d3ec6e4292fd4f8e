/**
 * Plain text from feed HTML. Feeds put HTML, entity-escaped HTML and plain text in the same
 * fields; everything downstream (classifier, store, renderers) wants plain text.
 *
 * One pass: htmlparser2's tokenizer walks the markup (html-elements.ts replays the element events
 * its Parser would give), and each piece of text goes straight into a LineBuilder that does what
 * `oneLine` does to the joined text, so no intermediate string is built and re-scanned. A capped
 * conversion stops reading markup once the text already decides the cap (htmlToCappedText).
 */
import { Tokenizer, type TokenizerCallbacks } from "htmlparser2";
import { isInvisibleFormat } from "./characters.ts";
import { HtmlElements } from "./html-elements.ts";
import { simpleMarkupToText } from "./simple-markup.ts";
import { GRAPHEME_WINDOW, truncate } from "./truncate.ts";

/**
 * True when `oneLine` would change nothing (and, with refuseMarkup, there is no "<" or "&" for
 * the HTML parser either): no control character, no invisible bidi or zero-width character, no
 * lone surrogate, no whitespace but lone spaces, no space at either end. Clean plain text (most
 * feed fields) is then returned as it is; a char-code loop is several times faster than a regex.
 */
function isClean(text: string, refuseMarkup = false): boolean {
  const n = text.length;
  if (n === 0) return true;
  if (text.charCodeAt(0) === 0x20 || text.charCodeAt(n - 1) === 0x20) return false;
  let previousSpace = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20) {
      if (previousSpace) return false;
      previousSpace = true;
      continue;
    }
    previousSpace = false;
    if (refuseMarkup && (c === 0x3c || c === 0x26)) return false; // "<" or "&": needs the HTML parser
    if (c < 0xa1) {
      if (c < 0x20 || c >= 0x7f) return false; // C0/C1 controls, DEL, tab/newline, no-break space
    } else if (isWideWhitespace(c) || isInvisibleFormat(c)) {
      return false; // the rest of what \s matches; bidi controls and zero-width characters
    } else if (c === 0xfffe || c === 0xffff) {
      return false; // noncharacters XML forbids
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false; // half a surrogate pair
      i++;
    }
  }
  return true;
}

/** Whitespace above U+00A0 that `\s` matches (and the byte-order mark): collapsed like spaces. */
export function isWideWhitespace(c: number): boolean {
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

// The characters kept, written one by one into a buffer reused by every conversion (they never
// nest) and read out as a string once: no slice, piece or join per word. Little-endian UTF-16, as
// Buffer's "ucs2" reads it; a big-endian machine builds the string with fromCharCode instead.
let scratch = new Uint16Array(4096);
// The same memory as bytes, for Buffer#write of long plain runs.
let scratchBytes = Buffer.from(scratch.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// A buffer grown past this (one huge field) is not kept for the next conversion.
const SCRATCH_KEPT = 1 << 20;
// Plain runs longer than this are copied with Buffer#write, which is faster from about here.
const NATIVE_COPY = 24;

// Printable ASCII with single spaces inside, found by the regex engine several times faster than
// a char-code loop. "&" and "<" (rare in text) are left out, so that a run in a piece of markup's
// text stops at the next tag rather than reading on through it; they make runs of their own.
const PRINTABLE_RUN = /[\x21-\x25\x27-\x3b\x3d-\x7e]+(?: [\x21-\x25\x27-\x3b\x3d-\x7e]+)*/y;

/**
 * Builds `oneLine(pieces.join(""))` piece by piece: controls and whitespace runs become one space
 * (none at either end), lone surrogates, U+FFFE/U+FFFF, bidi and zero-width characters are dropped.
 * A surrogate pair split between two pieces is still a pair, as it is in the joined text. What has
 * been built is always a prefix of the final text: a pending space or high surrogate is only
 * written once what follows it is known.
 */
class LineBuilder {
  private length = 0;
  private pairs = 0; // surrogate pairs kept: length - pairs is the length in code points
  private pendingSpace = false;
  private pendingHigh = -1;

  /** `limit`: code points after which `full` turns true (more may still be written). */
  constructor(private readonly limit: number) {}

  get full(): boolean {
    return this.length - this.pairs >= this.limit;
  }

  /**
   * `capText(this.text(), max)` (once, at the end), without counting code points where the text
   * has no surrogate pair (code units are then code points): text of at most `max` units is kept
   * whole, and of longer text only the units `truncate` looks at are read out (it cuts after
   * `max - 1` code points and looks GRAPHEME_WINDOW units past the cut).
   */
  capped(max: number): string {
    if (this.pairs > 0) return capText(this.text(), max);
    if (this.length <= max) return this.text();
    return capText(this.text(max + GRAPHEME_WINDOW), max);
  }

  /** The text built, or its first `units` code units (once, at the end). */
  text(units = this.length): string {
    const n = Math.min(units, this.length);
    const text = LITTLE_ENDIAN
      ? scratchBytes.toString("ucs2", 0, n * 2) // through the standing byte view: no Buffer per text
      : fromCharCodes(scratch.subarray(0, n));
    if (scratch.length > SCRATCH_KEPT) {
      scratch = new Uint16Array(4096);
      scratchBytes = Buffer.from(scratch.buffer);
    }
    return text;
  }

  /** A word boundary (a block element's edge): a space, unless at either end of the text. */
  space(): void {
    this.pendingHigh = -1;
    this.pendingSpace = true;
  }

  /** Appends source[start, end). */
  append(source: string, start: number, end: number): void {
    // Each character gives at most one, plus a pending space and a pending high surrogate.
    const needed = this.length + (end - start) + 2;
    if (needed > scratch.length) {
      const grown = new Uint16Array(Math.max(needed, scratch.length * 2));
      grown.set(scratch.subarray(0, this.length));
      scratch = grown;
      scratchBytes = Buffer.from(grown.buffer);
    }
    const out = scratch;
    let n = this.length;
    let space = this.pendingSpace;
    let i = start;
    if (this.pendingHigh !== -1 && i < end) {
      const low = source.charCodeAt(i);
      if (low >= 0xdc00 && low <= 0xdfff) {
        if (space && n > 0) out[n++] = 0x20;
        space = false;
        out[n++] = this.pendingHigh;
        out[n++] = low;
        this.pairs++;
        i++;
      }
      this.pendingHigh = -1;
    }
    for (; i < end; i++) {
      const c = source.charCodeAt(i);
      if (c > 0x20 && c < 0x7f) {
        // A run of printable ASCII with single spaces inside is kept as it is: found natively
        // (PRINTABLE_RUN), and copied natively when long.
        PRINTABLE_RUN.lastIndex = i;
        let j = PRINTABLE_RUN.test(source) ? PRINTABLE_RUN.lastIndex : i + 1;
        if (j > end) {
          // The run goes on past this piece: it ends here, and a space it ends with is pending.
          j = end;
          if (source.charCodeAt(j - 1) === 0x20) j--;
        }
        if (space) {
          if (n > 0) out[n++] = 0x20;
          space = false;
        }
        if (j - i > NATIVE_COPY && LITTLE_ENDIAN) {
          scratchBytes.write(source.slice(i, j), n * 2, (j - i) * 2, "utf16le");
          n += j - i;
        } else {
          for (let k = i; k < j; k++) out[n++] = source.charCodeAt(k);
        }
        i = j - 1;
      } else if (c > 0xa0 && isKeptAsIs(c)) {
        if (space) {
          if (n > 0) out[n++] = 0x20;
          space = false;
        }
        out[n++] = c;
      } else if (c >= 0xd800 && c <= 0xdbff) {
        if (i + 1 === end) {
          this.pendingHigh = c; // the pair may be completed by the next piece
        } else {
          const next = source.charCodeAt(i + 1);
          if (next >= 0xdc00 && next <= 0xdfff) {
            if (space) {
              if (n > 0) out[n++] = 0x20;
              space = false;
            }
            out[n++] = c;
            out[n++] = next;
            this.pairs++;
            i++;
          } // otherwise half a pair: dropped
        }
      } else if (c <= 0x20 || (c >= 0x7f && c <= 0xa0) || isWideWhitespace(c)) {
        space = true; // whitespace, or a control (a word separator)
      }
      // Otherwise a lone low surrogate, a noncharacter or an invisible character: dropped.
    }
    this.length = n;
    this.pendingSpace = space;
  }
}

/** Whether a character above U+00A0 is kept as it is (surrogates are decided in pairs). */
function isKeptAsIs(c: number): boolean {
  return (
    !(c >= 0xd800 && c <= 0xdfff) &&
    !isWideWhitespace(c) &&
    !isInvisibleFormat(c) &&
    c !== 0xfffe &&
    c !== 0xffff
  );
}

function fromCharCodes(codes: Uint16Array): string {
  let text = "";
  for (let i = 0; i < codes.length; i += 8192) {
    text += String.fromCharCode(...codes.subarray(i, Math.min(codes.length, i + 8192)));
  }
  return text;
}

/**
 * HTML (or plain text) to plain text: tags removed (script, style, noscript and template
 * contents dropped, block elements separated by spaces), entities decoded, then what `oneLine`
 * does: controls, lone surrogates, bidi and zero-width characters removed, whitespace collapsed,
 * trimmed. Plain text without `<` or `&` skips the HTML tokenizer.
 */
export function htmlToText(input: string): string {
  if (!input) return "";
  if (isClean(input, true)) return input;
  return convert(input, Number.POSITIVE_INFINITY);
}

/**
 * `capText(htmlToText(input), max)`, reading no more markup than that result needs. Past `max`
 * code points, `truncate` cuts after the first `max - 1` of them, looking up to 64 code units
 * further for a grapheme boundary; so once the text has `max + 64` code points (hence at least 64
 * units after the cut), the rest cannot change the result and the conversion stops there.
 */
export function htmlToCappedText(input: string, max: number): string {
  if (!input) return "";
  if (isClean(input, true)) return capText(input, max);
  return read(input, max + CAP_LOOKAHEAD).capped(max);
}

// truncate.ts's grapheme window, and one more for the ellipsis.
const CAP_LOOKAHEAD = GRAPHEME_WINDOW + 1;

function convert(input: string, limit: number, scanner = true): string {
  return read(input, limit, scanner).text();
}

function read(input: string, limit: number, scanner = true): LineBuilder {
  let line = new LineBuilder(limit);
  if (input.indexOf("<") === -1 && input.indexOf("&") === -1) {
    line.append(input, 0, input.length);
  } else if (!scanner || !scanMarkup(input, line)) {
    line = new LineBuilder(limit); // what the scanner wrote before giving up is dropped
    markupToText(input, line);
  }
  return line;
}

const scanElements = new HtmlElements();

/** The hand scanner (simple-markup.ts) on plain markup; false when the tokenizer must read it. */
function scanMarkup(markup: string, line: LineBuilder): boolean {
  // One element stack for every conversion (they never nest), emptied for each.
  const elements = scanElements;
  elements.reset();
  elements.onBlockEdge = line;
  return simpleMarkupToText(markup, line, elements);
}

/** htmlToText through htmlparser2's tokenizer alone: what the scanner is tested against. */
export function htmlToTextByTokenizer(input: string): string {
  if (!input) return "";
  if (isClean(input, true)) return input;
  return convert(input, Number.POSITIVE_INFINITY, false);
}

/**
 * Streams the markup through htmlparser2's tokenizer (the one its Parser and cheerio build on),
 * keeping text outside skipped elements with entities decoded, and a space at each block edge.
 */
function markupToText(markup: string, line: LineBuilder): void {
  const reader = new MarkupReader(markup, line);
  reader.tokenizer.write(markup);
  if (!line.full) reader.tokenizer.end();
}

/** The tokenizer's callbacks for one conversion (methods, not closures: one object per call). */
class MarkupReader implements TokenizerCallbacks {
  readonly elements = new HtmlElements();
  readonly tokenizer: Tokenizer;

  constructor(
    private readonly markup: string,
    private readonly line: LineBuilder,
  ) {
    this.tokenizer = new Tokenizer({ xmlMode: false, decodeEntities: true }, this);
    this.elements.onBlockEdge = line;
  }

  onopentagname(start: number, end: number): void {
    this.elements.open(this.markup.slice(start, end).toLowerCase());
  }
  onopentagend(): void {
    this.elements.endOpenTag();
  }
  onselfclosingtag(): void {
    this.elements.selfClosing();
  }
  onclosetag(start: number, end: number): void {
    this.elements.close(this.markup.slice(start, end).toLowerCase());
  }
  ontext(start: number, end: number): void {
    if (this.elements.skipDepth > 0) return;
    this.line.append(this.markup, start, end);
    if (this.line.full) this.tokenizer.pause();
  }
  ontextentity(codePoint: number): void {
    if (this.elements.skipDepth > 0) return;
    const text = String.fromCodePoint(codePoint);
    this.line.append(text, 0, text.length);
    if (this.line.full) this.tokenizer.pause();
  }
  onattribname(): void {}
  onattribdata(): void {}
  onattribentity(): void {}
  onattribend(): void {}
  oncdata(): void {}
  oncomment(): void {}
  ondeclaration(): void {}
  onprocessinginstruction(): void {}
  onend(): void {}
}

/**
 * Caps text at `max` code points on a word boundary when one is near, adding an ellipsis;
 * never splits a surrogate pair or a grapheme (the text policy's `truncate`).
 */
export function capText(text: string, max: number): string {
  return truncate(text, max, { atWord: true });
}
