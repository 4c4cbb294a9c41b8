/** Test helpers for XML output. */

const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;

/**
 * A small well-formedness check of XML 1.0 (the subset SVG pictures and badges need): an optional
 * XML declaration, one root, every tag closed in order, attributes quoted and not repeated, `<` and
 * `&` in text or attribute values only as markup or entities.
 * @returns the elements in document order, with their attributes and text
 * @throws Error naming the first problem
 */
export function parseXml(xml: string): Array<{ name: string; attributes: Record<string, string>; text: string }> {
  let rest = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const stack: Array<{ name: string; attributes: Record<string, string>; text: string }> = [];
  const elements: typeof stack = [];
  let roots = 0;
  const checkText = (text: string) => {
    for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) {
      if (!ENTITY.test(text.slice(i))) throw new Error(`bare & in ${JSON.stringify(text.slice(i, i + 20))}`);
    }
  };
  while (rest.length > 0) {
    const open = rest.indexOf('<');
    if (open === -1) {
      if (rest.trim() !== '') throw new Error('text after the root element');
      break;
    }
    const text = rest.slice(0, open);
    if (stack.length === 0 && text.trim() !== '') throw new Error('text outside the root element');
    checkText(text);
    if (stack.length > 0) stack.at(-1)!.text += text;
    const close = rest.indexOf('>', open);
    if (close === -1) throw new Error('unclosed tag');
    const tag = rest.slice(open + 1, close);
    rest = rest.slice(close + 1);
    if (tag.startsWith('/')) {
      if (stack.pop()?.name !== tag.slice(1)) throw new Error(`</${tag.slice(1)}> closes nothing open`);
      continue;
    }
    const match = /^([A-Za-z][\w:-]*)((?:\s+[A-Za-z][\w:-]*="[^"<]*")*)\s*(\/?)$/.exec(tag);
    if (!match) throw new Error(`malformed tag <${tag}>`);
    const [, name, attributeText, selfClosing] = match as unknown as [string, string, string, string];
    const attributes: Record<string, string> = {};
    for (const [, attribute, value] of attributeText.matchAll(/([A-Za-z][\w:-]*)="([^"]*)"/g)) {
      checkText(value!);
      if (attribute! in attributes) throw new Error(`repeated attribute in <${name}>`);
      attributes[attribute!] = value!;
    }
    if (stack.length === 0 && ++roots > 1) throw new Error('more than one root element');
    const element = { name, attributes, text: '' };
    elements.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  return elements;
}
