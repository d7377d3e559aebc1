/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// The customer's status page, server-rendered with hono's JSX: no script at all, one inline
// style sheet, readable on a phone.
import type { Child, FC } from 'hono/jsx';
import { formatDate, STATUS_LABELS, type StatusLabels } from '../../core/status/labels.ts';
import { SETTLED_STATUSES, type StatusView, WEEKDAYS } from '../../core/status/view.ts';

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;margin:0;background:#f5f5f4;color:#1c1917}
main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.5rem;margin:0 0 1rem}
h2{font-size:1.05rem;margin:1.5rem 0 .5rem}
section>h2:first-child{margin-top:0}
section{background:#fff;border-radius:.5rem;padding:1rem 1.25rem;margin-bottom:1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.status{font-size:1.25rem;font-weight:600}
.note{color:#9a3412;margin:.5rem 0 0}
.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:2rem;letter-spacing:.2em;font-weight:700}
table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.25rem .5rem .25rem 0;vertical-align:top}
ul{margin:0;padding-left:1.2rem}
a{color:#1d4ed8}
`;

const Page: FC<{ lang: string; title: string; children?: Child }> = ({ lang, title, children }) => (
  <html lang={lang}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{title}</title>
      {/* Raw: escaping would turn quotes and > into entities the CSS parser rejects. */}
      <style dangerouslySetInnerHTML={{ __html: STYLE }} />
    </head>
    <body>
      <main>{children}</main>
    </body>
  </html>
);

function Hours({ view, t }: { view: StatusView; t: StatusLabels }) {
  const hours = view.pickup?.openingHours;
  if (!hours) return null;
  return (
    <>
      <h2>{t.openingHours}</h2>
      <table data-testid="opening-hours">
        <tbody>
          {WEEKDAYS.map((d) => (
            <tr>
              <th>{t.weekdays[d]}</th>
              <td>{hours[d]?.length ? hours[d].map((i) => `${i.open}–${i.close}`).join(', ') : t.closed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function StatusPage({ view, base }: { view: StatusView; base: string }) {
  const t = STATUS_LABELS[view.language];
  const tz = view.pickup?.timezone ?? 'UTC';
  const shortOfStock = view.status === 'on_hold' && view.holdReason === 'insufficient_stock';
  const open = !(SETTLED_STATUSES as readonly string[]).includes(view.status);
  return (
    <Page lang={t.htmlLang} title={t.title(view.orderNumber)}>
      <h1>{t.title(view.orderNumber)}</h1>
      <section>
        <div>{t.status}</div>
        <div class="status" data-testid="status">
          {t.statuses[view.status] ?? view.status}
        </div>
        {shortOfStock ? <p class="note">{t.waitingForStock}</p> : null}
        {view.promisedAt && open ? (
          <p class={view.delayed ? 'note' : ''} data-testid="promised">
            {view.delayed
              ? t.delayed(formatDate(view.promisedAt, view.language, tz))
              : t.promised(formatDate(view.promisedAt, view.language, tz))}
          </p>
        ) : null}
        {view.erased ? <p data-testid="erased">{t.erased}</p> : null}
      </section>
      {view.pickup ? (
        <section data-testid="pickup">
          <h2>{t.pickup}</h2>
          <div>
            {t.store}: <strong>{view.pickup.storeName}</strong>
          </div>
          {view.pickup.code ? (
            <>
              <h2>{t.pickupCode}</h2>
              <div class="code" data-testid="pickup-code">
                {view.pickup.code}
              </div>
              <div>{t.pickupCodeHint}</div>
            </>
          ) : null}
          <Hours view={view} t={t} />
        </section>
      ) : (
        <section data-testid="parcels">
          <h2>{t.parcels}</h2>
          {view.parcels.length ? (
            <table>
              <thead>
                <tr>
                  <th>{t.carrier}</th>
                  <th>{t.trackingNumber}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {view.parcels.map((p) => (
                  <tr>
                    <td>{p.carrier ?? ''}</td>
                    <td>{p.number ?? ''}</td>
                    <td>{p.url ? <a href={p.url}>{t.track}</a> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p>{t.noParcels}</p>
          )}
        </section>
      )}
      {view.lines.length ? (
        <section>
          <h2>{t.items}</h2>
          <ul data-testid="items">
            {view.lines.map((l) => (
              <li>
                {l.quantity} × {l.title}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {view.documents.length ? (
        <section>
          <h2>{t.documents}</h2>
          <ul data-testid="documents">
            {view.documents.map((d) => (
              <li>
                <a href={`${base}/documents/${d.id}`}>
                  {d.kind === 'invoice' ? t.invoice : t.creditNote} {d.number}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Page>
  );
}

/** The one answer for every token that opens nothing: the same bytes whatever was asked. */
export function NotFoundPage() {
  const en = STATUS_LABELS.en;
  const de = STATUS_LABELS.de;
  return (
    <Page lang="en" title={`${en.notFoundTitle} / ${de.notFoundTitle}`}>
      <h1>{en.notFoundTitle}</h1>
      <p>{en.notFound}</p>
      <h1 lang="de">{de.notFoundTitle}</h1>
      <p lang="de">{de.notFound}</p>
    </Page>
  );
}
