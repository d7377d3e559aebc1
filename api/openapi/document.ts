// The OpenAPI 3.1 document's frame; the paths come from the routes' own zod schemas.
import type { OpenAPIHono } from '@hono/zod-openapi';
import { VERSION } from '../version.ts';

export const OPENAPI_PATH = '/openapi.json';

export const documentConfig: Parameters<OpenAPIHono['getOpenAPI31Document']>[0] = {
  openapi: '3.1.0',
  info: {
    title: 'omnihub API',
    version: VERSION,
    description:
      'The omnichannel hub: channel accounts, locations, catalogue and listings, the inventory ledger, orders, ' +
      'pickups, exceptions and stock sync status.\n\n' +
      'Authenticate with `Authorization: Bearer <API key>`. Roles: `admin` (everything), `readonly` (GET only), ' +
      '`staff` (pickups and the stock of its own stores).\n\n' +
      'Errors are `{ "error": { "code", "message", "requestId", "fields"? } }` with a stable `code`. Money is ' +
      '`{ "amount": <integer minor units>, "currency": "EUR" }`; times are UTC ISO-8601. Lists are paged with ' +
      '`limit` and an opaque `cursor` (pass `nextCursor`).',
    license: { name: 'MIT' },
  },
  tags: [
    { name: 'channel accounts' },
    { name: 'locations' },
    { name: 'catalogue' },
    { name: 'inventory' },
    { name: 'orders' },
    { name: 'pickups' },
    { name: 'exceptions' },
    { name: 'sync' },
    { name: 'api keys' },
    { name: 'webhooks' },
  ],
};

// biome-ignore lint/suspicious/noExplicitAny: any environment
export function registerSecurity(app: OpenAPIHono<any>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key (`ohk_<prefix>_<secret>`) or the OMNIHUB_ADMIN_TOKEN',
  });
}
