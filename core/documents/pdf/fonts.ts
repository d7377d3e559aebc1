// The fonts embedded in every document: DejaVu Sans (free licence, see the README's dependency
// table), which covers Latin, Greek and Cyrillic with €, ß, umlauts. Read once per process.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface DocumentFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

let loaded: Promise<DocumentFonts> | undefined;

export function loadDocumentFonts(): Promise<DocumentFonts> {
  loaded ??= (async () => {
    const dir = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const [regular, bold] = await Promise.all([
      readFile(join(dir, 'DejaVuSans.ttf')),
      readFile(join(dir, 'DejaVuSans-Bold.ttf')),
    ]);
    return { regular, bold };
  })();
  return loaded;
}
