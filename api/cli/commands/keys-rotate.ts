// omnihub keys rotate --new-key <file | env:NAME>: re-encrypt the stored channel credentials
// with a new OMNIHUB_SECRET_KEY (core/accounts/rotate-secret-key.ts). The new key is read from a
// file or an environment variable, never from the command line (shell history, ps).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RotationRefused, rotateSecretKey } from '../../../core/accounts/rotate-secret-key.ts';
import { SECRET_KEY_FILE } from '../../../core/crypto/secret-key.ts';
import { parseSecretKey, SecretError } from '../../../core/crypto/secrets.ts';
import { type CommandSpec, type ParsedArgs, UsageError } from '../args.ts';
import { type CliContext, EXIT, withDatabase } from '../io.ts';

export const keysRotate: CommandSpec = {
  name: 'keys rotate',
  summary:
    'Re-encrypt every stored channel credential with a new OMNIHUB_SECRET_KEY, in one transaction; nothing changes on any error.',
  options: {
    'new-key': {
      type: 'string',
      required: true,
      valueName: 'file|env:NAME',
      description: 'a file holding the new key, or env:NAME for an environment variable holding it',
    },
  },
  notes: [
    'Stop every hub process first. The key in use (OMNIHUB_SECRET_KEY, else <OMNIHUB_DATA_DIR>/secret.key) decrypts; ' +
      'afterwards start the processes with OMNIHUB_SECRET_KEY set to the new key.',
  ],
  examples: [
    'openssl rand -hex 32 > new.key && omnihub keys rotate --new-key new.key',
    'omnihub keys rotate --new-key env:NEW_KEY',
  ],
};

async function readNewKey(ctx: CliContext, source: string): Promise<Uint8Array> {
  let text: string | undefined;
  if (source.startsWith('env:')) {
    const name = source.slice(4);
    text = ctx.env[name];
    if (!text?.trim()) throw new UsageError(`--new-key ${source}: the environment variable ${name} is not set`);
  } else {
    try {
      text = await readFile(source, 'utf8');
    } catch (e) {
      throw new UsageError(
        `--new-key ${source}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  try {
    return parseSecretKey(text);
  } catch (e) {
    if (e instanceof SecretError) throw new UsageError(`--new-key ${source}: ${e.message}`);
    throw e;
  }
}

export async function runKeysRotate(ctx: CliContext, args: ParsedArgs): Promise<number> {
  const source = args.options['new-key'] as string;
  const newKey = await readNewKey(ctx, source);
  const config = ctx.config();
  const oldKey = await ctx.secretKey();
  const from = config.secretKey ? 'OMNIHUB_SECRET_KEY' : join(resolve(config.dataDir), SECRET_KEY_FILE);
  if (Buffer.from(oldKey).equals(Buffer.from(newKey))) {
    throw new UsageError(
      `--new-key ${source}: that is the key in use (${from}); generate one with: openssl rand -hex 32`,
    );
  }
  return withDatabase(ctx, async (db) => {
    let done: Awaited<ReturnType<typeof rotateSecretKey>>;
    try {
      done = await rotateSecretKey(db.prisma, oldKey, newKey);
    } catch (e) {
      if (!(e instanceof RotationRefused)) throw e;
      ctx.stderr.write(
        `omnihub keys rotate: the key in use (${from}) does not decrypt ${e.unreadable.join(', ')}; nothing was changed.\n` +
          (e.alreadyNew
            ? 'The new key decrypts them: the rotation was done already. Set OMNIHUB_SECRET_KEY to the new key.\n'
            : 'Set OMNIHUB_SECRET_KEY to the key the hub runs with now (the old key), then run this again.\n'),
      );
      return EXIT.config;
    }
    ctx.stdout.write(
      `re-encrypted the credentials of ${done.accounts} account(s) and ${done.apps} channel app(s), ${done.smtpPasswords} SMTP password(s) and ${done.statusTokens} status link(s) with the new key; each decrypts.\n` +
        `Next: set OMNIHUB_SECRET_KEY to the new key (from ${source}) for every hub process` +
        (config.secretKey ? '' : ` (or write it to ${from}, replacing the old key)`) +
        ', then start them. The old key decrypts nothing any more: keep a copy only until the hub runs on the new one.\n',
    );
    return EXIT.ok;
  });
}
