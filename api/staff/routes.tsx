/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// Click-and-collect staff pages: `createStaffRoutes(deps)` returns a hono app that the hub
// mounts at `/staff`. Handlers are thin: parse the form (zod), call core (the pickup
// queries, the order actions), redirect or render.
//
// Security, in one place:
// - sign-in with the store's counter PIN (core/pickups/sign-in.ts: scrypt, throttled per
//   store and per client address); the session is a signed cookie (session.ts) for ONE
//   location: HttpOnly, SameSite=Strict, Path=/staff, Secure on HTTPS, 12 h, naming a
//   server-side session row (core/pickups/staff-sessions.ts) that sign-out and PIN changes end;
// - pickup codes (find, hand-over) are checked through the store's code throttle, per
//   session and per store (core/pickups/code-checks.ts): 429 and an exception over a limit;
// - every POST passes an Origin check (same host, or refused) and, once signed in, the
//   session's synchronizer token (`_csrf` form field, compared in constant time);
// - every order id is looked up within the session's store: another store's pickup is a
//   404, exactly like an id that does not exist;
// - pages are `no-store`, may not be framed, and only load the staff's own script and style.
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { type Clock, systemClock } from '../../core/clock.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import {
  collectPickup,
  markPacked,
  markPicking,
  markReadyForPickup,
  OrderActionError,
  refusePickup,
} from '../../core/orders/actions.ts';
import { approveCancelRequest, declineCancelRequest } from '../../core/orders/cancel-request.ts';
import {
  findReadyPickupByCode,
  getPickup,
  getStore,
  type PickupDetail,
  pickupLanes,
  type StoreInfo,
} from '../../core/pickups/queries.ts';
import type { AttemptLimits } from '../../core/pickups/attempt-throttle.ts';
import { PickupCodeThrottled, throttledCodeCheck } from '../../core/pickups/code-checks.ts';
import { DEFAULT_SIGN_IN_LIMITS, type SignInLimits, signInStores, signInWithPin } from '../../core/pickups/sign-in.ts';
import { endStaffSession, isLiveSession, startStaffSession } from '../../core/pickups/staff-sessions.ts';
import { isStorable, UNSTORABLE_MESSAGE } from '../../core/text/storable.ts';
import type { AppLogger } from '../app.ts';
import { STAFF_CSS, STAFF_JS } from './assets.ts';
import { staffPrintRoutes } from './print-routes.ts';
import {
  deriveSessionKey,
  openSession,
  pinTag,
  randomToken,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  type StaffSession,
  sameToken,
  sealSession,
} from './session.ts';
import {
  BoardPage,
  DetailPage,
  Lanes,
  MessagePage,
  type Notice,
  type PageContext,
  REFUSAL_REASON_TEXT,
  SignInPage,
  statusLabel,
} from './views.tsx';

export interface StaffDeps {
  prisma: PrismaClient;
  /** The hub's 32-byte secret key; the session signing key is derived from it (HKDF). */
  secretKey: Uint8Array;
  logger: AppLogger;
  /** The hub's clock (core/clock.ts): sessions, sign-in windows, pickup holds, "today". */
  clock?: Clock;
  /** Where the pages are mounted (links, cookie path). Default `/staff`. */
  basePath?: string;
  /**
   * The client's address, for the sign-in throttle. Default: the TCP peer on Node
   * (@hono/node-server), `cf-connecting-ip` on Workers. Behind a reverse proxy, pass a
   * function that reads the proxy's header.
   */
  clientAddress?: (c: Context) => string;
  signInLimits?: SignInLimits;
  /** Wrong pickup codes allowed per session and per store (default DEFAULT_CODE_CHECK_LIMITS). */
  codeCheckLimits?: AttemptLimits;
}

interface Staff {
  session: StaffSession;
  store: StoreInfo;
  actor: string;
}

export interface StaffEnv {
  Variables: { staff: Staff; requestId: string };
}

const FORM_LIMIT_BYTES = 16 * 1024;

/** Default client address: the socket peer on Node, Cloudflare's header on Workers. */
export function defaultClientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const peer = env?.incoming?.socket?.remoteAddress;
  if (peer) return peer;
  if (env && typeof env === 'object' && !('incoming' in env)) {
    const cf = c.req.header('cf-connecting-ip');
    if (cf) return cf;
  }
  return 'unknown';
}

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/**
 * Cross-site requests are refused before anything else: the Origin of a POST must name
 * this host (browsers send it on every POST); without one, a same-origin Referer will do.
 */
function sameOrigin(c: Context): boolean {
  const host = new URL(c.req.url).host;
  if (c.req.header('sec-fetch-site') === 'cross-site') return false;
  const origin = c.req.header('origin');
  const source = origin ?? c.req.header('referer');
  if (!source || source === 'null') return false;
  try {
    return new URL(source).host === host;
  } catch {
    return false;
  }
}

/** Form text PostgreSQL can store (core/text/storable.ts): a NUL or a lone surrogate is a form error, not a 500. */
const FormText = z.string().trim().refine(isStorable, UNSTORABLE_MESSAGE);
const SignInForm = z.object({
  store: FormText.min(1, 'choose your store').max(64),
  pin: FormText.min(1, 'enter the PIN').max(32),
  name: FormText.max(40)
    .regex(/^[\p{L}\p{N} .'-]*$/u, "letters, digits, spaces and . ' - only")
    .optional()
    .default(''),
});
const CodeForm = z.object({ code: FormText.min(1, 'enter the pickup code').max(32) });
const RefuseForm = z.object({
  reason: z.enum(Object.keys(REFUSAL_REASON_TEXT) as [string, ...string[]]).default('other'),
  note: FormText.max(200).optional().default(''),
});

type Form = Record<string, string | File | (string | File)[]>;

function text(form: Form, key: string): string | undefined {
  const v = form[key];
  return typeof v === 'string' ? v : undefined;
}

/** Per-order serialisation inside this process: two clicks that race are taken one after the other. */
function keyedQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return <T,>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = tails.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

const DONE_TEXT: Record<string, (n: string) => string> = {
  picking: (n) => `${n}: picking started.`,
  ready: (n) => `${n} is ready for pickup. The customer has been sent their pickup code.`,
  collected: (n) => `${n} handed over.`,
  partial: (n) => `Part of ${n} handed over; the rest stays ready for pickup.`,
  refused: (n) => `${n} refused: its stock is released and the channel is told.`,
  'cancel-approved': (n) => `${n} cancelled as the buyer asked: its stock is released and the channel is told.`,
  'cancel-declined': (n) => `${n}: the buyer's cancel request is declined and the channel is told; pick it as usual.`,
};

export function createStaffRoutes(deps: StaffDeps): Hono<StaffEnv> {
  const { prisma, logger } = deps;
  const base = deps.basePath ?? '/staff';
  const clock = deps.clock ?? systemClock;
  const now = () => clock.now();
  const clientAddress = deps.clientAddress ?? defaultClientAddress;
  const limits = deps.signInLimits ?? DEFAULT_SIGN_IN_LIMITS;
  const keyPromise = deriveSessionKey(deps.secretKey);
  const serialize = keyedQueue();
  const app = new Hono<StaffEnv>();

  const ctxOf = (c: Context<StaffEnv>): PageContext => {
    const staff = c.get('staff') as Staff | undefined;
    return {
      base,
      store: staff?.store,
      staffName: staff?.session.staffName || undefined,
      csrf: staff?.session.csrf,
      now: now(),
    };
  };

  const render = async (c: Context<StaffEnv>, node: JSX.Element, status = 200) =>
    c.html(`<!DOCTYPE html>${await node.toString()}`, status as ContentfulStatusCode);

  const message = (c: Context<StaffEnv>, status: number, title: string, body: string) =>
    render(c, <MessagePage ctx={ctxOf(c)} title={title} text={body} requestId={c.get('requestId')} />, status);

  // -------------------------------------------------------------------------
  // headers on every staff response

  app.use('*', async (c, next) => {
    await next();
    const h = c.res.headers;
    h.set(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    h.set('X-Frame-Options', 'DENY');
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Referrer-Policy', 'same-origin');
    if (!h.has('Cache-Control')) h.set('Cache-Control', 'no-store');
  });

  app.onError((err, c) => {
    logger.error({ err, requestId: c.get('requestId'), path: c.req.path }, 'staff page failed');
    return message(c, 500, 'Something went wrong', 'Nothing was lost: try again in a moment.');
  });

  // An address or query holding a character PostgreSQL cannot store names nothing the hub has.
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    const values = [decodedPath(url.pathname), ...url.searchParams.keys(), ...url.searchParams.values()];
    if (!values.every(isStorable)) {
      return message(c, 400, 'Bad address', 'This address holds characters that cannot be used.');
    }
    await next();
  });

  // -------------------------------------------------------------------------
  // assets (public)

  app.get('/assets/staff.css', (c) =>
    c.body(STAFF_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }),
  );
  app.get('/assets/staff.js', (c) =>
    c.body(STAFF_JS, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
    }),
  );

  // -------------------------------------------------------------------------
  // every POST: bounded body, same origin

  const postGuard: MiddlewareHandler<StaffEnv> = async (c, next) => {
    if (c.req.method !== 'POST') return next();
    if (!sameOrigin(c)) {
      logger.warn({ path: c.req.path, requestId: c.get('requestId') }, 'staff: cross-origin POST refused');
      return message(c, 403, 'Request refused', 'This form did not come from this site.');
    }
    return bodyLimit({
      maxSize: FORM_LIMIT_BYTES,
      onError: (cc) => message(cc as Context<StaffEnv>, 413, 'Too large', 'That form is too large.'),
    })(c, next);
  };
  app.use('*', postGuard);

  // -------------------------------------------------------------------------
  // the session

  const readSession = async (c: Context<StaffEnv>): Promise<Staff | null> => {
    const session = await openSession(await keyPromise, getCookie(c, SESSION_COOKIE), now().getTime());
    if (!session) return null;
    const store = await getStore(prisma, session.locationId);
    // A new PIN (or none) ends the sessions signed in with the old one.
    if (!store?.staffPinHash || (await pinTag(store.staffPinHash)) !== session.pinTag) return null;
    // Signed out (or its PIN changed): the cookie may be a copy, its session is over.
    if (!(await isLiveSession(prisma, session.id, session.locationId, now()))) return null;
    const { staffPinHash: _, ...info } = store;
    const who = session.staffName ? `:${session.staffName}` : '';
    return { session, store: info, actor: `staff:${store.code}${who}` };
  };

  const cookieOptions = (c: Context, maxAge: number) =>
    ({ path: base, httpOnly: true, sameSite: 'Strict', secure: isHttps(c), maxAge }) as const;

  // -------------------------------------------------------------------------
  // sign in / out

  const signInPage = async (
    c: Context<StaffEnv>,
    status: number,
    notice?: Notice,
    selected?: string,
    staffName?: string,
  ) => {
    const stores = await signInStores(prisma);
    return render(
      c,
      <SignInPage
        ctx={{ base, now: now() }}
        stores={stores}
        selected={selected}
        staffName={staffName}
        notice={notice}
      />,
      status,
    );
  };

  app.get('/login', async (c) => {
    if (await readSession(c)) return c.redirect(base, 303);
    const expired = c.req.query('expired') === '1';
    return signInPage(
      c,
      200,
      expired ? { kind: 'info', text: 'Your session ended. Sign in again.' } : undefined,
      c.req.query('store'),
    );
  });

  app.post('/login', async (c) => {
    const form = SignInForm.safeParse(await c.req.parseBody());
    if (!form.success) {
      const issue = form.error.issues[0];
      return signInPage(c, 400, { kind: 'error', text: `Check the form: ${issue?.path.join('.')}: ${issue?.message}` });
    }
    const { store: storeCode, pin, name } = form.data;
    const address = clientAddress(c);
    const result = await signInWithPin(prisma, { storeCode, pin, clientAddress: address, now: now(), limits });
    if (!result.ok) {
      logger.warn(
        { storeCode, reason: result.reason, clientAddress: address, requestId: c.get('requestId') },
        'staff sign-in refused',
      );
      if (result.reason === 'rate_limited') {
        c.header('Retry-After', String(result.retryAfterSeconds));
        const minutes = Math.ceil(result.retryAfterSeconds / 60);
        return signInPage(
          c,
          429,
          { kind: 'error', text: `Too many wrong PINs for this store. Try again in ${minutes} minute(s).` },
          storeCode,
          name,
        );
      }
      if (result.reason === 'unknown_store') {
        return signInPage(c, 400, { kind: 'error', text: 'Choose your store.' });
      }
      return signInPage(c, 401, { kind: 'error', text: 'Wrong PIN. Try again.' }, storeCode, name);
    }
    const expiresAt = Math.floor(now().getTime() / 1000) + SESSION_TTL_SECONDS;
    const session: StaffSession = {
      id: await startStaffSession(prisma, {
        locationId: result.store.id,
        staffName: name,
        now: now(),
        ttlMs: SESSION_TTL_SECONDS * 1000,
      }),
      locationId: result.store.id,
      staffName: name,
      csrf: randomToken(),
      expiresAt,
      pinTag: await pinTag(result.store.staffPinHash),
    };
    setCookie(c, SESSION_COOKIE, await sealSession(await keyPromise, session), cookieOptions(c, SESSION_TTL_SECONDS));
    logger.info({ locationId: result.store.id, requestId: c.get('requestId') }, 'staff signed in');
    return c.redirect(base, 303);
  });

  // -------------------------------------------------------------------------
  // everything below needs a session (and, for POST, its CSRF token)

  app.use('*', async (c, next) => {
    const staff = await readSession(c);
    if (!staff) {
      if (getCookie(c, SESSION_COOKIE)) deleteCookie(c, SESSION_COOKIE, { path: base });
      if (c.req.method === 'GET' && c.req.path.endsWith('/lanes')) return c.text('signed out', 401);
      return c.redirect(`${base}/login${getCookie(c, SESSION_COOKIE) ? '?expired=1' : ''}`, 303);
    }
    c.set('staff', staff);
    if (c.req.method === 'POST') {
      const body = await c.req.parseBody();
      const token = text(body, '_csrf') ?? c.req.header('x-csrf-token') ?? '';
      if (!sameToken(token, staff.session.csrf)) {
        logger.warn({ path: c.req.path, requestId: c.get('requestId') }, 'staff: CSRF token refused');
        return message(c, 403, 'Request refused', 'This page has expired. Go back, reload it and try again.');
      }
    }
    return next();
  });

  app.post('/logout', async (c) => {
    await endStaffSession(prisma, c.get('staff').session.id, now(), 'signed_out');
    deleteCookie(c, SESSION_COOKIE, { path: base, secure: isHttps(c), httpOnly: true, sameSite: 'Strict' });
    return c.redirect(`${base}/login`, 303);
  });

  // printouts: the pick list and packing slips (PDF)
  app.route('/', staffPrintRoutes(prisma, clock));

  // -------------------------------------------------------------------------
  // the board

  const noticeFromQuery = async (c: Context<StaffEnv>): Promise<Notice | undefined> => {
    const done = c.req.query('done');
    const orderId = c.req.query('o');
    const staff = c.get('staff');
    if (!done || !orderId) return undefined;
    const p = await getPickup(prisma, staff.store, orderId, now());
    if (!p) return undefined;
    if (done === 'already')
      return {
        kind: 'info',
        text: `${p.number} had already moved on (now: ${statusLabel(p.status)}). Nothing was changed.`,
      };
    const f = DONE_TEXT[done];
    return f ? { kind: 'ok', text: f(p.number) } : undefined;
  };

  const board = async (c: Context<StaffEnv>, status = 200, notice?: Notice, code?: string) => {
    const ctx = ctxOf(c);
    const lanes = await pickupLanes(prisma, c.get('staff').store, ctx.now);
    return render(
      c,
      <BoardPage ctx={ctx} lanes={lanes} notice={notice ?? (await noticeFromQuery(c))} code={code} />,
      status,
    );
  };

  app.get('/', (c) => board(c));

  app.get('/lanes', async (c) => {
    const ctx = ctxOf(c);
    const lanes = await pickupLanes(prisma, c.get('staff').store, ctx.now);
    return c.html(await (<Lanes ctx={ctx} lanes={lanes} />).toString());
  });

  /**
   * A pickup code check through the store's code throttle (core/pickups/code-checks.ts):
   * per session and per store. Over a limit: 429 on the board, nothing checked.
   */
  const checkCode = async <T,>(
    c: Context<StaffEnv>,
    orderId: string | undefined,
    check: () => Promise<T>,
    wrong: Parameters<typeof throttledCodeCheck<T>>[3],
  ): Promise<T | Response> => {
    const staff = c.get('staff');
    try {
      return await throttledCodeCheck(
        prisma,
        {
          storeId: staff.store.id,
          by: `session:${staff.session.id}`,
          actor: staff.actor,
          ...(orderId ? { orderId } : {}),
          now: now(),
          ...(deps.codeCheckLimits ? { limits: deps.codeCheckLimits } : {}),
        },
        check,
        wrong,
      );
    } catch (e) {
      if (!(e instanceof PickupCodeThrottled)) throw e;
      logger.warn(
        { locationId: staff.store.id, scope: e.scope, requestId: c.get('requestId') },
        'staff: pickup code checks throttled',
      );
      c.header('Retry-After', String(e.retryAfterSeconds));
      const minutes = Math.ceil(e.retryAfterSeconds / 60);
      const who = e.scope === 'key' ? 'from this session' : 'at this store';
      return board(c, 429, {
        kind: 'error',
        text: `Too many wrong pickup codes ${who}. Codes cannot be checked for ${minutes} minute(s); nothing was handed over. Your manager can see this under exceptions.`,
      });
    }
  };

  app.post('/find', async (c) => {
    const form = CodeForm.safeParse(await c.req.parseBody());
    if (!form.success) return board(c, 400, { kind: 'error', text: 'Enter the customer’s pickup code.' });
    const staff = c.get('staff');
    const store = staff.store;
    const orderId = await checkCode(
      c,
      undefined,
      () => findReadyPickupByCode(prisma, store, form.data.code),
      (o) => (o.ok ? o.value === null : false),
    );
    if (orderId instanceof Response) return orderId;
    if (!orderId) {
      return board(c, 404, { kind: 'error', text: 'No pickup is ready at this store with that code.' });
    }
    const pickup = await getPickup(prisma, store, orderId, now());
    if (!pickup) return board(c, 404, { kind: 'error', text: 'No pickup is ready at this store with that code.' });
    return render(c, <DetailPage ctx={ctxOf(c)} pickup={pickup} code={form.data.code} />);
  });

  // -------------------------------------------------------------------------
  // one pickup and its actions

  const detail = (c: Context<StaffEnv>, pickup: PickupDetail, status = 200, notice?: Notice, extra = {}) =>
    render(c, <DetailPage ctx={ctxOf(c)} pickup={pickup} notice={notice} {...extra} />, status);

  const notFound = (c: Context<StaffEnv>) =>
    message(c, 404, 'Pickup not found', 'There is no such pickup at this store.');

  app.get('/orders/:id', async (c) => {
    const pickup = await getPickup(prisma, c.get('staff').store, c.req.param('id'), now());
    if (!pickup) return notFound(c);
    return detail(c, pickup, 200, await noticeFromQuery(c));
  });

  /**
   * Runs one action on a pickup of the session's store: 404 for anything else, one
   * action at a time per order, then Post/Redirect/Get. A repeat of an action already
   * done is a no-op in core; an action the order has moved past says so and changes nothing.
   */
  const act = async (
    c: Context<StaffEnv>,
    name: string,
    fn: (pickup: PickupDetail, staff: Staff) => Promise<{ done: string; to: 'board' | 'detail' } | Response>,
  ) => {
    const staff = c.get('staff');
    const orderId = c.req.param('id') ?? '';
    return serialize(orderId, async () => {
      const pickup = await getPickup(prisma, staff.store, orderId, now());
      if (!pickup) return notFound(c);
      try {
        const out = await fn(pickup, staff);
        if (out instanceof Response) return out;
        logger.info(
          { action: name, orderId, locationId: staff.store.id, requestId: c.get('requestId') },
          'staff pickup action',
        );
        const q = `?done=${out.done}&o=${encodeURIComponent(orderId)}`;
        return c.redirect(
          out.to === 'board' ? `${base}${q}` : `${base}/orders/${encodeURIComponent(orderId)}${q}`,
          303,
        );
      } catch (e) {
        if (!(e instanceof OrderActionError)) throw e;
        const fresh = (await getPickup(prisma, staff.store, orderId, now())) ?? pickup;
        if (e.code === 'not_found') return notFound(c);
        if (e.code === 'illegal_transition') {
          return c.redirect(`${base}?done=already&o=${encodeURIComponent(orderId)}`, 303);
        }
        if (e.code === 'wrong_pickup_code') {
          logger.warn(
            { orderId, locationId: staff.store.id, requestId: c.get('requestId') },
            'staff: wrong pickup code',
          );
          return detail(c, fresh, 422, {
            kind: 'error',
            text: 'That code does not match this pickup. Check it with the customer; nothing was handed over.',
          });
        }
        return detail(c, fresh, e.status, { kind: 'error', text: `Not done: ${e.message}.` });
      }
    });
  };

  // The buyer's cancel request, answered at the counter as through the API (core/orders/cancel-request.ts).
  app.post('/orders/:id/cancel-approve', (c) =>
    act(c, 'cancel-approve', async (p, s) => {
      await approveCancelRequest(prisma, p.id, {}, s.actor, clock);
      return { done: 'cancel-approved', to: 'board' };
    }),
  );

  app.post('/orders/:id/cancel-decline', (c) =>
    act(c, 'cancel-decline', async (p, s) => {
      await declineCancelRequest(prisma, p.id, {}, s.actor, clock);
      return { done: 'cancel-declined', to: 'board' };
    }),
  );

  app.post('/orders/:id/picking', (c) =>
    act(c, 'picking', async (p, s) => {
      await markPicking(prisma, p.id, s.actor, clock);
      return { done: 'picking', to: 'board' };
    }),
  );

  app.post('/orders/:id/ready', (c) =>
    act(c, 'ready', async (p, s) => {
      // Picking is optional; from picking the state machine goes through packed ("picked").
      if (p.status === 'picking') await markPacked(prisma, p.id, s.actor, clock);
      await markReadyForPickup(prisma, p.id, s.actor, clock);
      return { done: 'ready', to: 'board' };
    }),
  );

  app.post('/orders/:id/collect', (c) =>
    act(c, 'collect', async (p, s) => {
      const body = await c.req.parseBody();
      const code = (text(body, 'code') ?? '').trim();
      if (!code || code.length > 32) {
        return detail(c, p, 400, { kind: 'error', text: 'Enter the customer’s pickup code.' });
      }
      // The hand-over form names the state it was built on. A form built on an older state
      // (a double submit, a retry, another colleague's hand-over in between) acts on nothing:
      // otherwise a resubmitted partial hand-over would hand over more.
      const version = text(body, 'v');
      if (version !== undefined && version !== p.version) {
        if (p.status === 'collected') return { done: 'collected', to: 'board' };
        return detail(c, p, 409, {
          kind: 'error',
          text: 'This pickup changed since the page was opened (already handed over?). Check the quantities and try again.',
        });
      }
      // Partial hand-over: the quantities typed for each open line.
      const open = p.lines.filter((l) => l.remaining > 0);
      const quantities: Record<string, number> = {};
      for (const l of open) {
        const raw = text(body, `qty_${l.id}`);
        if (raw === undefined || raw.trim() === '') continue;
        const n = Number(raw);
        if (!Number.isSafeInteger(n) || n < 0 || n > l.remaining) {
          return detail(
            c,
            p,
            400,
            { kind: 'error', text: `${l.title}: hand over 0 to ${l.remaining}.` },
            { code, quantities },
          );
        }
        quantities[l.id] = n;
      }
      const partial = open.some((l) => (quantities[l.id] ?? l.remaining) !== l.remaining);
      let lines: { orderLineId: string; quantity: number }[] | undefined;
      if (partial) {
        // Not naturally idempotent (a repeat would hand over more): only from a versioned form.
        if (version === undefined) {
          return detail(c, p, 400, { kind: 'error', text: 'Reload the page to hand over part of this pickup.' });
        }
        lines = open
          .map((l) => ({ orderLineId: l.id, quantity: quantities[l.id] ?? l.remaining }))
          .filter((l) => l.quantity > 0);
        if (!lines.length) {
          return detail(
            c,
            p,
            400,
            { kind: 'error', text: 'Choose at least one item to hand over.' },
            { code, quantities },
          );
        }
      }
      const after = await checkCode(
        c,
        p.id,
        () => collectPickup(prisma, p.id, { code, ...(lines ? { lines } : {}) }, s.actor, clock),
        (o) => !o.ok && o.error instanceof OrderActionError && o.error.code === 'wrong_pickup_code',
      );
      if (after instanceof Response) return after;
      return after.status === 'collected' ? { done: 'collected', to: 'board' } : { done: 'partial', to: 'detail' };
    }),
  );

  app.post('/orders/:id/refuse', (c) =>
    act(c, 'refuse', async (p, s) => {
      const form = RefuseForm.safeParse(await c.req.parseBody());
      if (!form.success)
        return detail(c, p, 400, { kind: 'error', text: 'Choose a reason (a note is up to 200 characters).' });
      const why = REFUSAL_REASON_TEXT[form.data.reason] ?? 'Refused';
      const reason = form.data.note ? `${why}: ${form.data.note}` : why;
      if (p.status === 'cancelled') return { done: 'refused', to: 'board' };
      if (p.status === 'collected') {
        return detail(c, p, 409, { kind: 'error', text: 'This pickup was collected: it cannot be refused now.' });
      }
      await refusePickup(prisma, p.id, { reason }, s.actor, clock);
      return { done: 'refused', to: 'board' };
    }),
  );

  return app;
}

/** The path as hono's router sees it (bytes that are not UTF-8 stay escaped, as they do there). */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
