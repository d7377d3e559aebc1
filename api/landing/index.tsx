/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The hub's front page at "/": at a glance, orders per channel, what each channel shows for
// the SKUs worth watching (and whether it matches the hub's target), pending pickups per
// store and open exceptions. Server-rendered; it refreshes itself every couple of seconds by
// fetching its live part again. Mount it at the root:
//
//   app.route('/', createLandingRoutes({ prisma }));
//
// GET /                      the page (on a real hub, without sign-in: where to sign in)
// GET /landing               the page, asking the browser to sign in (HTTP Basic) when needed
// GET /landing/live          the live part alone (HTML fragment the page swaps in)
// GET /landing/state.json    the same data as JSON
// GET /landing/assets/*      its style and script (public: no data)
//
// It shows order counts and numbers, stock and exception messages: public only in the demo
// (`access: { public: true }`); on a real hub only to an admin or read-only API key
// (access.ts). Without `access`, nobody sees it.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { type Clock, systemClock } from '../../core/clock.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { LANDING_REALM, type LandingAccess, mayViewLanding } from './access.ts';
import { LANDING_CSS, LANDING_JS } from './assets.ts';
import { SignInNeeded } from './sign-in-view.tsx';
import { type ChannelQuantity, landingSnapshot } from './snapshot.ts';
import { LandingPage, Live, type PageInfo } from './views.tsx';

export type { LandingAccess } from './access.ts';
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
  /** Who may see it: everyone (the demo) or holders of an admin/read-only key. Default: nobody. */
  access?: LandingAccess;
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
  app.use(LANDING_BASE, headers);
  app.use(`${LANDING_BASE}/*`, headers);

  const access: LandingAccess = deps.access ?? { public: false, mayView: async () => false };
  const allowed = (c: Context) => mayViewLanding(access, c.req.header('authorization'));
  const signInNeeded = async (c: Context, status: 200 | 401) => {
    if (status === 401) c.header('WWW-Authenticate', `Basic realm="${LANDING_REALM}", charset="UTF-8"`);
    const html = await (<SignInNeeded title={info.title} base={LANDING_BASE} />).toString();
    return c.html(`<!DOCTYPE html>${html}`, status);
  };
  const page = async (c: Context) => {
    const snap = await snapshot();
    const html = await (<LandingPage snap={snap} info={info} now={now()} />).toString();
    return c.html(`<!DOCTYPE html>${html}`);
  };

  // "/" never challenges (a newcomer sees where to sign in); "/landing" asks the browser to.
  app.get('/', async (c) => ((await allowed(c)) ? page(c) : signInNeeded(c, 200)));
  app.get(LANDING_BASE, async (c) => ((await allowed(c)) ? page(c) : signInNeeded(c, 401)));
  app.get(`${LANDING_BASE}/live`, async (c) => {
    if (!(await allowed(c))) return c.text('sign in to see the overview', 401);
    const snap = await snapshot();
    return c.html(await (<Live snap={snap} info={info} now={now()} />).toString());
  });
  app.get(`${LANDING_BASE}/state.json`, async (c) => {
    if (!(await allowed(c))) {
      c.header('WWW-Authenticate', `Bearer realm="${LANDING_REALM}"`);
      return c.json(
        { error: { code: 'unauthorized', message: 'send an admin or read-only API key: Authorization: Bearer <key>' } },
        401,
      );
    }
    return c.json(await snapshot());
  });
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
