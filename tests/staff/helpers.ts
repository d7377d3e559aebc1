// Shared setup for the staff page suites: stores with a PIN, pickup orders arriving through
// ingestion, the hub app with the staff routes mounted as the lead mounts them, and a tiny
// browser-like client (cookie jar, same-origin Origin header, CSRF token from the page).
import { randomBytes } from 'node:crypto';
import { createApp } from '../../api/app.ts';
import { createStaffRoutes, type StaffDeps } from '../../api/staff/index.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { ingestOrder } from '../../core/orders/ingest.ts';
import { setStorePin } from '../../core/pickups/pin.ts';
import { draft } from '../support/drafts.ts';
import { seedAccount, seedSku, stock } from '../support/seed.ts';

export const ORIGIN = 'http://hub.test';

export const silentLogger = { info() {}, warn() {}, error() {} };

export interface Store {
  id: string;
  code: string;
  name: string;
  externalId: string;
  pin: string;
}

export async function seedStore(
  prisma: PrismaClient,
  id: string,
  opts: { name?: string; pin?: string; timezone?: string; holdDays?: number } = {},
): Promise<Store> {
  const store = {
    id,
    code: id.toUpperCase(),
    name: opts.name ?? id,
    externalId: `gid://shopify/Location/${id}`,
    pin: opts.pin ?? '482915',
  };
  await prisma.location.create({
    data: {
      id,
      code: store.code,
      name: store.name,
      kind: 'store',
      pickupEnabled: true,
      timezone: opts.timezone ?? 'Europe/Paris',
      pickupHoldDays: opts.holdDays ?? 7,
    },
  });
  await setStorePin(prisma, id, store.pin);
  return store;
}

/** One shop account serving the given stores; SKUs stocked in each. */
export async function seedShop(prisma: PrismaClient, account: string, stores: Store[], skus: Record<string, number>) {
  await seedAccount(
    prisma,
    account,
    stores.map((s) => ({ locationId: s.id, externalLocationId: s.externalId })),
  );
  for (const [code, qty] of Object.entries(skus)) {
    await seedSku(prisma, code);
    for (const s of stores) await stock(prisma, `sku-${code}`, s.id, qty);
  }
}

export async function pickupOrder(
  prisma: PrismaClient,
  account: string,
  store: Store,
  externalId: string,
  lines: { sku: string; quantity: number; title?: string }[],
  customer = 'Ada Lovelace',
) {
  const r = await ingestOrder(
    prisma,
    account,
    draft(externalId, lines, {
      fulfilmentMethod: 'pickup',
      pickupLocation: { externalId: store.externalId },
      customer: { name: customer, email: 'ada@example.com', phone: '+33 1 23 45 67 89' },
    }),
  );
  if (r.status !== 'allocated') throw new Error(`order ${externalId} is ${r.status}, expected allocated`);
  return r.orderId;
}

export function staffApp(prisma: PrismaClient, over: Partial<StaffDeps> = {}) {
  const secretKey = new Uint8Array(randomBytes(32));
  const app = createApp({ health: async () => ({ status: 'ok' }) as never, version: 'test', logger: silentLogger });
  app.route('/staff', createStaffRoutes({ prisma, secretKey, logger: silentLogger, ...over }));
  return app;
}

type App = ReturnType<typeof staffApp>;

export interface Reply {
  status: number;
  html: string;
  location: string | null;
  headers: Headers;
}

/** A browser-like client: keeps the cookie, sends a same-origin Origin on POST, knows the CSRF token of the last page. */
export class Client {
  cookie = '';
  csrf = '';
  constructor(
    readonly app: App,
    readonly ip = '10.0.0.1',
  ) {}

  async request(path: string, init: RequestInit & { origin?: string | null } = {}): Promise<Reply> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    if (init.method === 'POST' && init.origin !== null && !headers.has('origin')) {
      headers.set('origin', init.origin ?? ORIGIN);
    }
    const env = { incoming: { socket: { remoteAddress: this.ip } } };
    const res = await this.app.request(`${ORIGIN}${path}`, { ...init, headers }, env);
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const [pair] = setCookie.split(';');
      this.cookie = /=$/.test(pair ?? '') || /Max-Age=0/i.test(setCookie) ? '' : (pair ?? '');
    }
    const html = await res.text();
    const token = /name="_csrf" value="([^"]*)"/.exec(html)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, html, location: res.headers.get('location'), headers: res.headers };
  }

  get(path: string) {
    return this.request(path);
  }

  /** POSTs a form; `_csrf` is added from the last page unless given. */
  post(path: string, form: Record<string, string> = {}, init: { origin?: string | null; headers?: HeadersInit } = {}) {
    const body = new URLSearchParams({ _csrf: this.csrf, ...form });
    return this.request(path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(init.headers ?? {}) },
      origin: init.origin,
    });
  }

  async signIn(store: Store, pin = store.pin, name = 'Sam') {
    await this.get('/staff/login');
    return this.post('/staff/login', { store: store.code, pin, name });
  }
}

/** Order numbers shown in one lane of a board page or fragment. */
export function laneNumbers(html: string, lane: 'to-pick' | 'ready' | 'collected'): string[] {
  const start = html.indexOf(`data-testid="lane-${lane}"`);
  if (start < 0) throw new Error(`lane ${lane} not in page`);
  const section = html.slice(start, html.indexOf('</section>', start));
  return [...section.matchAll(/data-order="([^"]*)"/g)].map((m) => m[1] ?? '');
}

export async function pushes(prisma: PrismaClient, orderId: string, kind?: string) {
  const rows = await prisma.outboxEvent.findMany({ where: { kind: 'fulfilment.push' }, orderBy: { id: 'asc' } });
  return rows
    .map((r) => r.payload as { orderId: string; kind: string })
    .filter((p) => p.orderId === orderId && (!kind || p.kind === kind));
}

export async function statusOf(prisma: PrismaClient, orderId: string) {
  return (await prisma.order.findUniqueOrThrow({ where: { id: orderId } })).status;
}
