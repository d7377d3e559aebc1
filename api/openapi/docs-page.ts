// GET /docs: the API reference, drawn in the browser from /openapi.json. With Scalar's
// bundle installed (@scalar/api-reference 1.72: dist/browser/standalone.js, ~4.4 MB) it is
// served from this hub at /docs/scalar.js and configured to call nothing outside the hub;
// without it a small built-in viewer lists every operation. No CDN either way.
import { Hono } from 'hono';
import { OPENAPI_PATH } from './document.ts';

const SCALAR_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>omnihub API reference</title>
</head>
<body>
<div id="app"></div>
<script src="/docs/scalar.js"></script>
<script>
  // Nothing leaves this hub: no font CDN, no telemetry, no request proxy, no AI agent.
  Scalar.createApiReference('#app', {
    url: '${OPENAPI_PATH}',
    withDefaultFonts: false,
    telemetry: false,
    proxyUrl: '',
    agent: { disabled: true },
    showDeveloperTools: 'never',
  });
</script>
</body>
</html>`;

// The fallback viewer: plain DOM, textContent only (nothing from the document is parsed as HTML).
const MINIMAL_VIEWER = `
(async () => {
  const root = document.getElementById('app');
  const el = (tag, text, cls) => { const e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; };
  let doc;
  try { doc = await (await fetch('${OPENAPI_PATH}')).json(); }
  catch (e) { root.append(el('p', 'Could not load ${OPENAPI_PATH}: ' + e)); return; }
  const resolve = (s) => { while (s && s.$ref) s = s.$ref.split('/').slice(1).reduce((o, k) => o && o[k], doc); return s; };
  root.append(el('h1', doc.info.title + ' ' + doc.info.version));
  root.append(el('pre', doc.info.description || '', 'desc'));
  const byTag = new Map();
  for (const [path, ops] of Object.entries(doc.paths || {})) for (const [method, op] of Object.entries(ops)) {
    const tag = (op.tags && op.tags[0]) || 'other';
    if (!byTag.has(tag)) byTag.set(tag, []);
    byTag.get(tag).push([method, path, op]);
  }
  for (const [tag, ops] of byTag) {
    root.append(el('h2', tag));
    for (const [method, path, op] of ops) {
      const d = el('details'); const s = el('summary');
      s.append(el('span', method.toUpperCase(), 'm ' + method), el('code', ' ' + path + ' '), el('span', op.summary || ''));
      d.append(s);
      if (op.description) d.append(el('p', op.description));
      for (const p of op.parameters || []) d.append(el('div', p.in + ' ' + p.name + (p.required ? ' (required)' : '') + ': ' + JSON.stringify(resolve(p.schema))));
      const body = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
      if (body) { d.append(el('h4', 'Request body')); d.append(el('pre', JSON.stringify(resolve(body.schema), null, 2))); }
      for (const [status, r] of Object.entries(op.responses || {})) {
        const c = r.content && r.content['application/json'];
        d.append(el('h4', status + ' ' + (r.description || '')));
        if (c) d.append(el('pre', JSON.stringify(resolve(c.schema), null, 2)));
      }
      root.append(d);
    }
  }
})();`;

const MINIMAL_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>omnihub API reference</title>
<style>
  body { font: 14px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
  details { border: 1px solid #ddd; border-radius: 4px; margin: .4rem 0; padding: .3rem .6rem; }
  summary { cursor: pointer; } pre { background: #f6f6f6; padding: .5rem; overflow: auto; white-space: pre-wrap; }
  .m { display: inline-block; min-width: 4rem; font-weight: 600; } .get { color: #0a7; } .post { color: #07c; }
  .patch, .put { color: #c70; } .delete { color: #c22; } .desc { background: none; padding: 0; }
</style>
</head>
<body>
<p>The raw document: <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a></p>
<div id="app"></div>
<script src="/docs/viewer.js"></script>
</body>
</html>`;

export function docsRoutes(loadScript: () => Promise<string | null>): Hono {
  const app = new Hono();
  app.get('/docs', async (c) => c.html((await loadScript()) ? SCALAR_PAGE : MINIMAL_PAGE));
  app.get('/docs/scalar.js', async (c) => {
    const script = await loadScript();
    if (!script)
      return c.json({ error: { code: 'not_found', message: '@scalar/api-reference is not installed' } }, 404);
    return c.body(script, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
    });
  });
  app.get('/docs/viewer.js', (c) =>
    c.body(MINIMAL_VIEWER, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }),
  );
  return app;
}
