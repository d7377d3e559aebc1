/**
 * The key that encrypts channel credentials: OMNIHUB_SECRET_KEY, or (for the
 * embedded / development setup) a key generated once and kept in
 * `<OMNIHUB_DATA_DIR>/secret.key` with mode 0600. Node only.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { formatSecretKey, generateSecretKey, parseSecretKey } from './secrets.ts';

export const SECRET_KEY_FILE = 'secret.key';

export interface SecretKeyLogger {
  warn(obj: object, msg?: string): void;
}

export class SecretKeyFileError extends Error {
  readonly code = 'secret_key_file_invalid';
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.name = 'SecretKeyFileError';
    this.path = path;
  }
}

const isWindows = process.platform === 'win32';

function errCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

async function readKeyFile(path: string, logger?: SecretKeyLogger): Promise<Uint8Array | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (errCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  if (!isWindows) {
    const mode = (await stat(path)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      await chmod(path, 0o600);
      logger?.warn(
        { path, mode: `0${mode.toString(8)}` },
        'secret key file was readable by other users; its mode is now 0600',
      );
    }
  }
  try {
    return parseSecretKey(text);
  } catch {
    throw new SecretKeyFileError(
      path,
      `${path} does not hold a valid secret key (expected 64 hex characters). ` +
        'Restore it from a backup, or set OMNIHUB_SECRET_KEY. Deleting it generates a new key, ' +
        'but credentials already stored with the old key can then no longer be decrypted.',
    );
  }
}

/** Create `path` holding `content` only if it does not exist yet, never exposing a half-written file. */
async function createExclusive(path: string, content: string): Promise<boolean> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, content, { mode: 0o600, flag: 'wx' });
  try {
    await chmod(tmp, 0o600);
    await link(tmp, path); // atomic, fails with EEXIST if another process won the race
    return true;
  } catch (e) {
    if (errCode(e) === 'EEXIST') return false;
    if (errCode(e) === 'EPERM' || errCode(e) === 'ENOTSUP' || errCode(e) === 'ENOSYS') {
      // File systems without hard links: fall back to an exclusive create.
      try {
        await writeFile(path, content, { mode: 0o600, flag: 'wx' });
        return true;
      } catch (e2) {
        if (errCode(e2) === 'EEXIST') return false;
        throw e2;
      }
    }
    throw e;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/**
 * Return the 32-byte credentials key: `config.secretKey` when
 * OMNIHUB_SECRET_KEY is set; otherwise the key in `<dataDir>/secret.key`,
 * generating it (mode 0600) on first start. Logs a warning whenever the file
 * is used, since production should set OMNIHUB_SECRET_KEY.
 */
export async function resolveSecretKey(
  config: Pick<Config, 'secretKey' | 'dataDir'>,
  logger?: SecretKeyLogger,
): Promise<Uint8Array> {
  if (config.secretKey) return config.secretKey;

  const dir = resolve(config.dataDir);
  const path = join(dir, SECRET_KEY_FILE);

  const existing = await readKeyFile(path, logger);
  if (existing) {
    logger?.warn(
      { path },
      'OMNIHUB_SECRET_KEY is not set; using the key stored in this file. Production should set OMNIHUB_SECRET_KEY',
    );
    return existing;
  }

  await mkdir(dir, { recursive: true, mode: 0o700 });
  const created = await createExclusive(path, `${formatSecretKey(generateSecretKey())}\n`);
  const key = await readKeyFile(path, logger);
  if (!key) throw new SecretKeyFileError(path, `${path} disappeared right after it was created`);
  logger?.warn(
    { path },
    created
      ? 'OMNIHUB_SECRET_KEY is not set; generated a new key and stored it in this file (mode 0600). ' +
          'Back it up: losing it makes stored channel credentials unreadable. Production should set OMNIHUB_SECRET_KEY'
      : 'OMNIHUB_SECRET_KEY is not set; using the key stored in this file. Production should set OMNIHUB_SECRET_KEY',
  );
  return key;
}
