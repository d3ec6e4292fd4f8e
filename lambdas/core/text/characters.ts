/**
 * Which characters feed text may keep, per kind of output. Feed text is untrusted: it arrives
 * with control characters (ANSI escapes, NUL), lone surrogates, and invisible characters that
 * change what a line appears to say (bidi overrides, zero-width spaces). Every channel takes
 * its text through one of these, so the rules live here once:
 * - `plainText`: multi-line text (email bodies, content): only what XML 1.0 and UTF-8 accept,
 *   no controls but tab, LF and CR.
 * - `oneLine`: one-line fields (titles, names, labels, subjects, terminal and log lines):
 *   controls become spaces (they separate words), lone surrogates and invisible reordering or
 *   zero-width characters are removed, whitespace collapsed and trimmed. (The web outputs
 *   remove controls instead, see display.ts: there they are never word separators.)
 */

// C0 controls except tab/LF/CR, DEL and C1. XML 1.0 forbids the C0 ones; the rest render as
// garbage or drive a terminal (ESC is U+001B, CSI is U+009B).
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
// Half a surrogate pair is not a character: UTF-8 cannot encode it and XML forbids it.
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Noncharacters XML 1.0 forbids.
const NONCHARACTERS = /[\uFFFE\uFFFF]/g;
// Bidi marks, embeddings, overrides and isolates (U+202E makes "gpj.exe" read "exe.jpg"), and
// zero-width characters that split or hide words (U+200B, word joiner, invisible operators).
// ZWJ and ZWNJ (U+200C/U+200D) are kept: emoji sequences and several scripts need them, and
// they cannot reorder text. U+FEFF is whitespace to `\s` and collapses into a space.
const INVISIBLE = /[\u061C\u180E\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069]/g;
const WHITESPACE_RUNS = /\s+/g;

/** Whether a code unit is one of the invisible characters `oneLine` removes. */
export function isInvisibleFormat(c: number): boolean {
  return (
    c === 0x061c ||
    c === 0x180e ||
    c === 0x200b ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x2064) ||
    (c >= 0x2066 && c <= 0x2069)
  );
}

/** Removes half surrogate pairs, so the text is valid Unicode (and encodes to UTF-8 losslessly). */
export function removeLoneSurrogates(text: string): string {
  return text.replace(LONE_SURROGATES, "");
}

/**
 * Multi-line text every channel can carry: controls (but tab, LF, CR), lone surrogates and
 * U+FFFE/U+FFFF removed. Valid in XML 1.0, JSON and UTF-8.
 */
export function plainText(text: string): string {
  return text.replace(CONTROLS, "").replace(LONE_SURROGATES, "").replace(NONCHARACTERS, "");
}

/**
 * One line of text: controls become spaces, lone surrogates, U+FFFE/U+FFFF, bidi controls and
 * zero-width characters are removed, every run of whitespace (line breaks included) becomes one
 * space, and the ends are trimmed.
 */
export function oneLine(text: string): string {
  return text
    .replace(CONTROLS, " ")
    .replace(LONE_SURROGATES, "")
    .replace(NONCHARACTERS, "")
    .replace(INVISIBLE, "")
    .replace(WHITESPACE_RUNS, " ")
    .trim();
}
