/**
 * Small pieces the hand markup scanners share (parse/xml-scanner.ts and feed-xml.ts for feed XML,
 * text/simple-markup.ts for HTML in feed fields), so both read names and spaces as htmlparser2's
 * tokenizer does.
 */

/** The tokenizer's whitespace: space, newline, tab, form feed, carriage return. */
export const isMarkupSpace = (c: number): boolean =>
  c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;

/**
 * Names already read, found by their characters in the document without slicing them: a document
 * repeats a few dozen tag and attribute names thousands of times. 256 slots, simply overwritten on
 * collision, so hostile input cannot grow it. With `foldCase`, a name is found whatever the case
 * of its letters; it holds names of letters, digits, "-" and ":" only, lower-cased (for those,
 * OR-ing 0x20 lower-cases letters and changes nothing else).
 */
export class NameSlots {
  private readonly slots = new Array<string | undefined>(256).fill(undefined);
  private readonly fold: number;

  constructor(foldCase: boolean) {
    this.fold = foldCase ? 0x20 : 0;
  }

  private slotOf(text: string, start: number, end: number): number {
    const fold = this.fold;
    let h = end - start;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + (text.charCodeAt(i) | fold)) | 0;
    return h & 255;
  }

  /** The name written at text[start, end), if it is held. */
  find(text: string, start: number, end: number): string | undefined {
    const name = this.slots[this.slotOf(text, start, end)];
    if (name === undefined || name.length !== end - start) return undefined;
    const fold = this.fold;
    for (let i = 0; i < name.length; i++)
      if ((text.charCodeAt(start + i) | fold) !== name.charCodeAt(i)) return undefined;
    return name;
  }

  /** Holds `name` (with `foldCase`, already lower-cased). */
  add(name: string): void {
    this.slots[this.slotOf(name, 0, name.length)] = name;
  }
}
