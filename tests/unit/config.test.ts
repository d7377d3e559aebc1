import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/config.ts';

const HEX_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig defaults', () => {
  it('uses the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databaseKind: 'pglite',
      databaseUrl: undefined,
      dataDir: './data',
      redisUrl: undefined,
      secretKey: undefined,
      adminToken: undefined,
      personalDataRetentionDays: 30,
      shutdownTimeoutMs: 25_000,
      logLevel: 'info',
      nodeEnv: 'development',
      isProduction: false,
    });
  });

  it('reads the shutdown timeout in seconds, and names the variable when it is not one', () => {
    expect(loadConfig({ OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS: '10' }).shutdownTimeoutMs).toBe(10_000);
    for (const bad of ['0', '1.5', 'soon', '601']) {
      expect(configError({ OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS: bad }).issues.map((i) => i.variable)).toEqual([
        'OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS',
      ]);
    }
  });

  it('reads the personal-data retention in days, and names the variable when it is not a day count', () => {
    expect(loadConfig({ OMNIHUB_PERSONAL_DATA_RETENTION_DAYS: '90' }).personalDataRetentionDays).toBe(90);
    for (const bad of ['0', '-1', '1.5', 'thirty', '99999']) {
      expect(configError({ OMNIHUB_PERSONAL_DATA_RETENTION_DAYS: bad }).issues.map((i) => i.variable)).toEqual([
        'OMNIHUB_PERSONAL_DATA_RETENTION_DAYS',
      ]);
    }
  });

  it('treats empty and blank values as unset', () => {
    const c = loadConfig({
      PORT: '',
      HOST: '  ',
      DATABASE_URL: '',
      REDIS_URL: '',
      LOG_LEVEL: '',
      OMNIHUB_SECRET_KEY: '',
    });
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.databaseKind).toBe('pglite');
    expect(c.redisUrl).toBeUndefined();
    expect(c.secretKey).toBeUndefined();
  });

  it('ignores unrelated variables', () => {
    expect(loadConfig({ PATH: '/usr/bin', FOO: 'bar' }).port).toBe(3000);
  });
});

describe('loadConfig values', () => {
  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgresql://omni:pw@db.internal:5432/omnihub',
      OMNIHUB_DATA_DIR: '/var/lib/omnihub',
      REDIS_URL: 'rediss://:pw@cache.internal:6380/0',
      OMNIHUB_SECRET_KEY: HEX_KEY,
      OMNIHUB_ADMIN_TOKEN: 'a'.repeat(32),
      LOG_LEVEL: 'debug',
      NODE_ENV: 'production',
    });
    expect(c.port).toBe(8080);
    expect(c.host).toBe('0.0.0.0');
    expect(c.databaseKind).toBe('postgres');
    expect(c.databaseUrl).toBe('postgresql://omni:pw@db.internal:5432/omnihub');
    expect(c.dataDir).toBe('/var/lib/omnihub');
    expect(c.redisUrl).toBe('rediss://:pw@cache.internal:6380/0');
    expect(c.secretKey).toBeInstanceOf(Uint8Array);
    expect(c.secretKey?.length).toBe(32);
    expect(c.secretKey?.[1]).toBe(0x11);
    expect(c.adminToken).toBe('a'.repeat(32));
    expect(c.logLevel).toBe('debug');
    expect(c.nodeEnv).toBe('production');
    expect(c.isProduction).toBe(true);
  });

  it('accepts both postgres schemes and both redis schemes', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/omnihub' }).databaseKind).toBe('postgres');
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/omnihub' }).databaseKind).toBe('postgres');
    expect(loadConfig({ REDIS_URL: 'redis://localhost:6379' }).redisUrl).toBe('redis://localhost:6379');
    expect(loadConfig({ REDIS_URL: 'rediss://localhost:6380' }).redisUrl).toBe('rediss://localhost:6380');
  });

  it('accepts the port range bounds and trims whitespace', () => {
    expect(loadConfig({ PORT: '1' }).port).toBe(1);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
    expect(loadConfig({ PORT: ' 4000 ' }).port).toBe(4000);
  });

  it('accepts a base64 secret key', () => {
    const b64 = btoa(String.fromCharCode(...Array.from({ length: 32 }, (_, i) => i)));
    const c = loadConfig({ OMNIHUB_SECRET_KEY: b64 });
    expect(Array.from(c.secretKey ?? [])).toEqual(Array.from({ length: 32 }, (_, i) => i));
  });

  it('accepts every pino level', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
      expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
    }
  });
});

describe('ConfigError', () => {
  it('names the variable, the rule and the offending value', () => {
    const e = configError({ PORT: 'abc' });
    expect(e.message).toContain('PORT: must be an integer between 1 and 65535 (got "abc")');
    expect(e.message).toContain('e.g. PORT=3000');
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]?.variable).toBe('PORT');
  });

  it.each(['0', '65536', '3.5', '-1', '1e3', '99999999', '0x10'])('rejects PORT=%s', (port) => {
    expect(configError({ PORT: port }).issues.map((i) => i.variable)).toEqual(['PORT']);
  });

  it('reads OMNIHUB_METRICS_PORT, and refuses one that is not a port or is PORT itself', () => {
    expect(loadConfig({ OMNIHUB_METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(loadConfig({}).metricsPort).toBeUndefined();
    for (const env of [
      { OMNIHUB_METRICS_PORT: 'x' },
      { OMNIHUB_METRICS_PORT: '70000' },
      { PORT: '8080', OMNIHUB_METRICS_PORT: '8080' },
    ]) {
      const e = configError(env);
      expect(e.issues.map((i) => i.variable)).toEqual(['OMNIHUB_METRICS_PORT']);
      expect(e.message).toContain('OMNIHUB_METRICS_PORT: must be an integer between 1 and 65535, other than PORT');
    }
    expect(configError({ OMNIHUB_METRICS_PORT: '3000' }).issues[0]?.variable).toBe('OMNIHUB_METRICS_PORT');
  });

  it('lists every bad variable, one per line, once each', () => {
    const e = configError({
      PORT: 'abc',
      HOST: 'two words',
      DATABASE_URL: 'mysql://localhost/db',
      REDIS_URL: 'http://localhost',
      LOG_LEVEL: 'verbose',
      NODE_ENV: 'staging',
      OMNIHUB_ADMIN_TOKEN: 'short',
      OMNIHUB_SECRET_KEY: 'nope',
    });
    const variables = e.issues.map((i) => i.variable).sort();
    expect(variables).toEqual(
      [
        'DATABASE_URL',
        'HOST',
        'LOG_LEVEL',
        'NODE_ENV',
        'OMNIHUB_ADMIN_TOKEN',
        'OMNIHUB_SECRET_KEY',
        'PORT',
        'REDIS_URL',
      ].sort(),
    );
    const lines = e.message.split('\n');
    for (const v of variables) {
      expect(lines.filter((l) => l.startsWith(`${v}: `))).toHaveLength(1);
    }
    expect(e.message).toContain(
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")',
    );
    expect(e.message).toContain('NODE_ENV: must be one of development, production, test (got "staging")');
    expect(e.message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
    expect(e.message).toContain('unset it to use the embedded PGlite database');
    expect(e.message).toContain('REDIS_URL: must be a redis:// or rediss:// URL');
  });

  it('never echoes secrets or URL passwords', () => {
    const key = 'deadbeef'.repeat(7); // 56 hex chars: wrong length
    const token = 'tiny-tok';
    const e = configError({
      OMNIHUB_SECRET_KEY: key,
      OMNIHUB_ADMIN_TOKEN: token,
      DATABASE_URL: 'mysql://admin:hunter2-db@localhost/db',
      REDIS_URL: 'http://:hunter3-redis@localhost',
    });
    expect(e.message).not.toContain(key);
    expect(e.message).not.toContain('deadbeef');
    expect(e.message).not.toContain(token);
    expect(e.message).not.toContain('hunter2-db');
    expect(e.message).not.toContain('hunter3-redis');
    expect(e.message).toContain('OMNIHUB_SECRET_KEY: must be exactly 32 bytes');
    expect(e.message).toContain('openssl rand -hex 32');
    expect(e.message).toContain('(got 56 characters, not shown)');
    expect(e.message).toContain('mysql://admin:***@localhost/db');
  });

  it('rejects URLs without a host and unparseable URLs', () => {
    expect(configError({ DATABASE_URL: 'postgres://' }).issues[0]?.variable).toBe('DATABASE_URL');
    const e = configError({ DATABASE_URL: 'not a url with p@ss' });
    expect(e.message).toContain('not a URL');
    expect(e.message).not.toContain('p@ss');
  });

  it('rejects secret keys of the wrong size', () => {
    expect(configError({ OMNIHUB_SECRET_KEY: HEX_KEY.slice(2) }).issues[0]?.variable).toBe('OMNIHUB_SECRET_KEY');
    expect(configError({ OMNIHUB_SECRET_KEY: `${HEX_KEY}00` }).issues[0]?.variable).toBe('OMNIHUB_SECRET_KEY');
    expect(configError({ OMNIHUB_SECRET_KEY: btoa('x'.repeat(31)) }).issues[0]?.variable).toBe('OMNIHUB_SECRET_KEY');
  });

  it('requires OMNIHUB_SECRET_KEY in production only', () => {
    const e = configError({ NODE_ENV: 'production' });
    expect(e.issues.map((i) => i.variable)).toEqual(['OMNIHUB_SECRET_KEY']);
    expect(e.message).toContain('OMNIHUB_SECRET_KEY: is required when NODE_ENV=production');
    expect(e.message).toContain('openssl rand -hex 32');
    expect(loadConfig({ NODE_ENV: 'development' }).secretKey).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'test' }).secretKey).toBeUndefined();
  });

  it('reports the production requirement together with other problems', () => {
    const e = configError({ NODE_ENV: 'production', PORT: 'x' });
    expect(e.issues.map((i) => i.variable).sort()).toEqual(['OMNIHUB_SECRET_KEY', 'PORT']);
  });
});
