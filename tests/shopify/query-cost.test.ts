// Shopify's published cost rules (shopify.dev, GraphQL Admin API rate limits): scalars and enums
// 0, objects 1, interfaces/unions the maximum of their selections, connections sized by
// first/last, mutations 10; the actual cost counts what came back. The connector sizes its
// queries and the simulator charges with this one calculator, so every document the connector
// sends must stay under the 1,000-point single-query limit by these rules.
import { describe, expect, it } from 'vitest';
import { listingPageFirst, POLL_ORDER_SIZES, pollPageFirst } from '../../connectors/shopify/orders.ts';
import {
  FULL_ORDER_SIZES,
  LINE_PAGE_SIZE,
  FULFILLMENT_ORDERS_FOR_ORDER_QUERY,
  INVENTORY_LEVELS_AT_LOCATION_QUERY,
  INVENTORY_SET_QUANTITIES_MUTATION,
  ORDER_DETAILS_QUERY,
  ORDER_LINE_ITEMS_PAGE_QUERY,
  ORDERS_BY_ID_QUERY,
  ORDERS_UPDATED_SINCE_QUERY,
  PRODUCT_VARIANTS_PAGE_QUERY,
} from '../../connectors/shopify/queries.ts';
import { actualQueryCost, requestedQueryCost, SINGLE_QUERY_LIMIT } from '../../connectors/shopify/query-cost.ts';

describe('query cost by Shopify rules', () => {
  it('prices scalars 0, objects 1, connections 2 + first x node, fragments by their maximum, mutations 10', () => {
    expect(requestedQueryCost('{ shop { id name } }')).toBe(1);
    expect(
      requestedQueryCost('query Q($n: Int!) { products(first: $n) { nodes { id } pageInfo { hasNextPage } } }', {
        n: 10,
      }),
    ).toBe(12);
    expect(
      requestedQueryCost(
        '{ orders(first: 3) { edges { node { id customer { id } lineItems(first: 4) { nodes { id variant { id } } } } } } }',
      ),
    ).toBe(2 + 3 * (1 + 1 + 2 + 4 * 2));
    expect(
      requestedQueryCost('{ node(id: "x") { ... on Order { customer { id } } ... on Product { a { id } b { id } } } }'),
    ).toBe(3);
    expect(
      requestedQueryCost('query Q($ids: [ID!]!) { nodes(ids: $ids) { ... on Order { id customer { id } } } }', {
        ids: ['a', 'b'],
      }),
    ).toBe(4);
    expect(requestedQueryCost('mutation M { a { b { c } } }')).toBe(10);
  });

  it('charges the actual cost for what came back', () => {
    const doc = '{ orders(first: 10) { nodes { id customer { id } } } }';
    expect(requestedQueryCost(doc)).toBe(2 + 10 * 2);
    expect(
      actualQueryCost(
        doc,
        {},
        {
          orders: {
            nodes: [
              { id: 'a', customer: null },
              { id: 'b', customer: { id: 'c' } },
            ],
          },
        },
      ),
    ).toBe(2 + 2 + 2); // two orders of ten came back; a null customer still cost its lookup
  });

  it('keeps every document the connector sends under the 1,000-point single-query limit', () => {
    const first = pollPageFirst(250, null);
    expect(first).toBeGreaterThan(1);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `gid://shopify/Order/${i}`);
    const batch = requestedQueryCost(ORDERS_BY_ID_QUERY, { ids: ids(first), ...POLL_ORDER_SIZES });
    expect(batch).toBeLessThanOrEqual(SINGLE_QUERY_LIMIT);
    expect(requestedQueryCost(ORDERS_BY_ID_QUERY, { ids: ids(first + 1), ...POLL_ORDER_SIZES })).toBeGreaterThan(
      SINGLE_QUERY_LIMIT,
    );
    // The listing: 250 ids and versions for 2 + 250 points (scalars and enums are free).
    const listing = listingPageFirst(250, null);
    expect(listing).toBe(250);
    expect(requestedQueryCost(ORDERS_UPDATED_SINCE_QUERY, { first: listing, after: null, query: 'x' })).toBe(252);
    expect(requestedQueryCost(ORDER_DETAILS_QUERY, { ids: ['x'], ...FULL_ORDER_SIZES })).toBeLessThanOrEqual(
      SINGLE_QUERY_LIMIT,
    );
    expect(requestedQueryCost(ORDER_LINE_ITEMS_PAGE_QUERY, { id: 'x', first: LINE_PAGE_SIZE })).toBeLessThanOrEqual(
      SINGLE_QUERY_LIMIT,
    );
    expect(requestedQueryCost(FULFILLMENT_ORDERS_FOR_ORDER_QUERY, { id: 'x' })).toBeLessThanOrEqual(SINGLE_QUERY_LIMIT);
    expect(requestedQueryCost(INVENTORY_LEVELS_AT_LOCATION_QUERY, { ids: Array(250).fill('x') })).toBeLessThanOrEqual(
      SINGLE_QUERY_LIMIT,
    );
    expect(requestedQueryCost(PRODUCT_VARIANTS_PAGE_QUERY, { first: 25 })).toBeLessThanOrEqual(SINGLE_QUERY_LIMIT);
    expect(requestedQueryCost(INVENTORY_SET_QUANTITIES_MUTATION, {})).toBe(10);
  });

  it('sizes the poll page to a smaller bucket', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `gid://shopify/Order/${i}`);
    const first = pollPageFirst(250, 500);
    expect(requestedQueryCost(ORDERS_BY_ID_QUERY, { ids: ids(first), ...POLL_ORDER_SIZES })).toBeLessThanOrEqual(500);
    expect(requestedQueryCost(ORDERS_BY_ID_QUERY, { ids: ids(first + 1), ...POLL_ORDER_SIZES })).toBeGreaterThan(500);
    const listing = listingPageFirst(250, 200);
    expect(requestedQueryCost(ORDERS_UPDATED_SINCE_QUERY, { first: listing })).toBeLessThanOrEqual(200);
    expect(requestedQueryCost(ORDERS_UPDATED_SINCE_QUERY, { first: listing + 1 })).toBeGreaterThan(200);
  });
});
