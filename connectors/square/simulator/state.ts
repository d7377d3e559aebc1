// The simulated Square seller: locations, catalog, inventory (per variation × location × state,
// with the change history Square keeps: physical counts and adjustments, each with its source
// and the caller's reference_id), orders with versions, payments, OAuth tokens, idempotency keys.
// Quantities are whole units here (the hub's catalogue); Square writes them as decimal strings.
import type { Clock } from '../../../core/clock.ts';
import type { SqFulfillmentState, SqInventoryChange, SqOrder, SqPayment } from '../payloads.ts';

export interface SimVariation {
  id: string;
  itemId: string;
  name: string;
  sku: string | null;
  price: number;
}

export interface SimItem {
  id: string;
  name: string;
  variations: SimVariation[];
}

export interface LineInput {
  variationId: string;
  /** Decimal string as Square sends it (default "1"). */
  quantity?: string;
}

let seq = 0;
export const newId = (prefix: string): string =>
  `${prefix}${(++seq).toString(36).toUpperCase().padStart(6, '0')}${Math.random().toString(36).slice(2, 8).toUpperCase()}`;

export class SimState {
  readonly locations = new Map<string, { id: string; name: string; status: 'ACTIVE' | 'INACTIVE' }>();
  readonly items = new Map<string, SimItem>();
  readonly variations = new Map<string, SimVariation>();
  /** `${variationId}|${locationId}|${state}` → units. */
  readonly counts = new Map<string, number>();
  readonly calculatedAt = new Map<string, string>();
  readonly changes: SqInventoryChange[] = [];
  readonly orders = new Map<string, SqOrder>();
  readonly payments = new Map<string, SqPayment>();
  /** Idempotency key → the answer given (JSON), per endpoint. */
  readonly idempotency = new Map<string, string>();
  /** Access token → expiry (ms). */
  readonly accessTokens = new Map<string, number>();
  /** Refresh tokens still valid (PKCE: each works once). */
  readonly refreshTokens = new Set<string>();

  constructor(
    readonly merchantId: string,
    readonly currency: string,
    private readonly clock: Clock,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  addLocation(name: string): string {
    const id = newId('L');
    this.locations.set(id, { id, name, status: 'ACTIVE' });
    return id;
  }

  addItem(name: string, variations: { name?: string; sku?: string | null; price?: number }[]): SimItem {
    const item: SimItem = { id: newId('I'), name, variations: [] };
    for (const v of variations) {
      const variation: SimVariation = {
        id: newId('V'),
        itemId: item.id,
        name: v.name ?? 'Regular',
        sku: v.sku ?? null,
        price: v.price ?? 1000,
      };
      item.variations.push(variation);
      this.variations.set(variation.id, variation);
    }
    this.items.set(item.id, item);
    return item;
  }

  count(variationId: string, locationId: string, state: string): number {
    return this.counts.get(`${variationId}|${locationId}|${state}`) ?? 0;
  }

  /** Starting stock (the seller's inventory before the hub connected): no change history. */
  seed(variationId: string, locationId: string, units: number): void {
    this.setCount(variationId, locationId, 'IN_STOCK', units);
  }

  private setCount(variationId: string, locationId: string, state: string, n: number): void {
    const k = `${variationId}|${locationId}|${state}`;
    this.counts.set(k, n);
    this.calculatedAt.set(k, this.now());
  }

  /** An ADJUSTMENT moving units between states (Square lets IN_STOCK go negative: it sells what it cannot see). */
  adjust(a: {
    variationId: string;
    locationId: string;
    from: string;
    to: string;
    quantity: number;
    referenceId?: string | null;
    occurredAt?: string;
    source?: string;
    /** The refund that caused it (a return): Square sets `refund_id` on refund-related transitions. */
    refundId?: string | null;
  }): SqInventoryChange {
    if (a.from !== 'NONE')
      this.setCount(a.variationId, a.locationId, a.from, this.count(a.variationId, a.locationId, a.from) - a.quantity);
    if (a.to !== 'NONE')
      this.setCount(a.variationId, a.locationId, a.to, this.count(a.variationId, a.locationId, a.to) + a.quantity);
    const change: SqInventoryChange = {
      type: 'ADJUSTMENT',
      adjustment: {
        id: newId('ADJ'),
        reference_id: a.referenceId ?? null,
        from_state: a.from,
        to_state: a.to,
        location_id: a.locationId,
        catalog_object_id: a.variationId,
        catalog_object_type: 'ITEM_VARIATION',
        quantity: String(a.quantity),
        occurred_at: a.occurredAt ?? this.now(),
        created_at: this.now(),
        source: {
          product: a.source === 'api' ? 'EXTERNAL_API' : 'SQUARE_POS',
          name: a.source === 'api' ? 'Custom Application' : 'Square Point of Sale',
        },
        ...(a.refundId ? { refund_id: a.refundId } : {}),
      },
    };
    this.changes.push(change);
    return change;
  }

  /** A PHYSICAL_COUNT: the state's quantity becomes what was counted. */
  physicalCount(a: {
    variationId: string;
    locationId: string;
    quantity: number;
    referenceId?: string | null;
    occurredAt?: string;
    source?: string;
  }): SqInventoryChange {
    this.setCount(a.variationId, a.locationId, 'IN_STOCK', a.quantity);
    const change: SqInventoryChange = {
      type: 'PHYSICAL_COUNT',
      physical_count: {
        id: newId('PC'),
        reference_id: a.referenceId ?? null,
        catalog_object_id: a.variationId,
        catalog_object_type: 'ITEM_VARIATION',
        state: 'IN_STOCK',
        location_id: a.locationId,
        quantity: String(a.quantity),
        source: {
          product: a.source === 'api' ? 'EXTERNAL_API' : 'SQUARE_POS',
          name: a.source === 'api' ? 'Custom Application' : 'Square Point of Sale',
        },
        occurred_at: a.occurredAt ?? this.now(),
        created_at: this.now(),
      },
    };
    this.changes.push(change);
    return change;
  }

  /** An order as Square builds it: lines priced from the catalog, totals in minor units. */
  buildOrder(locationId: string, lines: LineInput[], extra: Partial<SqOrder> = {}): SqOrder {
    const now = this.now();
    const lineItems = lines.map((l, i) => {
      const v = this.variations.get(l.variationId);
      if (!v) throw new Error(`unknown variation ${l.variationId}`);
      const q = l.quantity ?? '1';
      const total = Math.round(v.price * Number(q));
      return {
        uid: `li-${i + 1}`,
        name: this.items.get(v.itemId)?.name ?? v.name,
        quantity: q,
        catalog_object_id: v.id,
        variation_name: v.name,
        item_type: 'ITEM' as const,
        base_price_money: { amount: v.price, currency: this.currency },
        total_discount_money: { amount: 0, currency: this.currency },
        total_tax_money: { amount: 0, currency: this.currency },
        total_money: { amount: total, currency: this.currency },
      };
    });
    const total = lineItems.reduce((s, l) => s + (l.total_money.amount ?? 0), 0);
    return {
      id: newId('O'),
      location_id: locationId,
      line_items: lineItems,
      created_at: now,
      updated_at: now,
      state: 'OPEN',
      version: 1,
      total_money: { amount: total, currency: this.currency },
      total_tax_money: { amount: 0, currency: this.currency },
      total_discount_money: { amount: 0, currency: this.currency },
      total_tip_money: { amount: 0, currency: this.currency },
      net_amount_due_money: { amount: 0, currency: this.currency },
      ...extra,
    };
  }

  /** Commits a change to an order: version + 1, updated_at now. */
  touch(order: SqOrder): SqOrder {
    order.version = (order.version ?? 0) + 1;
    order.updated_at = this.now();
    return order;
  }

  /** `minutes` after now (an ASAP pickup's pickup_at is now + its preparation time). */
  inMinutes(minutes: number): string {
    return new Date(this.clock.nowMs() + minutes * 60_000).toISOString();
  }

  setFulfillmentState(order: SqOrder, state: SqFulfillmentState): void {
    const f = order.fulfillments?.[0];
    if (!f) throw new Error(`order ${order.id} has no fulfilment`);
    f.state = state;
    const at = this.now();
    f.pickup_details = {
      ...f.pickup_details,
      ...(state === 'PREPARED' ? { ready_at: at } : {}),
      ...(state === 'COMPLETED' ? { picked_up_at: at } : {}),
      ...(state === 'CANCELED' ? { canceled_at: at } : {}),
    };
    if (state === 'COMPLETED') {
      order.state = 'COMPLETED';
      order.closed_at = at;
    }
    if (state === 'CANCELED') order.state = 'CANCELED';
  }
}
