/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The landing page, server-rendered with hono's JSX. `Live` is the part that refreshes:
// the page script fetches it again every couple of seconds (GET <base>/live) and swaps it
// in, so the first paint and every refresh come from the same component.
import type { FC } from 'hono/jsx';
import { currencyExponent } from '../../core/money/money.ts';
import { LANDING_ASSET_VERSION } from './assets.ts';
import type { ChannelStock, HotSku, LandingSnapshot, RecentOrder } from './snapshot.ts';

export interface PageInfo {
  title: string;
  subtitle?: string | null;
  /** Shown above the live part (the demo says that its data is wiped at each start). */
  notice?: string | null;
  links: { label: string; href: string; hint?: string }[];
  /** Where the live fragment and the assets are served (default "/landing"). */
  base: string;
  refreshMs: number;
}

// ---------------------------------------------------------------- formatting

export function formatMoney(minor: string, currency: string): string {
  let exp = 2;
  try {
    exp = currencyExponent(currency);
  } catch {
    // unknown code: show two decimals
  }
  const negative = minor.startsWith('-');
  const digits = (negative ? minor.slice(1) : minor).padStart(exp + 1, '0');
  const decimal = exp ? `${digits.slice(0, -exp)}.${digits.slice(-exp)}` : digits;
  try {
    const f = new Intl.NumberFormat('en-GB', { style: 'currency', currency, minimumFractionDigits: exp });
    // A decimal string is formatted exactly (Intl.NumberFormat v3): no float in between.
    return f.format(`${negative ? '-' : ''}${decimal}` as unknown as number);
  } catch {
    return `${negative ? '-' : ''}${decimal} ${currency}`;
  }
}

export function age(iso: string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (s < 3) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ago`;
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

const STATUS: Record<string, string> = {
  captured: 'captured',
  confirmed: 'confirmed',
  allocated: 'allocated',
  picking: 'picking',
  packed: 'packed',
  ready_for_pickup: 'ready for pickup',
  collected: 'collected',
  shipped: 'shipped',
  partially_shipped: 'partly shipped',
  partially_returned: 'partly returned',
  returned: 'returned',
  cancelled: 'cancelled',
  closed: 'closed',
  on_hold: 'on hold',
};

function statusText(o: RecentOrder): string {
  // A counter sale leaves the store with the buyer: the hub books it as fulfilled at once.
  if (o.kind === 'counter' && o.status === 'shipped') return 'sold at the counter';
  const s = STATUS[o.status] ?? o.status.replace(/_/g, ' ');
  return o.status === 'on_hold' && o.holdReason ? `${s}: ${o.holdReason.replace(/_/g, ' ')}` : s;
}

function statusTone(status: string): string {
  if (status === 'on_hold') return 'bad';
  if (status === 'cancelled' || status === 'returned') return 'muted';
  if (status === 'ready_for_pickup' || status === 'collected' || status === 'shipped') return 'good';
  return 'plain';
}

const KIND: Record<RecentOrder['kind'], string> = {
  online: 'Online',
  pickup: 'Click & collect',
  counter: 'Counter (POS)',
};

// ---------------------------------------------------------------- the live part

const Kpi: FC<{ k: string; value: number | string; label: string; hint?: string; tone?: string }> = (p) => (
  <div class={`kpi ${p.tone ?? ''}`}>
    <span class="kpi-value" data-k={p.k}>
      {p.value}
    </span>
    <span class="kpi-label">{p.label}</span>
    {p.hint ? <span class="kpi-hint">{p.hint}</span> : null}
  </div>
);

const ChannelCell: FC<{ c: ChannelStock | undefined; sku: string }> = ({ c, sku }) => {
  if (!c) return <td class="na">not listed</td>;
  const state = c.inSync ? 'sync' : 'moving';
  return (
    <td class={`chan ${state}`} data-label={c.name}>
      <span class="shows" data-k={`shows-${c.accountId}-${sku}`} title={`${c.name} shows this now`}>
        {c.shows ?? '?'}
      </span>
      {c.inSync ? null : (
        <span class="target" title="the hub's target for this channel">
          → {c.target ?? '…'}
        </span>
      )}
      {c.error ? (
        <span class="err" title={c.error}>
          !
        </span>
      ) : null}
    </td>
  );
};

const StockTable: FC<{ skus: HotSku[]; now: Date }> = ({ skus, now }) => {
  const channels: { accountId: string; name: string }[] = [];
  for (const s of skus)
    for (const c of s.channels)
      if (!channels.some((x) => x.accountId === c.accountId)) channels.push({ accountId: c.accountId, name: c.name });
  if (skus.length === 0) return <p class="empty">No SKU to follow yet.</p>;
  return (
    <div class="table-wrap">
      <table class="stock" data-testid="hot-skus">
        <thead>
          <tr>
            <th>SKU</th>
            <th class="num">
              Sellable
              <small>in the hub</small>
            </th>
            {channels.map((c) => (
              <th class="num">
                {c.name}
                <small>shows</small>
              </th>
            ))}
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {skus.map((s) => (
            <tr class={s.inSync ? 'row-sync' : 'row-moving'} data-sku={s.code} data-in-sync={s.inSync ? 'yes' : 'no'}>
              <td class="sku">
                <strong>{s.title}</strong>
                <small>
                  {s.code} · {s.onHand} on hand, {s.reserved} reserved
                </small>
              </td>
              <td class="num sellable" data-label="Sellable in the hub">
                <span data-k={`sellable-${s.code}`}>{s.sellable}</span>
              </td>
              {channels.map((c) => (
                <ChannelCell c={s.channels.find((x) => x.accountId === c.accountId)} sku={s.code} />
              ))}
              <td class="state" data-label="Status">
                {s.inSync ? <span class="badge good">✓ in sync</span> : <span class="badge warn">↻ syncing</span>}
                {s.caughtUpMs !== null && s.lastChangeAt ? (
                  <small
                    class="lag"
                    title="from the last stock change in the hub to the last channel confirming its new quantity"
                  >
                    caught up {seconds(s.caughtUpMs)} after the last change ({age(s.lastChangeAt, now)})
                  </small>
                ) : null}
                <small class="together" title="what the channels offer together, against what the hub can sell">
                  offered together: {s.advertisedTotal} of {s.sellable}
                </small>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};

export const Live: FC<{ snap: LandingSnapshot; info: PageInfo; now: Date }> = ({ snap, info, now }) => {
  const waiting = snap.pickups.reduce((s, p) => s + p.toPrepare + p.ready, 0);
  const hotInSync = snap.hotSkus.filter((s) => s.inSync).length;
  const updated = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(
    new Date(snap.generatedAt),
  );
  return (
    <div id="live" data-live-url={`${info.base}/live`} data-refresh-ms={String(info.refreshMs)}>
      <div class="kpis">
        <Kpi
          k="orders-total"
          value={snap.totals.orders}
          label="orders"
          hint={`${snap.totals.lastMinute} in the last minute`}
        />
        <Kpi k="pickups-waiting" value={waiting} label="pickups waiting" hint="to prepare or ready" />
        <Kpi
          k="exceptions-open"
          value={snap.exceptions.open}
          label="open exceptions"
          tone={snap.exceptions.open ? 'bad' : ''}
          hint={snap.exceptions.open ? 'need a person' : 'nothing to look at'}
        />
        <Kpi
          k="hot-in-sync"
          value={`${hotInSync}/${snap.hotSkus.length}`}
          label="hot SKUs in sync"
          tone={hotInSync === snap.hotSkus.length ? 'good' : 'warn'}
          hint={`${snap.sync.listingsBehind} listing(s) being pushed`}
        />
      </div>

      <section>
        <h2>Orders per channel</h2>
        <div class="cards">
          {snap.channels.map((c) => (
            <article class="card channel" data-account={c.accountId}>
              <header>
                <h3>{c.name}</h3>
                <span class="chip">{c.type}</span>
              </header>
              {c.authRefusedAt ? (
                <p class="badge bad" data-k={`auth-refused-${c.accountId}`}>
                  credentials refused {age(c.authRefusedAt, now)}: its events wait
                </p>
              ) : null}
              <p class="big">
                <span data-k={`orders-${c.accountId}`}>{c.orders}</span> <small>orders</small>
              </p>
              <ul class="split">
                <li>
                  <span>Online</span>
                  <b data-k={`online-${c.accountId}`}>{c.online}</b>
                </li>
                <li>
                  <span>Click &amp; collect</span>
                  <b data-k={`pickup-${c.accountId}`}>{c.pickup}</b>
                </li>
                {c.counter > 0 || c.type === 'pos' ? (
                  <li>
                    <span>Counter (POS)</span>
                    <b data-k={`counter-${c.accountId}`}>{c.counter}</b>
                  </li>
                ) : null}
              </ul>
              <p class="hint">{c.lastMinute} in the last minute</p>
            </article>
          ))}
          {snap.channels.length === 0 ? <p class="empty">No channel account yet.</p> : null}
        </div>
      </section>

      <section>
        <h2>Hot SKUs: what each channel shows</h2>
        <p class="lede">
          After every sale the hub recomputes what each channel may sell (splitting scarce stock so that the channels
          together never offer more than exists) and pushes it; the numbers are read from the channels themselves.
        </p>
        <StockTable skus={snap.hotSkus} now={now} />
      </section>

      <div class="two">
        <section>
          <h2>Pending pickups</h2>
          <ul class="stores">
            {snap.pickups.map((p) => (
              <li data-store={p.code}>
                <strong>{p.name}</strong>
                <span>
                  <b data-k={`prepare-${p.code}`}>{p.toPrepare}</b> to prepare ·{' '}
                  <b data-k={`ready-${p.code}`}>{p.ready}</b> ready{p.onHold ? ` · ${p.onHold} on hold` : ''}
                </span>
              </li>
            ))}
            {snap.pickups.length === 0 ? <li class="empty">No store offers pickup.</li> : null}
          </ul>
          <p class="hint">
            <a href="/staff">Open the staff pages</a> to prepare and hand over pickups.
          </p>
        </section>
        <section>
          <h2>Exceptions</h2>
          {snap.exceptions.open === 0 ? (
            <p class="empty">None open.</p>
          ) : (
            <ul class="exceptions">
              {snap.exceptions.latest.map((e) => (
                <li data-exception={e.id}>
                  <span class="badge bad">{e.kind.replace(/_/g, ' ')}</span> {e.message}
                  {e.occurrences > 1 ? <small> (×{e.occurrences})</small> : null} <small>{age(e.updatedAt, now)}</small>
                  {e.replayable ? (
                    <small class="replay" title="an admin API key replays it">
                      {' '}
                      · replay: <code>POST /api/v1/exceptions/{e.id}/replay</code>
                    </small>
                  ) : null}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section>
        <h2>Latest orders</h2>
        <ol class="feed" data-testid="feed">
          {snap.recentOrders.map((o) => (
            <li data-order={o.id}>
              <span class="no" title={o.number}>
                {o.number}
              </span>
              <span class="what">
                {o.account} · {KIND[o.kind]}
                {o.place ? ` · ${o.place}` : ''}
                {o.units > 0 ? ` · ${o.units} item${o.units === 1 ? '' : 's'}` : ''} ·{' '}
                {formatMoney(o.total, o.currency)}
              </span>
              <span class="meta">
                <span class={`badge ${statusTone(o.status)}`}>{statusText(o)}</span>
                <small class="when">{age(o.createdAt, now)}</small>
              </span>
            </li>
          ))}
          {snap.recentOrders.length === 0 ? <li class="empty">Waiting for the first order…</li> : null}
        </ol>
      </section>

      <p class="status-line">
        Backlog: {snap.sync.inboxPending} channel event(s) to process · {snap.sync.outboxPending} change(s) to dispatch
        · {snap.sync.listingsBehind} listing(s) behind · updated <time data-k="updated">{updated}</time>
        <span class="conn" aria-live="polite" />
      </p>
    </div>
  );
};

export const LandingPage: FC<{ snap: LandingSnapshot; info: PageInfo; now: Date }> = ({ snap, info, now }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <title>{info.title}</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href={`${info.base}/assets/landing.css?v=${LANDING_ASSET_VERSION}`} />
      <script src={`${info.base}/assets/landing.js?v=${LANDING_ASSET_VERSION}`} defer />
    </head>
    <body>
      <header class="top">
        <div>
          <h1>{info.title}</h1>
          {info.subtitle ? <p class="sub">{info.subtitle}</p> : null}
        </div>
        <nav>
          {info.links.map((l) => (
            <a href={l.href} title={l.hint ?? ''}>
              {l.label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        {info.notice ? <p class="notice">{info.notice}</p> : null}
        <Live snap={snap} info={info} now={now} />
      </main>
    </body>
  </html>
);
