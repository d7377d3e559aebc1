// What each `omnihub start --role` runs. One process runs everything on the embedded default;
// scaled out, any number of each role share one PostgreSQL and one Redis:
// - api: the HTTP server (REST API, webhook doors, staff pages, /metrics); it only queues jobs;
// - worker: the job handlers, the outbox dispatcher and the sweep that re-derives jobs;
// - scheduler: the schedules (polls, reconciliation, token refresh, cleanup), each tick fired
//   once across all schedulers by the run coordinator (sync/run-coordinators.ts).
// Workers and schedulers answer /health only; any role also serves /metrics alone on
// OMNIHUB_METRICS_PORT when it is set (api/metrics/listener.ts).
import type { Config } from '../core/config.ts';

export const PROCESS_ROLES = ['all', 'api', 'worker', 'scheduler'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export interface RoleParts {
  /** The whole app, or only /health. */
  http: 'full' | 'health';
  sync: { dispatcher: boolean; workers: boolean; schedules: boolean };
}

export function roleParts(role: ProcessRole): RoleParts {
  switch (role) {
    case 'api':
      return { http: 'full', sync: { dispatcher: false, workers: false, schedules: false } };
    case 'worker':
      return { http: 'health', sync: { dispatcher: true, workers: true, schedules: false } };
    case 'scheduler':
      return { http: 'health', sync: { dispatcher: false, workers: false, schedules: true } };
    default:
      return { http: 'full', sync: { dispatcher: true, workers: true, schedules: true } };
  }
}

/**
 * Why this role cannot run on this configuration, or null. A role alone needs others to do the
 * rest: they share the database (the embedded one belongs to one process) and the job queue
 * (the in-process queue is seen by no other process).
 */
export function roleRefusal(role: ProcessRole, config: Pick<Config, 'databaseUrl' | 'redisUrl'>): string | null {
  if (role === 'all') return null;
  const missing = [
    ...(config.databaseUrl ? [] : ['DATABASE_URL=postgres://user:password@host:5432/omnihub (PostgreSQL)']),
    ...(config.redisUrl ? [] : ['REDIS_URL=redis://host:6379 (the job queue the processes share)']),
  ];
  if (!missing.length) return null;
  return (
    `omnihub start --role ${role} runs one part of the hub, beside other processes; ` +
    `${config.databaseUrl ? 'the in-process job queue' : 'the embedded database'} cannot be shared. ` +
    `Set ${missing.join(' and ')}, or run everything in one process with --role all (the default).`
  );
}

/** A role asked for on a configuration it cannot run on (the message names the fix). */
export class RoleRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoleRefused';
  }
}
