/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// What a real hub shows at "/" to someone not signed in: no data, only where to go.
import type { FC } from 'hono/jsx';
import { LANDING_ASSET_VERSION } from './assets.ts';

export const SignInNeeded: FC<{ title: string; base: string }> = ({ title, base }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <title>{title}</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href={`${base}/assets/landing.css?v=${LANDING_ASSET_VERSION}`} />
    </head>
    <body>
      <header class="top">
        <div>
          <h1>{title}</h1>
          <p class="sub">This hub is running.</p>
        </div>
      </header>
      <main data-testid="sign-in-needed">
        <p class="notice">
          The overview shows the orders, stock and exceptions of every store and channel, so it needs an admin or
          read-only API key.
        </p>
        <ul>
          <li>
            <a href={base}>Open the overview</a>: your browser asks you to sign in — any user name, the API key as the
            password.
          </li>
          <li>
            <a href="/staff">Staff pages</a>: click-and-collect at a store counter, with the store's PIN.
          </li>
          <li>
            <a href="/docs">API docs</a> and <a href="/health">health</a>.
          </li>
        </ul>
        <p>
          No key yet? The first admin key was printed once when this hub first started. Create a read-only one with{' '}
          <code>npm run omnihub -- keys create --role readonly --name overview</code>.
        </p>
      </main>
    </body>
  </html>
);
