// Scalar's standalone docs bundle, read from node_modules (never from a CDN). Node only.
// `@scalar/api-reference` does not export the file, so it is found next to its entry point.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCALAR_PACKAGE = '@scalar/api-reference';

/** Path of dist/browser/standalone.js, or null when the package is not installed. */
export function scalarBundlePath(): string | null {
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve(SCALAR_PACKAGE));
  } catch {
    return null;
  }
  // entry: <pkg>/dist/index.js
  const file = join(dirname(entry), 'browser', 'standalone.js');
  return existsSync(file) ? file : null;
}

/** Loads the bundle once; resolves to null when it is not installed. */
export function scalarScriptLoader(): () => Promise<string | null> {
  let loaded: Promise<string | null> | undefined;
  return () => {
    loaded ??= (async () => {
      const path = scalarBundlePath();
      return path ? readFile(path, 'utf8') : null;
    })();
    return loaded;
  };
}
