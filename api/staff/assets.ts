// The staff pages' stylesheet and script, served by the staff routes themselves (no build
// step, no CDN): `/staff/assets/staff.css` and `/staff/assets/staff.js`.
//
// The script does two small things and the pages work without it:
// - a form submits once: a second click (or Enter) on a form that is already on its way is
//   dropped and its buttons are disabled — the server is idempotent as well;
// - the lanes refresh live: every few seconds it fetches the lanes fragment and swaps it in
//   when it changed, unless a form is being submitted or something in the lanes has focus.
//   It pauses while the tab is hidden and reloads to the sign-in page when the session ended.

export const ASSET_VERSION = '2';

export const STAFF_CSS = `
:root {
  --bg: #f4f5f7; --fg: #1b1f24; --muted: #5b6470; --line: #d9dde3; --card: #fff;
  --primary: #0b5cad; --primary-fg: #fff; --danger: #b3261e; --ok: #1e7a3a; --warn: #8a5a00;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px; line-height: 1.4;
  color: var(--fg); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
main { padding: 12px; max-width: 1280px; margin: 0 auto; }
a { color: var(--primary); }
h1 { font-size: 1.4rem; margin: 0; }
h2 { font-size: 1.1rem; margin: 0 0 8px; }
.muted { color: var(--muted); }
.small { font-size: .85rem; }
.top { display: flex; align-items: center; gap: 12px; padding: 6px 12px; min-height: 52px; background: #16202c;
  color: #fff; }
.top .brand { color: #fff; font-weight: 700; text-decoration: none; }
.top .who-am-i { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.top .who-am-i .muted { color: #c2cad4; }
.top .signout { margin-left: auto; }
.top .btn.link { color: #fff; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px; margin: 0 0 12px; }
.panel.narrow { max-width: 420px; margin: 24px auto; }
.stack { display: flex; flex-direction: column; gap: 8px; }
.stack label { font-weight: 600; margin-top: 4px; }
input, select { font: inherit; padding: 10px 12px; border: 1px solid #aab2bd; border-radius: 8px; min-height: 44px;
  width: 100%; background: #fff; color: var(--fg); }
input.code, #find-code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; letter-spacing: .15em;
  text-transform: uppercase; font-size: 1.2rem; }
input.code::placeholder, #find-code::placeholder { font-family: system-ui, sans-serif; letter-spacing: normal;
  text-transform: none; font-size: 1rem; }
.btn { display: inline-flex; align-items: center; justify-content: center; min-height: 44px; padding: 8px 16px;
  border-radius: 8px; border: 1px solid transparent; font: inherit; font-weight: 600; cursor: pointer;
  text-decoration: none; touch-action: manipulation; }
.btn.primary { background: var(--primary); color: var(--primary-fg); }
.btn.secondary { background: #fff; color: var(--primary); border-color: var(--primary); }
.btn.danger { background: var(--danger); color: #fff; }
.btn.link { background: none; border: none; text-decoration: underline; padding: 8px 4px; }
.btn.big { min-height: 52px; font-size: 1.1rem; }
.btn[disabled] { opacity: .55; cursor: progress; }
form.inline { display: inline; margin: 0; }
.notice { padding: 10px 12px; border-radius: 8px; margin: 0 0 12px; font-weight: 600; }
.notice.ok { background: #e3f4e8; color: var(--ok); }
.notice.error { background: #fbe7e6; color: var(--danger); }
.notice.info { background: #e6eef8; color: #184a7e; }
.find { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px; margin-bottom: 12px; }
.find label { font-weight: 600; display: block; margin-bottom: 6px; }
.row { display: flex; gap: 8px; }
.row input { flex: 1; min-width: 0; }
.lane-nav { display: flex; gap: 6px; position: sticky; top: 0; z-index: 1; background: var(--bg); padding: 6px 0 8px; }
.lane-nav a { flex: 1; text-align: center; padding: 8px 4px; border-radius: 8px; background: #fff;
  border: 1px solid var(--line); text-decoration: none; color: var(--fg); font-size: .9rem; }
.lane-nav b { display: block; font-size: 1.2rem; }
.lanes { display: grid; grid-template-columns: 1fr; gap: 12px; }
.lane { background: #e9ecf0; border-radius: 10px; padding: 10px; scroll-margin-top: 80px; }
.lane .count { background: #fff; border-radius: 999px; padding: 0 8px; font-size: .9rem; }
.cards { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; }
.card.overdue { border-color: var(--danger); border-width: 2px; }
.card-head { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.card-head .num { font-weight: 700; font-size: 1.1rem; }
.chip { font-size: .8rem; padding: 2px 8px; border-radius: 999px; background: #e6eef8; color: #184a7e; font-weight: 600; }
.chip.s-picking, .chip.s-packed { background: #fff3d6; color: var(--warn); }
.chip.s-ready_for_pickup { background: #e3f4e8; color: var(--ok); }
.chip.s-collected { background: #eceff3; color: var(--muted); }
.chip.s-cancelled, .chip.bad { background: #fbe7e6; color: var(--danger); }
.chip.warn { background: #fff3d6; color: var(--warn); }
.who { margin-top: 4px; }
.items { margin: 6px 0; padding-left: 18px; }
.meta { font-size: .85rem; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 8px; }
.actions form.inline, .actions > .btn { flex: 1 1 120px; display: flex; }
.actions form.inline .btn { flex: 1; }
.empty { margin: 4px 2px; }
.refresh { font-size: .8rem; text-align: right; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 12px 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
table.lines { width: 100%; border-collapse: collapse; }
table.lines th, table.lines td { text-align: left; padding: 8px 4px; border-top: 1px solid var(--line); vertical-align: top; }
table.lines .n { text-align: right; white-space: nowrap; }
details summary { cursor: pointer; font-weight: 600; padding: 6px 0; min-height: 32px; }
label.qty { display: flex; align-items: center; gap: 8px; font-weight: 400; }
label.qty span { flex: 1; }
label.qty input { width: 90px; flex: none; }
@media (min-width: 900px) {
  main { padding: 20px; }
  .lanes { grid-template-columns: repeat(3, 1fr); align-items: start; }
  .lane-nav { display: none; }
  .find { display: flex; align-items: center; gap: 12px; }
  .find label { margin: 0; }
  .find .row { flex: 1; max-width: 520px; }
  main > .panel:not(.narrow) { max-width: 760px; }
}
`;

export const STAFF_JS = `(() => {
  'use strict';
  const root = document.documentElement;

  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.busy === '1') { event.preventDefault(); return; }
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
    form.dataset.busy = '1';
    root.dataset.busy = '1';
    // Disable after the submission has taken the button's value.
    setTimeout(() => {
      for (const b of form.querySelectorAll('button')) { b.disabled = true; b.setAttribute('aria-busy', 'true'); }
    }, 0);
  }, true);

  // Back to a page from the history cache: its forms are usable again.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    delete root.dataset.busy;
    for (const f of document.forms) {
      delete f.dataset.busy;
      for (const b of f.querySelectorAll('button')) { b.disabled = false; b.removeAttribute('aria-busy'); }
    }
  });

  const lanes = document.getElementById('lanes');
  if (!lanes || !lanes.dataset.refresh) return;
  const url = lanes.dataset.refresh;
  const every = Number(lanes.dataset.interval) || 5000;
  const status = document.getElementById('refresh-status');
  let last = null;
  let timer = 0;

  const say = (text) => { if (status) status.textContent = text; };
  const schedule = () => { clearTimeout(timer); timer = setTimeout(tick, every); };
  const busy = () => root.dataset.busy === '1' ||
    (document.activeElement && document.activeElement !== document.body && lanes.contains(document.activeElement));

  async function tick() {
    if (document.hidden || busy()) return schedule();
    try {
      const res = await fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'text/html' } });
      if (res.status === 401) { window.location.reload(); return; }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      const html = await res.text();
      if (html !== last && !busy()) {
        lanes.innerHTML = html;
        last = html;
      }
      say('Live · updated ' + new Date().toLocaleTimeString());
      lanes.dataset.refreshed = String(Date.now());
    } catch (e) {
      say('Offline: retrying…');
    }
    schedule();
  }

  document.addEventListener('visibilitychange', () => { if (!document.hidden) tick(); });
  schedule();
})();
`;
