// The landing page's own style and script, served from the hub (no CDN, no inline code, so
// the page runs under a strict Content-Security-Policy). The script re-fetches the live
// fragment every couple of seconds, swaps it in, and makes changed numbers and new orders
// flash so that arrivals catch the eye.

/** Bump when the assets change: the page links them with ?v= so caches pick up the new ones. */
export const LANDING_ASSET_VERSION = '3';

export const LANDING_CSS = `
:root {
  --bg: #f6f7f9; --fg: #1b1f24; --muted: #5d6670; --card: #fff; --line: #dfe3e8;
  --accent: #1f6feb; --good: #1a7f37; --good-bg: #dafbe1; --warn: #9a6700; --warn-bg: #fff8c5;
  --bad: #cf222e; --bad-bg: #ffebe9; --flash: #fff1a8;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --card: #161b22; --line: #30363d;
    --accent: #4493f8; --good: #3fb950; --good-bg: #12261e; --warn: #d29922; --warn-bg: #272115;
    --bad: #f85149; --bad-bg: #2d1517; --flash: #4d3f00; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font-size: 15px; line-height: 1.45; }
a { color: var(--accent); }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between;
  padding: .9rem 1.25rem; background: var(--card); border-bottom: 1px solid var(--line); }
header.top h1 { margin: 0; font-size: 1.35rem; }
header.top .sub { margin: .15rem 0 0; color: var(--muted); font-size: .9rem; }
header.top nav { display: flex; flex-wrap: wrap; gap: .5rem; }
header.top nav a { text-decoration: none; padding: .45rem .8rem; border: 1px solid var(--line); border-radius: 999px;
  background: var(--bg); font-weight: 600; font-size: .9rem; min-height: 2.25rem; display: inline-flex; align-items: center; }
main { max-width: 1180px; margin: 0 auto; padding: 1rem 1.25rem 2.5rem; }
.notice { background: var(--warn-bg); color: var(--fg); border: 1px solid var(--line); border-radius: 8px;
  padding: .6rem .8rem; margin: 0 0 1rem; font-size: .9rem; }
h2 { font-size: 1.05rem; margin: 1.6rem 0 .6rem; }
.lede, .hint { color: var(--muted); font-size: .88rem; margin: .2rem 0 .7rem; }
.kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: .75rem; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: .8rem 1rem;
  display: flex; flex-direction: column; }
.kpi-value { font-size: 2rem; font-weight: 700; font-variant-numeric: tabular-nums; line-height: 1.1; }
.kpi-label { font-weight: 600; }
.kpi-hint { color: var(--muted); font-size: .82rem; }
.kpi.bad .kpi-value { color: var(--bad); }
.kpi.good .kpi-value { color: var(--good); }
.kpi.warn .kpi-value { color: var(--warn); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: .75rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: .8rem 1rem; }
.card header { display: flex; justify-content: space-between; align-items: center; gap: .5rem; }
.card h3 { margin: 0; font-size: 1rem; }
.chip { font-size: .75rem; padding: .1rem .5rem; border-radius: 999px; border: 1px solid var(--line); color: var(--muted); }
.big { font-size: 2.2rem; font-weight: 700; margin: .3rem 0; font-variant-numeric: tabular-nums; }
.big small { font-size: .9rem; font-weight: 500; color: var(--muted); }
.split { list-style: none; margin: 0; padding: 0; }
.split li { display: flex; justify-content: space-between; padding: .2rem 0; border-top: 1px dashed var(--line); }
.split b { font-variant-numeric: tabular-nums; }
.table-wrap { background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow-x: auto; }
table.stock { border-collapse: collapse; width: 100%; }
table.stock th, table.stock td { padding: .55rem .75rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
table.stock tbody tr:last-child td { border-bottom: 0; }
table.stock th { font-size: .85rem; }
table.stock th small { display: block; font-weight: 400; color: var(--muted); }
table.stock .num { text-align: right; font-variant-numeric: tabular-nums; }
table.stock td.sku small { display: block; color: var(--muted); font-size: .8rem; }
table.stock td.sellable { font-size: 1.3rem; font-weight: 700; }
table.stock td.chan { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.chan .shows { font-size: 1.3rem; font-weight: 700; }
td.chan.moving .shows { color: var(--warn); }
td.chan .target { color: var(--muted); margin-left: .3rem; }
td.chan .err { color: var(--bad); font-weight: 700; margin-left: .3rem; }
td.state small.lag, td.state small.together { display: block; color: var(--muted); font-size: .78rem; margin-top: .2rem; }
tr.row-moving { background: var(--warn-bg); }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: 999px; font-size: .78rem; font-weight: 600;
  border: 1px solid transparent; white-space: nowrap; }
.badge.good { background: var(--good-bg); color: var(--good); }
.badge.warn { background: var(--warn-bg); color: var(--warn); border-color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.muted { color: var(--muted); border-color: var(--line); }
.badge.plain { color: var(--fg); border-color: var(--line); }
.two { display: grid; grid-template-columns: 1fr 1fr; gap: 0 1.25rem; }
ul.stores, ul.exceptions, ol.feed { list-style: none; margin: 0; padding: 0; background: var(--card);
  border: 1px solid var(--line); border-radius: 10px; }
ul.stores li, ul.exceptions li, ol.feed li { padding: .55rem .8rem; border-bottom: 1px solid var(--line); }
ul.stores li:last-child, ul.exceptions li:last-child, ol.feed li:last-child { border-bottom: 0; }
ul.stores li { display: flex; justify-content: space-between; gap: .5rem; flex-wrap: wrap; }
ol.feed li { display: grid; grid-template-columns: 4.5rem 1fr auto; gap: .6rem; align-items: center; }
ol.feed .meta { display: flex; gap: .6rem; align-items: center; justify-content: flex-end; }
ol.feed .no { font-weight: 700; font-variant-numeric: tabular-nums; min-width: 0; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; }
ol.feed .when { color: var(--muted); white-space: nowrap; }
.empty { color: var(--muted); }
.status-line { color: var(--muted); font-size: .82rem; margin-top: 1.5rem; }
body.offline .conn::after { content: " · hub unreachable, retrying…"; color: var(--bad); font-weight: 600; }
.bump { animation: bump 1.6s ease-out; border-radius: 4px; }
li.new { animation: bump 2.4s ease-out; }
@keyframes bump { from { background: var(--flash); } to { background: transparent; } }
@media (prefers-reduced-motion: reduce) { .bump, li.new { animation: none; } }
@media (max-width: 860px) {
  .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .two { grid-template-columns: 1fr; }
}
@media (max-width: 560px) {
  body { font-size: 14px; }
  main { padding: .75rem .75rem 2rem; }
  header.top { padding: .75rem; }
  .kpi-value { font-size: 1.6rem; }
  /* The stock table becomes one card per SKU. */
  table.stock thead { display: none; }
  table.stock, table.stock tbody, table.stock tr, table.stock td { display: block; width: 100%; }
  table.stock tr { border-bottom: 1px solid var(--line); padding: .4rem 0; }
  table.stock td { border: 0; padding: .2rem .75rem; display: flex; justify-content: flex-end; align-items: baseline; gap: .5rem; }
  table.stock td.sku { display: block; }
  table.stock td[data-label]::before { content: attr(data-label); color: var(--muted); font-size: .85rem; font-weight: 400;
    margin-right: auto; }
  table.stock td.state { flex-wrap: wrap; }
  ol.feed li { grid-template-columns: 3.8rem 1fr; gap: .2rem .6rem; }
  ol.feed .meta { grid-column: 2; justify-content: flex-start; }
}
`;

export const LANDING_JS = `(() => {
  'use strict';
  const first = document.getElementById('live');
  if (!first) return;
  const url = first.dataset.liveUrl;
  const every = Number(first.dataset.refreshMs) || 2000;
  const seen = new Set(Array.from(first.querySelectorAll('[data-order]'), (n) => n.dataset.order));
  let busy = false;
  let failures = 0;

  async function refresh() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const res = await fetch(url, { cache: 'no-store', headers: { accept: 'text/html' } });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const tpl = document.createElement('template');
      tpl.innerHTML = (await res.text()).trim();
      const next = tpl.content.firstElementChild;
      const current = document.getElementById('live');
      if (!next || next.id !== 'live' || !current) throw new Error('unexpected fragment');
      const before = new Map(Array.from(current.querySelectorAll('[data-k]'), (n) => [n.dataset.k, n.textContent]));
      current.replaceWith(next);
      for (const n of next.querySelectorAll('[data-k]')) {
        const was = before.get(n.dataset.k);
        if (was !== undefined && was !== n.textContent && n.dataset.k !== 'updated') n.classList.add('bump');
      }
      for (const n of next.querySelectorAll('[data-order]')) {
        if (!seen.has(n.dataset.order)) {
          n.classList.add('new');
          seen.add(n.dataset.order);
        }
      }
      failures = 0;
      document.body.classList.remove('offline');
    } catch (e) {
      failures += 1;
      if (failures >= 2) document.body.classList.add('offline');
    } finally {
      busy = false;
    }
  }

  setInterval(refresh, every);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refresh();
  });
})();
`;
