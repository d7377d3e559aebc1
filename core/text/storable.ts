// Characters PostgreSQL cannot store: NUL (U+0000), refused by text columns and, as the \u0000
// escape, by jsonb (22P05); and an unpaired UTF-16 surrogate ("\ud800" alone), which JSON
// can carry and JavaScript strings hold but jsonb refuses too. A string holding either must not
// reach the database: the API refuses it (400 naming the field), the webhook door replaces it
// with U+FFFD (a channel's authentic event is kept, with the places it was altered recorded).
// One rule, one walker, one path format ("lines.0.title", as the API names fields), for both.

export const UNSTORABLE_MESSAGE = 'must not contain NUL (U+0000) or unpaired surrogate characters';
/** What replaces an unstorable character: the Unicode replacement character, visible to a person. */
export const REPLACEMENT = '\uFFFD';

/** NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one (code units). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this rule looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

export function isStorable(s: string): boolean {
  return !UNSTORABLE.test(s);
}

export function storable(s: string): string {
  return isStorable(s) ? s : s.replace(UNSTORABLE_ALL, REPLACEMENT);
}

/** Paths of the strings (values or object keys) that are not storable, at most `limit` of them. */
export function unstorablePaths(value: unknown, limit = 20): string[] {
  const found: string[] = [];
  walk(value, [], (path) => {
    found.push(path);
    return found.length < limit;
  });
  return found;
}

/** A copy of `value` with every string and key made storable, and the paths altered. */
export function makeStorable(value: unknown): { value: unknown; paths: string[] } {
  const paths: string[] = [];
  if (unstorablePaths(value, 1).length === 0) return { value, paths };
  const clean = (v: unknown, path: string[]): unknown => {
    if (typeof v === 'string') {
      if (isStorable(v)) return v;
      paths.push(pathText(path));
      return storable(v);
    }
    if (Array.isArray(v)) return v.map((x, i) => clean(x, [...path, String(i)]));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const key = storable(k);
        if (key !== k) paths.push(pathText([...path, key]));
        out[key] = clean(x, [...path, key]);
      }
      return out;
    }
    return v;
  };
  return { value: clean(value, []), paths };
}

function pathText(path: string[]): string {
  return path.map(storable).join('.') || '(root)';
}

/** Calls `hit` with the path of each unstorable string or key until it returns false. */
function walk(v: unknown, path: string[], hit: (path: string) => boolean): boolean {
  if (typeof v === 'string') return isStorable(v) ? true : hit(pathText(path));
  if (v === null || typeof v !== 'object') return true;
  const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
  for (const [k, x] of entries) {
    path.push(k);
    const go = (isStorable(k) || hit(pathText(path))) && walk(x, path, hit);
    path.pop();
    if (!go) return false;
  }
  return true;
}
