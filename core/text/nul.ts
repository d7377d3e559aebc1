// The NUL character (U+0000) in content. PostgreSQL stores neither it in text columns nor the
// \u0000 escape in jsonb (22P05), so a string that holds it must not reach the database: the
// API refuses it (400 naming the field), the webhook door replaces it (a channel's authentic
// event is kept, with the places it was altered recorded). One rule, one walker, one path
// format ("lines.0.title", as the API names fields), used by both.

export const NUL = '\u0000';
/** What the webhook door puts in a NUL's place: the Unicode replacement character, visible to a person. */
export const NUL_REPLACEMENT = '\uFFFD';
export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/** Paths of the strings (values or object keys) that hold a NUL, at most `limit` of them. */
export function nulPaths(value: unknown, limit = 20): string[] {
  const found: string[] = [];
  walk(value, [], (path) => {
    found.push(path);
    return found.length < limit;
  });
  return found;
}

/** A copy of `value` with every NUL in its strings and keys replaced, and the paths altered. */
export function replaceNul(value: unknown): { value: unknown; paths: string[] } {
  const paths: string[] = [];
  const clean = (v: unknown, path: string[]): unknown => {
    if (typeof v === 'string') {
      if (!v.includes(NUL)) return v;
      paths.push(pathText(path));
      return v.replaceAll(NUL, NUL_REPLACEMENT);
    }
    if (Array.isArray(v)) return v.map((x, i) => clean(x, [...path, String(i)]));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const key = k.includes(NUL) ? k.replaceAll(NUL, NUL_REPLACEMENT) : k;
        if (key !== k) paths.push(pathText([...path, key]));
        out[key] = clean(x, [...path, key]);
      }
      return out;
    }
    return v;
  };
  if (nulPaths(value, 1).length === 0) return { value, paths };
  const cleaned = clean(value, []);
  return { value: cleaned, paths };
}

function pathText(path: string[]): string {
  return path.map((p) => p.replaceAll(NUL, NUL_REPLACEMENT)).join('.') || '(root)';
}

/** Calls `hit` with the path of each NUL-holding string or key until it returns false. */
function walk(v: unknown, path: string[], hit: (path: string) => boolean): boolean {
  if (typeof v === 'string') return v.includes(NUL) ? hit(pathText(path)) : true;
  if (v === null || typeof v !== 'object') return true;
  const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
  for (const [k, x] of entries) {
    path.push(k);
    const go = (!k.includes(NUL) || hit(pathText(path))) && walk(x, path, hit);
    path.pop();
    if (!go) return false;
  }
  return true;
}
