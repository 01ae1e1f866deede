/**
 * A tiny HTML/SVG structure checker for the report tests: every element the report emits is
 * closed in order (void elements and `/>` excepted), attribute values are quoted, and no text
 * holds a raw '<'. Not a general HTML parser: the report writes no comments, scripts or CDATA.
 */
const VOID_ELEMENTS = new Set(['meta', 'link', 'br', 'hr', 'img', 'input', 'col', 'wbr', 'source']);
const TAG = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>/y;

export interface HtmlCheck {
  errors: string[];
  /** Element name → how many were opened. */
  counts: Map<string, number>;
}

export function checkMarkup(text: string): HtmlCheck {
  const errors: string[] = [];
  const counts = new Map<string, number>();
  const stack: string[] = [];
  let index = 0;
  const doctype = /^<!DOCTYPE html>\s*/i.exec(text);
  if (doctype !== null) index = doctype[0].length;
  while (index < text.length) {
    const open = text.indexOf('<', index);
    if (open < 0) break;
    TAG.lastIndex = open;
    const match = TAG.exec(text);
    if (match === null) {
      errors.push(`unparseable tag at ${open}: ${JSON.stringify(text.slice(open, open + 40))}`);
      index = open + 1;
      continue;
    }
    const [whole, closing, rawName, , selfClosing] = match;
    const name = rawName!.toLowerCase();
    if (closing === '/') {
      const top = stack.pop();
      if (top !== name) errors.push(`</${name}> at ${open} closes <${top ?? 'nothing'}>`);
    } else {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (selfClosing !== '/' && !VOID_ELEMENTS.has(name)) stack.push(name);
    }
    index = open + whole.length;
  }
  if (stack.length > 0) errors.push(`unclosed: ${stack.join(' > ')}`);
  return { errors, counts };
}
