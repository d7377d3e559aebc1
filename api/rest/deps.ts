// What createApiRoutes needs from its host (api/main.ts, tests, the demo).
import type { ChannelConnector, ChannelType } from '../../connectors/connector.ts';
import type { Clock } from '../../core/clock.ts';
import type { Config } from '../../core/config.ts';
import type { ArchiveStores } from '../../core/documents/archive/stores.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import type { AppLogger } from '../app.ts';
import type { Principal } from '../auth/principal.ts';
import type { QueueDepths } from '../metrics/db-gauges.ts';
import type { InboxWriterOptions } from '../webhooks/inbox-writer.ts';
import type { MetricsRegistry } from '../../core/metrics/registry.ts';

/** The sync runtime's door (sync/, another engineer): run an account's sync soon. */
export interface SyncTrigger {
  syncNow(accountId: string): Promise<{ queued: boolean }>;
}

export interface ApiDeps {
  prisma: PrismaClient;
  /** The webhook door's inbox writes go through this client (Database.door); default `prisma`. */
  doorPrisma?: PrismaClient;
  /** Encrypts channel credentials at rest (resolveSecretKey). */
  secretKey: Uint8Array;
  /** One connector per channel type; an account whose type has none cannot take webhooks or be tested. */
  connectors: Partial<Record<ChannelType, ChannelConnector>>;
  logger: AppLogger;
  config: Pick<Config, 'adminToken'> & Partial<Pick<Config, 'publicUrl'>>;
  /** Accepted as an admin token too: the one the hub writes to its data directory for the local CLI. */
  localToken?: string;
  /** The hub's clock (core/clock.ts); the system clock by default. */
  clock?: Clock;
  sync?: SyncTrigger;
  /**
   * Called when the API created or changed an account, after its own caches forgot it: the
   * host's other caches (the synchronizer's) forget it too, so the change applies at once.
   */
  onAccountChanged?: (accountId: string) => void;
  /** Called (not awaited) after a webhook stored new inbox events, e.g. to kick the processor. */
  onInboxEvents?: (accountId: string) => void | Promise<void>;
  /** Depths of the job queues (BullMQ or in-process), added to /metrics. */
  queueDepths?: QueueDepths;
  /** Defaults to the process-wide registry. */
  metrics?: MetricsRegistry;
  /** Largest /api/v1 request body accepted (default 1 MiB); larger → 413 payload_too_large. */
  apiMaxBytes?: number;
  /** Largest webhook body accepted (default 5 MiB); larger → 413. */
  webhookMaxBytes?: number;
  /** Group commit of webhook inbox writes (api/webhooks/inbox-writer.ts); defaults suit a pool of 10. */
  webhookWriter?: InboxWriterOptions;
  /** How long decrypted account contexts stay cached (default 60 s; 0 disables). */
  accountCacheTtlMs?: number;
  /**
   * The docs UI script (Scalar's standalone bundle), read from a local file: null serves the
   * built-in minimal viewer. Default: `@scalar/api-reference` from node_modules when installed.
   */
  docsScript?: () => Promise<string | null>;
  /** Where order documents are archived (core/documents/archive); default: the database. */
  documentStores?: ArchiveStores;
  /** Require an API key for /metrics (default true; Prometheus sends it as a bearer token). */
  metricsRequireAuth?: boolean;
}

/** Hono environment of every API route. */
export interface ApiEnv {
  Variables: { requestId: string; principal: Principal };
}
