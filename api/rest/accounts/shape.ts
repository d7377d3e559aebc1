import type { z } from '@hono/zod-openapi';
import { iso } from '../serialize.ts';
import type { AccountSchema } from './schemas.ts';

interface AccountRow {
  id: string;
  type: 'shopify' | 'amazon' | 'ebay' | 'pos' | 'square';
  name: string;
  endpointOverride: string | null;
  settings: unknown;
  stockBuffer: number;
  stockMax: number | null;
  stockPercent: number;
  active: boolean;
  authRefusedAt: Date | null;
  authError: string | null;
  createdAt: Date;
  updatedAt: Date;
  locations: { locationId: string; priority: number; externalLocationId: string | null }[];
}

/** The account as the API shows it: never the credentials. */
export function shapeAccount(a: AccountRow): z.infer<typeof AccountSchema> {
  return {
    id: a.id,
    type: a.type,
    name: a.name,
    webhookPath: `/webhooks/${a.id}`,
    endpointOverride: a.endpointOverride,
    settings: (a.settings ?? {}) as Record<string, unknown>,
    stockBuffer: a.stockBuffer,
    stockMax: a.stockMax,
    stockPercent: a.stockPercent,
    active: a.active,
    authRefusedAt: iso(a.authRefusedAt),
    authError: a.authError,
    locations: [...a.locations]
      .sort((x, y) => x.priority - y.priority || x.locationId.localeCompare(y.locationId))
      .map((l) => ({ locationId: l.locationId, priority: l.priority, externalLocationId: l.externalLocationId })),
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

export const ACCOUNT_SELECT = {
  id: true,
  type: true,
  name: true,
  endpointOverride: true,
  settings: true,
  stockBuffer: true,
  stockMax: true,
  stockPercent: true,
  active: true,
  authRefusedAt: true,
  authError: true,
  createdAt: true,
  updatedAt: true,
  locations: { select: { locationId: true, priority: true, externalLocationId: true } },
} as const;
