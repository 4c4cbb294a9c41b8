/** True when `text` has no control characters (C0, DEL, C1): names shown to others must be printable. */
export function isPrintable(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return false;
  }
  return true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a UUID in its 8-4-4-4-12 hex form (either case). Ids are checked with it before a
 * database query: PostgreSQL refuses a malformed uuid with an error, and an unknown id is NOT_FOUND.
 */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/**
 * Text for XML (SVG pictures and badges): the five special characters as entities, and characters
 * XML 1.0 cannot hold (control characters, lone surrogates) as U+FFFD.
 */
export function escapeXml(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
