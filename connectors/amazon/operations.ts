// The SP-API operations the connector calls, with the default usage plan each model publishes
// ("Usage Plan: Rate (requests per second) | Burst" in the operation's description). The sync
// runtime keeps one shared bucket per (account, operation) from these (limits.operations), and
// the client waits on it before every call. Amazon may grant a seller more; never less.
import type { OperationLimit } from '../connector.ts';

export const OPERATIONS = {
  /** orders_2026-01-01.json, GET /orders/2026-01-01/orders */
  searchOrders: { ratePerSecond: 0.0056, burst: 20 },
  /** orders_2026-01-01.json, GET /orders/2026-01-01/orders/{orderId} */
  getOrder: { ratePerSecond: 0.5, burst: 30 },
  /** ordersV0.json, POST /orders/v0/orders/{orderId}/shipmentConfirmation */
  confirmShipment: { ratePerSecond: 2, burst: 10 },
  /** listingsItems_2021-08-01.json, PATCH /listings/2021-08-01/items/{sellerId}/{sku} */
  patchListingsItem: { ratePerSecond: 5, burst: 5 },
  /** listingsItems_2021-08-01.json, GET /listings/2021-08-01/items/{sellerId} */
  searchListingsItems: { ratePerSecond: 5, burst: 5 },
  /** feeds_2021-06-30.json, POST /feeds/2021-06-30/documents */
  createFeedDocument: { ratePerSecond: 0.5, burst: 15 },
  /** feeds_2021-06-30.json, POST /feeds/2021-06-30/feeds */
  createFeed: { ratePerSecond: 0.0083, burst: 15 },
  /** feeds_2021-06-30.json, GET /feeds/2021-06-30/feeds/{feedId} */
  getFeed: { ratePerSecond: 2, burst: 15 },
  /** feeds_2021-06-30.json, GET /feeds/2021-06-30/documents/{feedDocumentId} */
  getFeedDocument: { ratePerSecond: 0.0222, burst: 10 },
} as const satisfies Record<string, OperationLimit>;

export type AmazonOperation = keyof typeof OPERATIONS;
