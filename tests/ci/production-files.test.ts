// docker-compose.yml and the Dockerfile, the README's production starting point: every hub
// service runs a role `omnihub start` knows, the roles the README promises are all there (api
// and worker twice), the migrations run before them, and the image is Node 22, installs the
// lock file, runs as a user other than root and hands SIGTERM to node. (`docker compose config`
// itself runs in .ci/run where docker has the compose plugin.)
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { PROCESS_ROLES } from '../../api/process-roles.ts';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  environment?: Record<string, string>;
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const dockerfile = readFileSync('Dockerfile', 'utf8');

/** The role a hub service starts, or null for a service that is not `omnihub start`. */
function roleOf(s: Service): string | null {
  const c = s.command ?? [];
  if (c[0] !== 'start') return null;
  const i = c.indexOf('--role');
  return i < 0 ? 'all' : (c[i + 1] ?? '');
}

describe('docker-compose.yml', () => {
  const hub = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);

  it('runs every role it names with the count the README gives, each a role omnihub start knows', () => {
    const roles = hub.flatMap(([, s]) => (roleOf(s) === null ? [] : [[roleOf(s), s.deploy?.replicas ?? 1]]));
    for (const [role] of roles) expect(PROCESS_ROLES).toContain(role);
    expect(Object.fromEntries(roles)).toEqual({ api: 2, worker: 2, scheduler: 1 });
  });

  it('shares one PostgreSQL and one Redis, and starts the processes after the migrations', () => {
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'migrate']));
    expect(compose.services.migrate?.command).toEqual(['migrate']);
    for (const [name, s] of hub) {
      expect(s.environment?.DATABASE_URL, name).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(s.environment?.REDIS_URL, name).toBe('redis://redis:6379');
      if (roleOf(s) === null) continue;
      expect(s.depends_on?.migrate, name).toEqual({ condition: 'service_completed_successfully' });
      // Compose's kill comes after the process's own shutdown limit.
      const limit = Number(s.environment?.OMNIHUB_SHUTDOWN_TIMEOUT_SECONDS);
      expect(Number.parseInt(s.stop_grace_period ?? '10', 10), name).toBeGreaterThan(limit);
    }
  });
});

describe('Dockerfile', () => {
  it('builds on Node 22, installs the lock file (the Prisma client is generated then), runs unprivileged', () => {
    expect(dockerfile).toMatch(/^FROM node:22[-\w.]*$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^COPY scripts\/prisma-generate\.mjs /m);
    expect(dockerfile).toMatch(/^USER node$/m);
    // Exec form: node itself gets SIGTERM (a shell in between would not pass it on).
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "api\/cli\/bin\.mjs"\]$/m);
  });
});
