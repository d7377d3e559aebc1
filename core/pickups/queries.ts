// What the click-and-collect counter sees of one store: the pickups in three lanes (to
// pick, ready, collected today in the store's time zone), one pickup in detail, and the
// ready pickup a customer's code belongs to. Every query is scoped to one location: a
// caller can never read another store's pickups through these functions.
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { OrderStatus } from '../order/state-machine.ts';
import { normalizePickupCode } from '../orders/pickup-actions.ts';

export const TO_PICK_STATUSES = ['allocated', 'picking', 'packed'] as const satisfies readonly OrderStatus[];
const LANE_LIMIT = 200;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface StoreInfo {
  id: string;
  code: string;
  name: string;
  timezone: string;
  pickupHoldDays: number;
}

export interface PickupLineView {
  id: string;
  title: string;
  skuCode: string | null;
  quantity: number;
  handedOver: number;
  /** Units still to hand over (ordered − handed over − cancelled). */
  remaining: number;
}

export interface PickupCard {
  id: string;
  number: string;
  status: OrderStatus;
  channel: string;
  customerName: string | null;
  lines: PickupLineView[];
  units: number;
  orderedAt: Date;
  readyAt: Date | null;
  collectedAt: Date | null;
  /** When the hold ends (ready + the store's hold days); null until ready. */
  holdUntil: Date | null;
  /** Past the hold: the customer did not come. */
  overdue: boolean;
  /** Flagged by the expiry run: it will be released unless collected soon. */
  flagged: boolean;
  /** The buyer asked the channel to cancel and nobody answered yet: nothing may be picked. */
  cancelRequested: boolean;
}

export interface PickupLanes {
  store: StoreInfo;
  toPick: PickupCard[];
  ready: PickupCard[];
  collectedToday: PickupCard[];
  /** Start of the store's local day, as an instant. */
  dayStart: Date;
}

export interface PickupDetail extends PickupCard {
  customerPhone: string | null;
  cancelledReason: string | null;
  /** Changes with every hand-over or state change: a form built on an older version is stale. */
  version: string;
}

/** The store a staff session belongs to, or null when it is not (or no longer) a pickup store. */
export async function getStore(
  prisma: PrismaClient,
  locationId: string,
): Promise<(StoreInfo & { staffPinHash: string | null }) | null> {
  const s = await prisma.location.findUnique({
    where: { id: locationId },
    select: {
      id: true,
      code: true,
      name: true,
      timezone: true,
      pickupHoldDays: true,
      kind: true,
      pickupEnabled: true,
      staffPinHash: true,
    },
  });
  if (s?.kind !== 'store' || !s.pickupEnabled) return null;
  return {
    id: s.id,
    code: s.code,
    name: s.name,
    timezone: s.timezone,
    pickupHoldDays: s.pickupHoldDays,
    staffPinHash: s.staffPinHash,
  };
}

// ---------------------------------------------------------------------------
// time zones (Intl only: runs on Node and Workers alike)

function wallClock(at: Date, timeZone: string): { y: number; m: number; d: number; h: number; mi: number; s: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/** Offset of `timeZone` from UTC at the instant `at`, in ms (positive east of Greenwich). */
function offsetMs(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.y, w.m - 1, w.d, w.h, w.mi, w.s);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** A zone name Intl knows, else UTC (a bad value in the database must not break the counter). */
export function safeTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/**
 * The instant the local day containing `at` began in `timeZone` (the first instant whose
 * local date is that day, also when midnight itself is skipped by a DST change).
 */
export function startOfLocalDay(at: Date, timeZone: string): Date {
  const tz = safeTimeZone(timeZone);
  const w = wallClock(at, tz);
  const midnightAsUtc = Date.UTC(w.y, w.m - 1, w.d);
  let guess = midnightAsUtc - offsetMs(at, tz);
  // The offset at midnight may differ from the offset now (DST changed during the day).
  guess = midnightAsUtc - offsetMs(new Date(guess), tz);
  const g = wallClock(new Date(guess), tz);
  if (g.y !== w.y || g.m !== w.m || g.d !== w.d) {
    // Midnight did not exist (clocks jumped forward at 00:00): the day began at the jump.
    guess = midnightAsUtc - offsetMs(new Date(guess + DAY_MS / 2), tz);
  }
  return new Date(guess);
}

// ---------------------------------------------------------------------------
// lanes

const orderSelect = {
  id: true,
  externalId: true,
  displayNumber: true,
  status: true,
  customer: true,
  channelCreatedAt: true,
  readyForPickupAt: true,
  collectedAt: true,
  cancelRequestedAt: true,
  cancelRequestOutcome: true,
  account: { select: { name: true } },
  lines: {
    select: { id: true, title: true, skuCode: true, quantity: true, fulfilledQty: true, cancelledQty: true },
    orderBy: { channelLineId: 'asc' },
  },
} as const;

type OrderRow = {
  id: string;
  externalId: string;
  displayNumber: string | null;
  status: OrderStatus;
  customer: unknown;
  channelCreatedAt: Date;
  readyForPickupAt: Date | null;
  collectedAt: Date | null;
  cancelRequestedAt: Date | null;
  cancelRequestOutcome: string | null;
  account: { name: string };
  lines: {
    id: string;
    title: string;
    skuCode: string | null;
    quantity: number;
    fulfilledQty: number;
    cancelledQty: number;
  }[];
};

function customerField(customer: unknown, key: 'name' | 'phone'): string | null {
  if (!customer || typeof customer !== 'object') return null;
  const c = customer as Record<string, unknown>;
  if (key === 'name') {
    const name = c.name ?? ([c.firstName, c.lastName].filter((x) => typeof x === 'string' && x).join(' ') || null);
    return typeof name === 'string' && name.trim() ? name.trim() : null;
  }
  return typeof c.phone === 'string' && c.phone.trim() ? c.phone.trim() : null;
}

function toCard(o: OrderRow, store: StoreInfo, now: Date, flagged: Set<string>): PickupCard {
  const lines = o.lines.map((l) => ({
    id: l.id,
    title: l.title,
    skuCode: l.skuCode,
    quantity: l.quantity,
    handedOver: l.fulfilledQty,
    remaining: Math.max(0, l.quantity - l.fulfilledQty - l.cancelledQty),
  }));
  const holdUntil =
    o.status === 'ready_for_pickup' && o.readyForPickupAt
      ? new Date(o.readyForPickupAt.getTime() + store.pickupHoldDays * DAY_MS)
      : null;
  return {
    id: o.id,
    number: o.displayNumber ?? o.externalId,
    status: o.status,
    channel: o.account.name,
    customerName: customerField(o.customer, 'name'),
    lines,
    units: lines.reduce((a, l) => a + l.quantity, 0),
    orderedAt: o.channelCreatedAt,
    readyAt: o.readyForPickupAt,
    collectedAt: o.collectedAt,
    holdUntil,
    overdue: holdUntil !== null && now.getTime() >= holdUntil.getTime(),
    flagged: flagged.has(o.id),
    cancelRequested: o.cancelRequestedAt !== null && o.cancelRequestOutcome === null,
  };
}

async function flaggedOrders(prisma: PrismaClient, orderIds: string[]): Promise<Set<string>> {
  if (!orderIds.length) return new Set();
  const rows = await prisma.exceptionItem.findMany({
    where: { kind: 'pickup_expired', resolvedAt: null, orderId: { in: orderIds } },
    select: { orderId: true },
  });
  return new Set(rows.map((r) => r.orderId).filter((x): x is string => !!x));
}

export async function pickupLanes(prisma: PrismaClient, store: StoreInfo, now: Date): Promise<PickupLanes> {
  const dayStart = startOfLocalDay(now, store.timezone);
  const base = { pickupLocationId: store.id, fulfilmentMethod: 'pickup' as const };
  const [toPick, ready, collected] = await Promise.all([
    prisma.order.findMany({
      // Held for the buyer's cancel request: shown with the question instead of picking actions.
      where: {
        ...base,
        OR: [{ status: { in: [...TO_PICK_STATUSES] } }, { status: 'on_hold', holdReason: 'cancel_requested' }],
      },
      select: orderSelect,
      orderBy: [{ channelCreatedAt: 'asc' }, { displayNumber: 'asc' }, { id: 'asc' }],
      take: LANE_LIMIT,
    }),
    prisma.order.findMany({
      where: { ...base, status: 'ready_for_pickup' },
      select: orderSelect,
      orderBy: [{ readyForPickupAt: 'asc' }, { displayNumber: 'asc' }, { id: 'asc' }],
      take: LANE_LIMIT,
    }),
    prisma.order.findMany({
      where: {
        ...base,
        collectedAt: { gte: dayStart },
        status: { in: ['collected', 'partially_returned', 'returned', 'closed'] },
      },
      select: orderSelect,
      orderBy: [{ collectedAt: 'desc' }, { displayNumber: 'asc' }, { id: 'asc' }],
      take: LANE_LIMIT,
    }),
  ]);
  const flagged = await flaggedOrders(
    prisma,
    ready.map((o) => o.id),
  );
  const card = (o: OrderRow) => toCard(o, store, now, flagged);
  return {
    store,
    toPick: toPick.map(card),
    ready: ready.map(card),
    collectedToday: collected.map(card),
    dayStart,
  };
}

/** One pickup of this store, or null (unknown id, a shipped order, or another store's pickup). */
export async function getPickup(
  prisma: PrismaClient,
  store: StoreInfo,
  orderId: string,
  now: Date,
): Promise<PickupDetail | null> {
  const o = await prisma.order.findFirst({
    where: { id: orderId, pickupLocationId: store.id, fulfilmentMethod: 'pickup' },
    select: {
      ...orderSelect,
      events: {
        // The cancellation itself, not a later note in the history (an erasure of personal data).
        where: { toStatus: 'cancelled', NOT: { fromStatus: 'cancelled' } },
        select: { toStatus: true, reason: true },
        orderBy: { id: 'desc' },
        take: 1,
      },
    },
  });
  if (!o) return null;
  const flagged = await flaggedOrders(prisma, [o.id]);
  const card = toCard(o, store, now, flagged);
  const last = o.events[0];
  return {
    ...card,
    customerPhone: customerField(o.customer, 'phone'),
    cancelledReason: o.status === 'cancelled' && last?.toStatus === 'cancelled' ? (last.reason ?? null) : null,
    version: pickupVersion(o.status, o.lines),
  };
}

export function pickupVersion(status: string, lines: { id: string; fulfilledQty: number }[]): string {
  return [status, ...lines.map((l) => `${l.fulfilledQty}`)].join('.');
}

/** The ready pickup of this store that a customer's code belongs to, or null. */
export async function findReadyPickupByCode(
  prisma: PrismaClient,
  store: StoreInfo,
  code: string,
): Promise<string | null> {
  const normalized = normalizePickupCode(code);
  if (!normalized || normalized.length > 32) return null;
  const o = await prisma.order.findFirst({
    where: {
      pickupLocationId: store.id,
      fulfilmentMethod: 'pickup',
      status: 'ready_for_pickup',
      pickupCode: normalized,
    },
    select: { id: true },
  });
  return o?.id ?? null;
}
