// The simulator retries a failed webhook delivery as Shopify documents: 8 retries over 4 hours
// with exponential back-off, the original payload and webhook id, when the hub answers non-2xx,
// cannot be reached or takes longer than 5 seconds; an Admin-API subscription is deleted
// after 8 consecutive failures. Retries fall due on the simulator's clock.
import { describe, expect, it } from 'vitest';
import { createShopifySimulator } from '../../connectors/shopify/simulator/index.ts';
import { DELIVERY_TIMEOUT_MS, RETRY_DELAYS_MS } from '../../connectors/shopify/simulator/webhooks.ts';
import { ManualClock } from '../../core/clock.ts';

const HOUR = 3_600_000;

function setup(answer: (attempt: number) => number | Promise<number>) {
  const clock = new ManualClock('2026-11-20T10:00:00Z');
  const sim = createShopifySimulator({ shop: 'retry.myshopify.com', clock });
  const seen: { webhookId: string; body: string; at: number }[] = [];
  sim.webhooks.target = async (req) => {
    seen.push({ webhookId: req.headers.get('X-Shopify-Webhook-Id') ?? '', body: await req.text(), at: clock.nowMs() });
    return new Response(null, { status: await answer(seen.length - 1) });
  };
  return { clock, sim, seen };
}

describe('simulator webhook retries', () => {
  it('spreads 8 retries over 4 hours, each wait twice the one before', () => {
    expect(RETRY_DELAYS_MS).toHaveLength(8);
    for (let k = 1; k < 8; k++) expect(RETRY_DELAYS_MS[k]! / RETRY_DELAYS_MS[k - 1]!).toBeCloseTo(2, 2);
    expect(Math.abs(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) - 4 * HOUR)).toBeLessThan(1000);
  });

  it('retries a failed delivery on schedule with the same id and payload until it is accepted', async () => {
    const { clock, sim, seen } = setup((attempt) => (attempt < 3 ? 503 : 200));
    const start = clock.nowMs();
    const d = await sim.webhooks.send('orders/create', { id: 42 });
    expect(seen).toHaveLength(1);
    // Nothing is resent before its time.
    clock.advance(RETRY_DELAYS_MS[0]! - 1);
    expect(await sim.webhooks.retryDue()).toBe(0);
    clock.advance(1);
    expect(await sim.webhooks.retryDue()).toBe(1);
    clock.advance(RETRY_DELAYS_MS[1]!);
    await sim.webhooks.retryDue();
    clock.advance(RETRY_DELAYS_MS[2]!);
    await sim.webhooks.retryDue();
    expect(seen.map((s) => s.at - start)).toEqual([
      0,
      RETRY_DELAYS_MS[0],
      RETRY_DELAYS_MS[0]! + RETRY_DELAYS_MS[1]!,
      RETRY_DELAYS_MS[0]! + RETRY_DELAYS_MS[1]! + RETRY_DELAYS_MS[2]!,
    ]);
    expect(new Set(seen.map((s) => s.webhookId))).toEqual(new Set([d.webhookId]));
    expect(new Set(seen.map((s) => s.body))).toEqual(new Set([d.body]));
    expect(sim.webhooks.log.map((l) => [l.attempt, l.ok])).toEqual([
      [0, false],
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(sim.webhooks.retriesPending()).toBe(0);
  });

  it('gives up after the 8th retry', async () => {
    const { clock, sim, seen } = setup(() => 500);
    await sim.webhooks.send('orders/create', { id: 7 });
    clock.advance(5 * HOUR);
    for (let i = 0; i < 10; i++) {
      clock.advance(5 * HOUR);
      await sim.webhooks.retryDue();
    }
    expect(seen).toHaveLength(9);
    expect(sim.webhooks.retriesPending()).toBe(0);
    expect(sim.webhooks.target).not.toBeNull(); // an app-specific subscription stays
  });

  it('counts an answer slower than 5 seconds as a failure and sends it again', async () => {
    const { clock, sim, seen } = setup(async (attempt) => {
      if (attempt === 0) clock.advance(DELIVERY_TIMEOUT_MS + 1); // the hub is slow; Shopify hangs up
      return 200;
    });
    await sim.webhooks.send('orders/updated', { id: 9 });
    expect(sim.webhooks.log.map((l) => l.ok)).toEqual([false]);
    clock.advance(RETRY_DELAYS_MS[0]!);
    await sim.webhooks.retryDue();
    expect(seen).toHaveLength(2);
    expect(sim.webhooks.log.map((l) => l.ok)).toEqual([false, true]);
  });

  it('deletes a subscription made through the Admin API after 8 consecutive failures', async () => {
    const { clock, sim } = setup(() => 502);
    sim.webhooks.adminApiSubscription = true;
    for (let i = 0; i < 4; i++) await sim.webhooks.send('orders/create', { id: i });
    for (let i = 0; i < 6 && sim.webhooks.target; i++) {
      clock.advance(HOUR);
      await sim.webhooks.retryDue();
    }
    expect(sim.webhooks.log.filter((l) => !l.ok)).toHaveLength(8);
    expect(sim.webhooks.target).toBeNull();
    expect(sim.webhooks.removedAt).not.toBeNull();
    expect(sim.webhooks.retriesPending()).toBe(0);
  });
});
