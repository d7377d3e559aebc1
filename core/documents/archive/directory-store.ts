// The archive in a directory: one read-only file per document (<id>.pdf, and <id>.xml for an e-invoice). The bytes go to a
// temporary file first and are then hard-linked to their name, which fails if the name exists:
// a document appears whole or not at all, and is never overwritten.
import { randomUUID } from 'node:crypto';
import { chmod, link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ArchiveFile, ArchiveOverwriteError, type DocumentStore } from './store.ts';

const SAFE_ID = /^[A-Za-z0-9_-]+$/;

export function directoryStore(dir: string): DocumentStore {
  const pathOf = (id: string, file: ArchiveFile = 'pdf') => {
    if (!SAFE_ID.test(id)) throw new Error(`not a document id: ${JSON.stringify(id)}`);
    return join(dir, `${id}.${file}`);
  };
  return {
    name: 'directory',
    async put(_tx, documentId, bytes, file) {
      const target = pathOf(documentId, file);
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `.incoming-${randomUUID()}`);
      await writeFile(temp, bytes, { flag: 'wx', mode: 0o444 });
      try {
        await link(temp, target);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ArchiveOverwriteError(documentId);
        throw e;
      } finally {
        await unlink(temp);
      }
      await chmod(target, 0o444);
    },
    async get(documentId, file) {
      try {
        return new Uint8Array(await readFile(pathOf(documentId, file)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
  };
}
