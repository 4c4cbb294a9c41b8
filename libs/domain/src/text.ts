/** True when `text` has no control characters (C0, DEL, C1): names shown to others must be printable. */
export function isPrintable(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return false;
  }
  return true;
}
