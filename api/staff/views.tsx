/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The staff pages, server-rendered with hono's JSX. Plain HTML forms that work without
// JavaScript; `assets.ts` adds the double-submit guard and the live refresh of the lanes.
import type { Child, FC } from 'hono/jsx';
import type { PickupCard, PickupDetail, PickupLanes, StoreInfo } from '../../core/pickups/queries.ts';
import { ASSET_VERSION } from './assets.ts';

export interface PageContext {
  base: string;
  store?: StoreInfo;
  staffName?: string;
  csrf?: string;
  now: Date;
}

export interface Notice {
  kind: 'ok' | 'error' | 'info';
  text: string;
}

export const REFRESH_MS = 5000;

// ---------------------------------------------------------------------------
// formatting (in the store's time zone)

function localDay(d: Date, tz: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    d,
  );
}

export function formatWhen(d: Date | null, tz: string, now: Date): string {
  if (!d) return '';
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit' }).format(d);
  if (localDay(d, tz) === localDay(now, tz)) return `today ${time}`;
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(d);
  return `${day} ${time}`;
}

const STATUS_LABEL: Record<string, string> = {
  allocated: 'New',
  picking: 'Picking',
  packed: 'Picked',
  ready_for_pickup: 'Ready',
  collected: 'Collected',
  cancelled: 'Cancelled',
};

export function statusLabel(status: string): string {
  return STATUS_LABEL[status] ?? status.replace(/_/g, ' ');
}

// ---------------------------------------------------------------------------
// building blocks

const Csrf: FC<{ token: string | undefined }> = ({ token }) => <input type="hidden" name="_csrf" value={token ?? ''} />;

const ActionForm: FC<{
  ctx: PageContext;
  action: string;
  label: string;
  kind?: 'primary' | 'secondary' | 'danger';
  testId: string;
  children?: Child;
}> = ({ ctx, action, label, kind, testId, children }) => (
  <form method="post" action={action} class="inline">
    <Csrf token={ctx.csrf} />
    {children}
    <button type="submit" class={`btn ${kind ?? 'secondary'}`} data-testid={testId}>
      {label}
    </button>
  </form>
);

/** The answers to a buyer's cancel request, on the board and on the order page. */
const CancelRequestButtons: FC<{ ctx: PageContext; href: string }> = ({ ctx, href }) => (
  <>
    <ActionForm ctx={ctx} action={`${href}/cancel-approve`} label="Approve cancel" testId="cancel-approve" />
    <ActionForm
      ctx={ctx}
      action={`${href}/cancel-decline`}
      label="Decline, keep the order"
      kind="primary"
      testId="cancel-decline"
    />
  </>
);

const NoticeBox: FC<{ notice?: Notice | undefined }> = ({ notice }) =>
  notice ? (
    <p class={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid="notice">
      {notice.text}
    </p>
  ) : null;

export const Layout: FC<{ ctx: PageContext; title: string; children?: Child }> = ({ ctx, title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{ctx.store ? `${title} · ${ctx.store.name}` : title}</title>
      <link rel="stylesheet" href={`${ctx.base}/assets/staff.css?v=${ASSET_VERSION}`} />
      <script src={`${ctx.base}/assets/staff.js?v=${ASSET_VERSION}`} defer />
    </head>
    <body>
      <header class="top">
        <a class="brand" href={ctx.base}>
          Pickups
        </a>
        {ctx.store ? (
          <span class="who-am-i" data-testid="store-name">
            {ctx.store.name}
            {ctx.staffName ? <span class="muted"> · {ctx.staffName}</span> : null}
          </span>
        ) : null}
        {ctx.store ? (
          <form method="post" action={`${ctx.base}/logout`} class="inline signout">
            <Csrf token={ctx.csrf} />
            <button type="submit" class="btn link" data-testid="sign-out">
              Sign out
            </button>
          </form>
        ) : null}
      </header>
      <main>{children}</main>
    </body>
  </html>
);

// ---------------------------------------------------------------------------
// sign in

export const SignInPage: FC<{
  ctx: PageContext;
  stores: { code: string; name: string }[];
  selected?: string | undefined;
  staffName?: string | undefined;
  notice?: Notice | undefined;
}> = ({ ctx, stores, selected, staffName, notice }) => (
  <Layout ctx={ctx} title="Staff sign in">
    <section class="panel narrow">
      <h1>Staff sign in</h1>
      <NoticeBox notice={notice} />
      {stores.length === 0 ? (
        <p class="muted">No store has a counter PIN yet. Ask an administrator to set one.</p>
      ) : (
        <form method="post" action={`${ctx.base}/login`} class="stack" data-testid="sign-in-form">
          <label for="store">Store</label>
          <select id="store" name="store" required>
            {stores.length > 1 ? <option value="">Choose your store…</option> : null}
            {stores.map((s) => (
              <option value={s.code} selected={s.code === selected || stores.length === 1}>
                {s.name}
              </option>
            ))}
          </select>
          <label for="pin">Counter PIN</label>
          <input
            id="pin"
            name="pin"
            type="password"
            inputmode="numeric"
            autocomplete="off"
            pattern="[0-9]*"
            maxlength={12}
            required
          />
          <label for="name">
            Your name or initials <span class="muted">(optional, kept with what you do)</span>
          </label>
          <input id="name" name="name" maxlength={40} autocomplete="nickname" value={staffName ?? ''} />
          <button type="submit" class="btn primary" data-testid="sign-in">
            Sign in
          </button>
        </form>
      )}
    </section>
  </Layout>
);

// ---------------------------------------------------------------------------
// the board

function Items({ card, max = 4 }: { card: PickupCard; max?: number }) {
  const shown = card.lines.slice(0, max);
  const more = card.lines.length - shown.length;
  return (
    <ul class="items">
      {shown.map((l) => (
        <li>
          <b>{l.quantity}</b> × {l.title}
          {l.handedOver > 0 && l.handedOver < l.quantity ? (
            <span class="muted"> ({l.handedOver} handed over)</span>
          ) : null}
        </li>
      ))}
      {more > 0 ? <li class="muted">+ {more} more line(s)</li> : null}
    </ul>
  );
}

const Card: FC<{ ctx: PageContext; card: PickupCard; lane: 'to-pick' | 'ready' | 'collected' }> = ({
  ctx,
  card,
  lane,
}) => {
  const tz = ctx.store?.timezone ?? 'UTC';
  const href = `${ctx.base}/orders/${encodeURIComponent(card.id)}`;
  const partial = card.lines.some((l) => l.handedOver > 0) && lane === 'ready';
  return (
    <li class={`card ${card.overdue ? 'overdue' : ''}`} data-order={card.number} data-status={card.status}>
      <div class="card-head">
        <a class="num" href={href}>
          {card.number}
        </a>
        <span class={`chip s-${card.status}`}>{statusLabel(card.status)}</span>
        {partial ? <span class="chip warn">Part handed over</span> : null}
        {card.cancelRequested ? (
          <span class="chip bad" data-testid="cancel-requested">
            Buyer asked to cancel
          </span>
        ) : null}
        {card.flagged ? (
          <span class="chip bad" data-testid="flagged">
            Not collected: release pending
          </span>
        ) : card.overdue ? (
          <span class="chip bad" data-testid="overdue">
            Overdue
          </span>
        ) : null}
      </div>
      <div class="who">
        {card.customerName ?? 'Customer'} <span class="muted">· {card.channel}</span>
      </div>
      <Items card={card} />
      <div class="meta muted">
        {lane === 'to-pick' ? `Ordered ${formatWhen(card.orderedAt, tz, ctx.now)} · ${card.units} item(s)` : null}
        {lane === 'ready'
          ? `Ready ${formatWhen(card.readyAt, tz, ctx.now)} · hold until ${formatWhen(card.holdUntil, tz, ctx.now)}`
          : null}
        {lane === 'collected' ? `Collected ${formatWhen(card.collectedAt, tz, ctx.now)}` : null}
      </div>
      {card.cancelRequested ? (
        <div class="actions">
          <CancelRequestButtons ctx={ctx} href={href} />
        </div>
      ) : lane === 'to-pick' ? (
        <div class="actions">
          {card.status === 'allocated' ? (
            <ActionForm ctx={ctx} action={`${href}/picking`} label="Start picking" testId="start-picking" />
          ) : null}
          <ActionForm
            ctx={ctx}
            action={`${href}/ready`}
            label={card.status === 'picking' ? 'Picked, ready' : 'Ready for pickup'}
            kind="primary"
            testId="mark-ready"
          />
        </div>
      ) : null}
      {lane === 'ready' ? (
        <div class="actions">
          <a class="btn primary" href={href} data-testid="open-handover">
            Hand over…
          </a>
        </div>
      ) : null}
    </li>
  );
};

const Lane: FC<{
  ctx: PageContext;
  id: 'to-pick' | 'ready' | 'collected';
  title: string;
  cards: PickupCard[];
  empty: string;
}> = ({ ctx, id, title, cards, empty }) => (
  <section class="lane" id={id} data-testid={`lane-${id}`} aria-labelledby={`${id}-title`}>
    <h2 id={`${id}-title`}>
      {title} <span class="count">{cards.length}</span>
    </h2>
    {cards.length ? (
      <ol class="cards">
        {cards.map((card) => (
          <Card ctx={ctx} card={card} lane={id} />
        ))}
      </ol>
    ) : (
      <p class="empty muted">{empty}</p>
    )}
  </section>
);

/** The part of the board that refreshes live (also served alone as a fragment). */
export const Lanes: FC<{ ctx: PageContext; lanes: PickupLanes }> = ({ ctx, lanes }) => (
  <>
    <nav class="lane-nav" aria-label="Lanes">
      <a href="#to-pick">
        To pick <b>{lanes.toPick.length}</b>
      </a>
      <a href="#ready">
        Ready <b>{lanes.ready.length}</b>
      </a>
      <a href="#collected">
        Collected today <b>{lanes.collectedToday.length}</b>
      </a>
    </nav>
    <div class="lanes">
      <Lane ctx={ctx} id="to-pick" title="To pick" cards={lanes.toPick} empty="Nothing to pick." />
      <Lane ctx={ctx} id="ready" title="Ready" cards={lanes.ready} empty="Nothing waiting for a customer." />
      <Lane
        ctx={ctx}
        id="collected"
        title="Collected today"
        cards={lanes.collectedToday}
        empty="Nothing collected yet today."
      />
    </div>
  </>
);

export const BoardPage: FC<{ ctx: PageContext; lanes: PickupLanes; notice?: Notice | undefined; code?: string }> = ({
  ctx,
  lanes,
  notice,
  code,
}) => (
  <Layout ctx={ctx} title="Pickups">
    <NoticeBox notice={notice} />
    <form method="post" action={`${ctx.base}/find`} class="find" data-testid="find-form">
      <Csrf token={ctx.csrf} />
      <label for="find-code">Customer's pickup code</label>
      <div class="row">
        <input
          id="find-code"
          name="code"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          maxlength={16}
          placeholder="Type or scan"
          required
          value={code ?? ''}
        />
        <button type="submit" class="btn primary" data-testid="find">
          Find
        </button>
      </div>
    </form>
    <p>
      <a
        class="btn secondary"
        href={`${ctx.base}/pick-list.pdf`}
        target="_blank"
        data-testid="print-pick-list"
        rel="noopener"
      >
        Print pick list
      </a>
    </p>
    <div id="lanes" data-refresh={`${ctx.base}/lanes`} data-interval={String(REFRESH_MS)} aria-live="polite">
      <Lanes ctx={ctx} lanes={lanes} />
    </div>
    <p class="refresh muted" id="refresh-status" data-testid="refresh-status">
      Refreshes every {REFRESH_MS / 1000} s.
    </p>
  </Layout>
);

// ---------------------------------------------------------------------------
// one pickup

const REFUSAL_REASONS = [
  ['customer_refused', 'Customer refused the goods'],
  ['damaged', 'Goods damaged'],
  ['wrong_item', 'Wrong item prepared'],
  ['not_available', 'Could not be prepared (missing stock)'],
  ['other', 'Other (say why below)'],
] as const;
export const REFUSAL_REASON_TEXT: Record<string, string> = Object.fromEntries(REFUSAL_REASONS);

export const DetailPage: FC<{
  ctx: PageContext;
  pickup: PickupDetail;
  notice?: Notice | undefined;
  code?: string | undefined;
  quantities?: Record<string, number> | undefined;
}> = ({ ctx, pickup: p, notice, code, quantities }) => {
  const tz = ctx.store?.timezone ?? 'UTC';
  const href = `${ctx.base}/orders/${encodeURIComponent(p.id)}`;
  const toPick = !p.cancelRequested && (p.status === 'allocated' || p.status === 'picking' || p.status === 'packed');
  const ready = p.status === 'ready_for_pickup';
  const open = p.lines.filter((l) => l.remaining > 0);
  return (
    <Layout ctx={ctx} title={`Pickup ${p.number}`}>
      <p>
        <a href={ctx.base}>← All pickups</a>{' '}
        <a
          class="btn secondary"
          href={`${href}/packing-slip.pdf`}
          target="_blank"
          data-testid="print-packing-slip"
          rel="noopener"
        >
          Print packing slip
        </a>
      </p>
      <NoticeBox notice={notice} />
      <section class="panel" data-testid="pickup" data-status={p.status}>
        <div class="card-head">
          <h1>{p.number}</h1>
          <span class={`chip s-${p.status}`} data-testid="status">
            {statusLabel(p.status)}
          </span>
          {p.flagged ? <span class="chip bad">Not collected: release pending</span> : null}
          {p.cancelRequested ? (
            <span class="chip bad" data-testid="cancel-requested">
              Buyer asked to cancel
            </span>
          ) : null}
          {!p.flagged && p.overdue ? <span class="chip bad">Overdue</span> : null}
        </div>
        <dl class="facts">
          <dt>Customer</dt>
          <dd>{p.customerName ?? '—'}</dd>
          {p.customerPhone ? (
            <>
              <dt>Phone</dt>
              <dd>
                <a href={`tel:${p.customerPhone}`}>{p.customerPhone}</a>
              </dd>
            </>
          ) : null}
          <dt>Channel</dt>
          <dd>{p.channel}</dd>
          <dt>Ordered</dt>
          <dd>{formatWhen(p.orderedAt, tz, ctx.now)}</dd>
          {p.readyAt ? (
            <>
              <dt>Ready since</dt>
              <dd>{formatWhen(p.readyAt, tz, ctx.now)}</dd>
            </>
          ) : null}
          {p.holdUntil ? (
            <>
              <dt>Held until</dt>
              <dd>{formatWhen(p.holdUntil, tz, ctx.now)}</dd>
            </>
          ) : null}
          {p.collectedAt ? (
            <>
              <dt>Collected</dt>
              <dd>{formatWhen(p.collectedAt, tz, ctx.now)}</dd>
            </>
          ) : null}
          {p.cancelledReason ? (
            <>
              <dt>Reason</dt>
              <dd>{p.cancelledReason}</dd>
            </>
          ) : null}
        </dl>
        <table class="lines">
          <thead>
            <tr>
              <th>Item</th>
              <th class="n">Qty</th>
              <th class="n">Handed over</th>
            </tr>
          </thead>
          <tbody>
            {p.lines.map((l) => (
              <tr>
                <td>
                  {l.title}
                  {l.skuCode ? <div class="muted small">{l.skuCode}</div> : null}
                </td>
                <td class="n">{l.quantity}</td>
                <td class="n">{l.handedOver}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {p.cancelRequested ? (
        <section class="panel actions">
          <CancelRequestButtons ctx={ctx} href={href} />
          <p class="muted small">
            The buyer asked the channel to cancel. Approving releases the stock; either answer is sent to the channel.
          </p>
        </section>
      ) : null}

      {toPick ? (
        <section class="panel actions">
          {p.status === 'allocated' ? (
            <ActionForm ctx={ctx} action={`${href}/picking`} label="Start picking" testId="start-picking" />
          ) : null}
          <ActionForm
            ctx={ctx}
            action={`${href}/ready`}
            label={p.status === 'picking' ? 'Picked, ready for pickup' : 'Ready for pickup'}
            kind="primary"
            testId="mark-ready"
          />
          <p class="muted small">Ready tells the customer, sends them their pickup code and starts the hold.</p>
        </section>
      ) : null}

      {ready ? (
        <section class="panel">
          <h2>Hand over</h2>
          <form method="post" action={`${href}/collect`} class="stack" data-testid="handover-form">
            <Csrf token={ctx.csrf} />
            <input type="hidden" name="v" value={p.version} />
            <label for="code">Customer's pickup code</label>
            <input
              id="code"
              name="code"
              class="code"
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              maxlength={16}
              required
              autofocus
              placeholder="Type or scan"
              value={code ?? ''}
              data-testid="code"
            />
            {open.length > 1 || (open[0] && open[0].remaining > 1) ? (
              <details open={quantities !== undefined}>
                <summary>Hand over only some items</summary>
                <p class="muted small">Set how many of each the customer takes now; the rest stays ready.</p>
                {open.map((l) => (
                  <label class="qty">
                    <span>
                      {l.title} <span class="muted">({l.remaining} to hand over)</span>
                    </span>
                    <input
                      type="number"
                      name={`qty_${l.id}`}
                      min={0}
                      max={l.remaining}
                      value={String(quantities?.[l.id] ?? l.remaining)}
                      inputmode="numeric"
                      data-testid={`qty-${l.skuCode ?? l.id}`}
                    />
                  </label>
                ))}
              </details>
            ) : null}
            <button type="submit" class="btn primary big" data-testid="hand-over">
              Hand over
            </button>
          </form>
        </section>
      ) : null}

      {toPick || ready ? (
        <section class="panel">
          <details>
            <summary>Refuse or cancel this pickup</summary>
            <form
              method="post"
              action={`${href}/refuse`}
              class="stack"
              data-confirm="Cancel this pickup? Its stock is released and the channel is told."
              data-testid="refuse-form"
            >
              <Csrf token={ctx.csrf} />
              <label for="reason">Reason</label>
              <select id="reason" name="reason">
                {REFUSAL_REASONS.map(([value, text]) => (
                  <option value={value}>{text}</option>
                ))}
              </select>
              <label for="note">Note (optional)</label>
              <input id="note" name="note" maxlength={200} />
              <button type="submit" class="btn danger" data-testid="refuse">
                Refuse pickup
              </button>
            </form>
          </details>
        </section>
      ) : null}
    </Layout>
  );
};

export const MessagePage: FC<{ ctx: PageContext; title: string; text: string; requestId?: string | undefined }> = ({
  ctx,
  title,
  text,
  requestId,
}) => (
  <Layout ctx={ctx} title={title}>
    <section class="panel narrow">
      <h1>{title}</h1>
      <p>{text}</p>
      {requestId ? <p class="muted small">Request id {requestId}</p> : null}
      <p>
        <a class="btn secondary" href={ctx.base}>
          Back to pickups
        </a>
      </p>
    </section>
  </Layout>
);
