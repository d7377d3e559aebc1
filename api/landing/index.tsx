// The hub's front page at "/": at a glance, orders per channel, what each channel shows for
// the SKUs worth watching (and whether it matches the hub's target), pending pickups per
// store and open exceptions. Server-rendered; it refreshes itself every couple of seconds by
// fetching its live part again. Mount it at the root:
//
//   app.route('/', createLandingRoutes({ prisma }));
//
// GET /                      the page
// GET /landing/live          the live part alone (HTML fragment the page swaps in)
// GET /landing/state.json    the same data as JSON
// GET /landing/assets/*      its style and script
//
// Public on purpose in the demo; it shows counts, SKU codes and order numbers but no
// customer data. A deployment that must not show them leaves it unmounted.
import { Hono, type MiddlewareHandler } from 'hono';
import { type Clock, systemClock } from '../../core/clock.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { LANDING_CSS, LANDING_JS } from './assets.ts';
import { type ChannelQuantity, landingSnapshot } from './snapshot.ts';
import { LandingPage, Live, type PageInfo } from './views.tsx';

export type { ChannelQuantity, LandingSnapshot } from './snapshot.ts';
export { landingSnapshot } from './snapshot.ts';

export const LANDING_BASE = '/landing';
export const DEFAULT_REFRESH_MS = 2000;

export interface LandingDeps {
  prisma: PrismaClient;
  title?: string;
  subtitle?: string | null;
  notice?: string | null;
  /** SKU codes to follow; default: the listed SKUs with the least sellable stock. */
  hotSkus?: () => readonly string[];
  /** Reads what a channel shows for a listing (the demo reads its simulators); default: the hub's last confirmed value. */
  channelQuantity?: ChannelQuantity;
  links?: PageInfo['links'];
  refreshMs?: number;
  /** The hub's clock (core/clock.ts). */
  clock?: Clock;
  logger?: { error(obj: object, msg?: string): void };
}

const DEFAULT_LINKS: PageInfo['links'] = [
  { label: 'Staff pages', href: '/staff', hint: 'click-and-collect at the counter' },
  { label: 'API docs', href: '/docs', hint: 'REST API reference' },
  { label: 'Health', href: '/health' },
];

export function createLandingRoutes(deps: LandingDeps): Hono {
  const app = new Hono();
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now();
  const info: PageInfo = {
    title: deps.title ?? 'omnihub',
    subtitle: deps.subtitle ?? null,
    notice: deps.notice ?? null,
    links: deps.links ?? DEFAULT_LINKS,
    base: LANDING_BASE,
    refreshMs: deps.refreshMs ?? DEFAULT_REFRESH_MS,
  };
  const snapshot = () =>
    landingSnapshot(deps.prisma, {
      ...(deps.hotSkus ? { hotSkus: deps.hotSkus() } : {}),
      ...(deps.channelQuantity ? { channelQuantity: deps.channelQuantity } : {}),
      now: now(),
    });

  // Only on the landing's own paths: mounted at "/", a '*' middleware would reach every route of the hub.
  const headers: MiddlewareHandler = async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Referrer-Policy', 'same-origin');
    if (!h.has('Cache-Control')) h.set('Cache-Control', 'no-store');
  };
  app.use('/', headers);
  app.use(`${LANDING_BASE}/*`, headers);

  app.get('/', async (c) => {
    const snap = await snapshot();
    const html = await (<LandingPage snap={snap} info={info} now={now()} />).toString();
    return c.html(`<!DOCTYPE html>${html}`);
  });
  app.get(`${LANDING_BASE}/live`, async (c) => {
    const snap = await snapshot();
    return c.html(await (<Live snap={snap} info={info} now={now()} />).toString());
  });
  app.get(`${LANDING_BASE}/state.json`, async (c) => c.json(await snapshot()));
  app.get(`${LANDING_BASE}/assets/landing.css`, (c) =>
    c.body(LANDING_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }),
  );
  app.get(`${LANDING_BASE}/assets/landing.js`, (c) =>
    c.body(LANDING_JS, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
    }),
  );
  return app;
}
