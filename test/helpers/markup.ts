/**
 * What a reader's HTML parser makes of a string: its text (entities decoded) and the elements
 * and attributes it would create. For the "inert output" checks.
 */
import { Parser as HtmlParser } from "htmlparser2";

/** The text an HTML parser finds in `html`, entities decoded: what a reader shows. */
export function textOf(html: string): string {
  const parts: string[] = [];
  const parser = new HtmlParser({ ontext: (text) => parts.push(text) }, { decodeEntities: true });
  parser.write(html);
  parser.end();
  return parts.join("");
}

/** Elements and attributes an HTML parser finds in `html`. */
export function markupIn(html: string): { elements: string[]; attributes: string[] } {
  const elements: string[] = [];
  const attributes: string[] = [];
  const parser = new HtmlParser({
    onopentag(name, attrs) {
      elements.push(name);
      attributes.push(...Object.keys(attrs));
    },
  });
  parser.write(html);
  parser.end();
  return { elements, attributes };
}
