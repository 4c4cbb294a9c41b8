/**
 * JSON with object keys sorted (by UTF-16 code units, JavaScript's default order) at every level
 * and no whitespace; numbers as JavaScript prints them. The same value always gives the same text,
 * so it can be hashed (catalog content hashes) or signed (certificates).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
