/**
 * The element events htmlparser2's Parser derives from its tokenizer's tags (implied closes, void
 * elements, "</p>" and "</br>" alone, self-closing tags only in SVG and MathML), replayed for
 * html-to-text.ts without the rest of the Parser (attribute strings, callbacks it does not need).
 * The tables and rules are the Parser's own (htmlparser2 10, Parser.js), so the text is the same
 * as the Parser's text; test/html-to-text.test.ts compares the two.
 *
 * Only what text extraction needs is reported: an edge of a block element (a word boundary) and
 * whether the text is inside an element whose contents are never readable.
 */

// Elements whose contents are never readable text.
const SKIPPED = new Set(["script", "style", "noscript", "template", "iframe", "object"]);
// Block boundaries become spaces so "<p>a</p><p>b</p>" reads "a b", not "ab".
const BLOCKS = new Set([
  "br",
  "p",
  "div",
  "li",
  "tr",
  "td",
  "th",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "pre",
  "section",
  "article",
]);

const formTags = new Set(["input", "option", "optgroup", "select", "button", "datalist", "textarea"]);
const pTag = new Set(["p"]);
const tableSectionTags = new Set(["thead", "tbody"]);
const ddtTags = new Set(["dd", "dt"]);
const rtpTags = new Set(["rt", "rp"]);
// Opening the key closes the open elements on top of the stack that are in its set.
const OPEN_IMPLIES_CLOSE = new Map<string, Set<string>>([
  ["tr", new Set(["tr", "th", "td"])],
  ["th", new Set(["th"])],
  ["td", new Set(["thead", "th", "td"])],
  ["body", new Set(["head", "link", "script"])],
  ["li", new Set(["li"])],
  ["p", pTag],
  ["h1", pTag],
  ["h2", pTag],
  ["h3", pTag],
  ["h4", pTag],
  ["h5", pTag],
  ["h6", pTag],
  ["select", formTags],
  ["input", formTags],
  ["output", formTags],
  ["button", formTags],
  ["datalist", formTags],
  ["textarea", formTags],
  ["option", new Set(["option"])],
  ["optgroup", new Set(["optgroup", "option"])],
  ["dd", ddtTags],
  ["dt", ddtTags],
  ["address", pTag],
  ["article", pTag],
  ["aside", pTag],
  ["blockquote", pTag],
  ["details", pTag],
  ["div", pTag],
  ["dl", pTag],
  ["fieldset", pTag],
  ["figcaption", pTag],
  ["figure", pTag],
  ["footer", pTag],
  ["form", pTag],
  ["header", pTag],
  ["hr", pTag],
  ["main", pTag],
  ["nav", pTag],
  ["ol", pTag],
  ["pre", pTag],
  ["section", pTag],
  ["table", pTag],
  ["ul", pTag],
  ["rt", rtpTags],
  ["rp", rtpTags],
  ["tbody", tableSectionTags],
  ["tfoot", tableSectionTags],
]);
const VOID = new Set([
  "area",
  "base",
  "basefont",
  "br",
  "col",
  "command",
  "embed",
  "frame",
  "hr",
  "img",
  "input",
  "isindex",
  "keygen",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]);
const FOREIGN = new Set(["math", "svg"]);
const HTML_INTEGRATION = new Set([
  "mi",
  "mo",
  "mn",
  "ms",
  "mtext",
  "annotation-xml",
  "foreignobject",
  "desc",
  "title",
]);

// What each named element is, as bits: one lookup per tag rather than one per table.
const IS_VOID = 1;
const IS_FOREIGN = 2;
const IS_INTEGRATION = 4;
const IS_SKIPPED = 8;
const IS_BLOCK = 16;
const KIND = new Map<string, number>();
for (const [names, bit] of [
  [VOID, IS_VOID],
  [FOREIGN, IS_FOREIGN],
  [HTML_INTEGRATION, IS_INTEGRATION],
  [SKIPPED, IS_SKIPPED],
  [BLOCKS, IS_BLOCK],
] as const) {
  for (const name of names) KIND.set(name, (KIND.get(name) ?? 0) | bit);
}
const kindOf = (name: string): number => KIND.get(name) ?? 0;

/**
 * The names these tables know, each as the one (interned) string the tables hold: a name read
 * from markup and swapped for it is then found in them at once, rather than compared by content.
 */
export const KNOWN_ELEMENT_NAMES = new Map<string, string>(
  [
    ...KIND.keys(),
    ...OPEN_IMPLIES_CLOSE.keys(),
    ...[...OPEN_IMPLIES_CLOSE.values()].flatMap((set) => [...set]),
  ].map((name) => [name, name]),
);

/** The open elements of one HTML fragment, fed the tokenizer's tags (names lower-cased). */
export class HtmlElements {
  /** Depth inside elements whose text is dropped (script, style...). */
  skipDepth = 0;
  /** Told of each start and end of a block element. */
  onBlockEdge: { space(): void } = { space() {} };
  // Innermost last (the Parser keeps it first; the order of events is the same).
  private readonly stack: string[] = [];
  // Whether self-closing tags are honoured here: inside <svg> or <math>, innermost last.
  private readonly foreign: boolean[] = [false];
  // The tag being opened, until its ">".
  private tagName = "";

  /** Back to no open element, for the next fragment. */
  reset(): void {
    this.skipDepth = 0;
    this.stack.length = 0;
    this.foreign.length = 0;
    this.foreign.push(false);
    this.tagName = "";
  }

  /** A start tag's name was read. */
  open(name: string): void {
    this.tagName = name;
    const impliesClose = OPEN_IMPLIES_CLOSE.get(name);
    if (impliesClose) {
      while (this.stack.length > 0 && impliesClose.has(this.stack[this.stack.length - 1]!)) {
        this.closed(this.stack.pop()!);
      }
    }
    const kind = kindOf(name);
    if ((kind & IS_VOID) === 0) {
      this.stack.push(name);
      if (kind & IS_FOREIGN) this.foreign.push(true);
      else if (kind & IS_INTEGRATION) this.foreign.push(false);
    }
    this.opened(name);
  }

  /** The start tag ended with ">". */
  endOpenTag(): void {
    if (kindOf(this.tagName) & IS_VOID) this.closed(this.tagName);
    this.tagName = "";
  }

  /** The start tag ended with "/>": a close only in foreign content, as in the Parser. */
  selfClosing(): void {
    // Guarded: index -1 of an empty array is a slow property lookup (after unmatched end tags).
    if (this.foreign.length > 0 && this.foreign[this.foreign.length - 1] === true) this.closeCurrentTag();
    else this.endOpenTag();
  }

  /** An end tag. */
  close(name: string): void {
    // As the Parser does, even for an end tag that closes nothing.
    const kind = kindOf(name);
    if (kind & (IS_FOREIGN | IS_INTEGRATION)) this.foreign.pop();
    if ((kind & IS_VOID) === 0) {
      const at = this.stack.lastIndexOf(name);
      if (at !== -1) {
        while (this.stack.length > at) this.closed(this.stack.pop()!);
      } else if (name === "p") {
        this.open("p"); // "</p>" alone is an empty paragraph
        this.closeCurrentTag();
      }
    } else if (name === "br") {
      this.opened("br"); // "</br>" is a line break
      this.closed("br");
    }
  }

  private closeCurrentTag(): void {
    const name = this.tagName;
    this.endOpenTag();
    if (this.stack.length > 0 && this.stack[this.stack.length - 1] === name) {
      this.stack.pop();
      this.closed(name);
    }
  }

  private opened(name: string): void {
    const kind = kindOf(name);
    if (kind & IS_SKIPPED) this.skipDepth++;
    else if (kind & IS_BLOCK) this.onBlockEdge.space();
  }

  private closed(name: string): void {
    const kind = kindOf(name);
    if (kind & IS_SKIPPED) this.skipDepth = Math.max(0, this.skipDepth - 1);
    else if (kind & IS_BLOCK) this.onBlockEdge.space();
  }
}
