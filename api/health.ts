/**
 * Health checks: probe the database (and optional extra components) with a
 * timeout and report status and latency. Runtime-neutral (Node and Workers).
 *
 * The report is public: it never carries error messages (they can hold host
 * names or connection details); pass `onProbeError` to log them.
 */

export type DatabaseKind = 'pglite' | 'postgres';

export interface HealthProbe {
  ping(): Promise<void>;
}

export interface DatabaseProbe extends HealthProbe {
  kind: DatabaseKind;
}

export interface ComponentHealth {
  status: 'up' | 'down';
  latencyMs: number;
  /** Why it is down, in public words: `timeout after 2000 ms` or `unreachable`. */
  reason?: string;
}

export interface DatabaseHealth extends ComponentHealth {
  kind: DatabaseKind;
}

/** What `GET /health` reports (the app adds `version`). */
export interface HealthReport {
  /** `ok` when every component is up, else `degraded` (HTTP 503). */
  status: 'ok' | 'degraded';
  uptimeSeconds: number;
  database: DatabaseHealth;
  /** Extra components (e.g. `redis`), present when extra probes were given. */
  components?: Record<string, ComponentHealth>;
}

export interface HealthCheckOptions {
  /** More components to probe; any one down makes the report `degraded`. */
  probes?: Record<string, HealthProbe>;
  /** Per-probe time limit (default 2000 ms). */
  timeoutMs?: number;
  /** Called with the real error of a failed probe (for logging). */
  onProbeError?: (component: string, error: unknown) => void;
}

const DEFAULT_TIMEOUT_MS = 2000;

class ProbeTimeout extends Error {}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

async function runProbe(
  name: string,
  probe: HealthProbe,
  timeoutMs: number,
  onError: HealthCheckOptions['onProbeError'],
): Promise<ComponentHealth> {
  const start = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => probe.ping()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProbeTimeout(`${name} probe timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', latencyMs: round(performance.now() - start) };
  } catch (error) {
    try {
      onError?.(name, error);
    } catch {
      // a failing logger must not break the health check
    }
    return {
      status: 'down',
      latencyMs: round(performance.now() - start),
      reason: error instanceof ProbeTimeout ? `timeout after ${timeoutMs} ms` : 'unreachable',
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * Build the `health()` function the app calls on `GET /health`. Probes run
 * concurrently; each is bounded by `timeoutMs`. Never throws.
 */
export function makeHealthCheck(probe: DatabaseProbe, extra: HealthCheckOptions = {}): () => Promise<HealthReport> {
  const startedAt = performance.now();
  const timeoutMs = extra.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const probes = Object.entries(extra.probes ?? {});
  return async () => {
    const [database, ...others] = await Promise.all([
      runProbe('database', probe, timeoutMs, extra.onProbeError),
      ...probes.map(([name, p]) => runProbe(name, p, timeoutMs, extra.onProbeError)),
    ]);
    const { status, latencyMs, reason } = database as ComponentHealth;
    const db: DatabaseHealth = { status, kind: probe.kind, latencyMs, ...(reason ? { reason } : {}) };
    const report: HealthReport = {
      status: db.status === 'up' && others.every((c) => c.status === 'up') ? 'ok' : 'degraded',
      uptimeSeconds: Math.floor((performance.now() - startedAt) / 1000),
      database: db,
    };
    if (probes.length > 0) {
      report.components = Object.fromEntries(probes.map(([name], i) => [name, others[i] as ComponentHealth]));
    }
    return report;
  };
}
