// Every Admin GraphQL document the connector sends, as named constants.
// The operation name is the contract with the simulator (it matches on it and reads
// `variables`; it never parses GraphQL), so rename both together.
// Field names are checked against shopify.dev/docs/api/admin-graphql (2026-04 .. 2026-10).

/** Operation names, shared with simulator/graphql.ts. */
export const OP = {
  shop: 'ShopInfo',
  ordersUpdatedSince: 'OrdersUpdatedSince',
  ordersById: 'OrdersById',
  orderDetails: 'OrderDetails',
  orderLineItemsPage: 'OrderLineItemsPage',
  inventorySet: 'InventorySetQuantities',
  inventorySetLegacy: 'InventorySetQuantitiesLegacy',
  inventoryLevelsAtLocation: 'InventoryLevelsAtLocation',
  fulfillmentOrdersForOrder: 'FulfillmentOrdersForOrder',
  fulfillmentCreate: 'FulfillmentCreate',
  preparedForPickup: 'FulfillmentOrderLineItemsPreparedForPickup',
  productVariantsPage: 'ProductVariantsPage',
  webhookSubscriptions: 'WebhookSubscriptions',
  webhookSubscriptionCreate: 'WebhookSubscriptionCreate',
  refundContext: 'RefundContext',
  refundCreate: 'RefundCreate',
  refundCreateLegacy: 'RefundCreateLegacy',
} as const;
export type OperationName = (typeof OP)[keyof typeof OP];

export const SHOP_QUERY = /* GraphQL */ `
query ShopInfo {
  shop { name myshopifyDomain currencyCode }
}`;

/**
 * The poll's listing: ids and versions of orders changed since a watermark, oldest change first,
 * 250 per page for 252 requested points (ids, timestamps and enums are free by Shopify's rules).
 * `query` is Shopify search syntax, e.g. "updated_at:>'2026-11-20T10:00:00Z'". The financial
 * status (an enum, free) tells which listed orders carry refunds (orders.ts).
 */
export const ORDERS_UPDATED_SINCE_QUERY = /* GraphQL */ `
query OrdersUpdatedSince($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes { id updatedAt displayFinancialStatus }
    pageInfo { hasNextPage endCursor }
  }
}`;

const MONEY_BAG = 'shopMoney { amount currencyCode } presentmentMoney { amount currencyCode }';
const ADDRESS = 'name company address1 address2 city provinceCode zip countryCodeV2 phone';
const LINE_ITEM = `
  id sku title variantTitle quantity currentQuantity unfulfilledQuantity requiresShipping
  originalUnitPriceSet { ${MONEY_BAG} }
  discountAllocations {
    allocatedAmountSet { ${MONEY_BAG} }
    discountApplication {
      ... on DiscountCodeApplication { code }
      ... on AutomaticDiscountApplication { title }
      ... on ManualDiscountApplication { title }
    }
  }
  taxLines { title rate priceSet { ${MONEY_BAG} } }
  variant { id }
  product { id }`;

/**
 * The fields mapping.ts mapGraphqlOrder() reads from an Order. Every nested list is sized by a
 * variable (OrderListSizes): the poll page asks for a few of each so many orders fit in one
 * query, a full read asks for more. Sizes are priced by query-cost.ts (Shopify's rules); a
 * line costs 15 points (itself, its price set, discount allocation, tax line, variant, product).
 */
const ORDER_FIELDS = `
  id legacyResourceId name createdAt updatedAt cancelledAt cancelReason
  displayFinancialStatus displayFulfillmentStatus
  currencyCode presentmentCurrencyCode taxesIncluded sourceName tags email phone test
  discountCodes
  retailLocation { id }
  customer { id displayName }
  billingAddress { ${ADDRESS} }
  shippingAddress { ${ADDRESS} }
  currentSubtotalPriceSet { ${MONEY_BAG} }
  currentTotalDiscountsSet { ${MONEY_BAG} }
  currentTotalTaxSet { ${MONEY_BAG} }
  currentTotalPriceSet { ${MONEY_BAG} }
  currentShippingPriceSet { ${MONEY_BAG} }
  totalTipReceivedSet { ${MONEY_BAG} }
  lineItems(first: $lines) { nodes { ${LINE_ITEM} } pageInfo { hasNextPage endCursor } }
  shippingLines(first: $shippingLines, includeRemovals: true) {
    nodes {
      title code isRemoved
      originalPriceSet { ${MONEY_BAG} }
      discountAllocations { allocatedAmountSet { ${MONEY_BAG} } }
      taxLines { priceSet { ${MONEY_BAG} } }
    }
    pageInfo { hasNextPage }
  }
  fulfillmentOrders(first: $fulfillmentOrders) {
    nodes { id status deliveryMethod { methodType maxDeliveryDateTime } assignedLocation { location { id } } }
    pageInfo { hasNextPage }
  }
  refunds(first: $refunds) {
    id createdAt note
    order { id }
    totalRefundedSet { ${MONEY_BAG} }
    refundLineItems(first: $refundLines) {
      nodes { lineItem { id } quantity restockType }
      pageInfo { hasNextPage }
    }
  }`;

const ORDER_SIZE_VARS =
  '$lines: Int!, $shippingLines: Int!, $fulfillmentOrders: Int!, $refunds: Int!, $refundLines: Int!';

/** How many of each nested list an order read asks for (the variables of ORDER_FIELDS). */
export interface OrderListSizes {
  lines: number;
  shippingLines: number;
  fulfillmentOrders: number;
  refunds: number;
  refundLines: number;
}

/**
 * A full read of one order: 874 requested points by Shopify's rules, under the 1,000-point
 * single-query limit. Lines beyond 30 come from ORDER_LINE_ITEMS_PAGE_QUERY.
 */
export const FULL_ORDER_SIZES: OrderListSizes = {
  lines: 30,
  shippingLines: 10,
  fulfillmentOrders: 10,
  refunds: 5,
  refundLines: 20,
};

/** Full orders by id (fetchOrder, and the poll's re-read of an order its page truncated). */
export const ORDER_DETAILS_QUERY = /* GraphQL */ `
query OrderDetails($ids: [ID!]!, ${ORDER_SIZE_VARS}) {
  nodes(ids: $ids) {
    ... on Order {${ORDER_FIELDS}
    }
  }
}`;

/**
 * The poll's whole-order read: the listed orders the hub does not hold, several per query,
 * each with its lines and everything mapping needs (nested lists sized by POLL_ORDER_SIZES),
 * as many ids as the requested cost lets fit the bucket (orders.ts). `nodes(ids:)` returns
 * null for an id that no longer resolves (a deleted order).
 */
export const ORDERS_BY_ID_QUERY = /* GraphQL */ `
query OrdersById($ids: [ID!]!, ${ORDER_SIZE_VARS}) {
  nodes(ids: $ids) {
    ... on Order {${ORDER_FIELDS}
    }
  }
}`;

/**
 * The rest of an order's lines beyond the first page. `first` is kept small (LINE_PAGE_SIZE):
 * Shopify admits a query only once the bucket holds its whole requested cost, so asking for
 * 60 lines (903 points) to read the 3 an order has left would wait for points it never uses.
 */
export const LINE_PAGE_SIZE = 20;

export const ORDER_LINE_ITEMS_PAGE_QUERY = /* GraphQL */ `
query OrderLineItemsPage($id: ID!, $after: String, $first: Int!) {
  node(id: $id) {
    ... on Order {
      id
      lineItems(first: $first, after: $after) { nodes { ${LINE_ITEM} } pageInfo { hasNextPage endCursor } }
    }
  }
}`;

/**
 * Absolute "available" quantities, API 2026-04 and later: every quantity carries
 * changeFromQuantity (compare-and-swap, null opts out) and the @idempotent key is mandatory.
 */
export const INVENTORY_SET_QUANTITIES_MUTATION = /* GraphQL */ `
mutation InventorySetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
    inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`;

/** Same before 2026-04: compareQuantity per quantity, no idempotency directive. */
export const INVENTORY_SET_QUANTITIES_LEGACY_MUTATION = /* GraphQL */ `
mutation InventorySetQuantitiesLegacy($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`;

/** Current "available" of inventory items at one location: the re-read after CHANGE_FROM_QUANTITY_STALE. */
export const INVENTORY_LEVELS_AT_LOCATION_QUERY = /* GraphQL */ `
query InventoryLevelsAtLocation($ids: [ID!]!, $locationId: ID!) {
  nodes(ids: $ids) {
    ... on InventoryItem {
      id
      inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
    }
  }
}`;

export const FULFILLMENT_ORDERS_FOR_ORDER_QUERY = /* GraphQL */ `
query FulfillmentOrdersForOrder($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 20) { id status trackingInfo(first: 3) { company number url } }
    fulfillmentOrders(first: 5) {
      nodes {
        id status
        deliveryMethod { methodType }
        assignedLocation { location { id } }
        lineItems(first: 50) { nodes { id totalQuantity remainingQuantity lineItem { id } } }
      }
    }
  }
}`;

export const FULFILLMENT_CREATE_MUTATION = /* GraphQL */ `
mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}`;

export const PREPARED_FOR_PICKUP_MUTATION = /* GraphQL */ `
mutation FulfillmentOrderLineItemsPreparedForPickup($input: FulfillmentOrderLineItemsPreparedForPickupInput!) {
  fulfillmentOrderLineItemsPreparedForPickup(input: $input) {
    userErrors { field message }
  }
}`;

/** Catalogue page for listing discovery: 25 variants x 10 levels stays well under 1,000 points. */
export const PRODUCT_VARIANTS_PAGE_QUERY = /* GraphQL */ `
query ProductVariantsPage($first: Int!, $after: String) {
  productVariants(first: $first, after: $after) {
    nodes {
      id sku title displayName
      product { id title }
      inventoryItem {
        id tracked
        inventoryLevels(first: 10) {
          nodes { location { id } quantities(names: ["available"]) { name quantity } }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

// Webhook subscriptions (Admin GraphQL 2026-10): `WebhookSubscription { id topic uri format
// createdAt }`, `uri` replacing the deprecated `callbackUrl` / `endpoint` (changelog "Consolidate
// webhook GraphQL surfaces"). The list holds only subscriptions made through the API for this
// app and shop, not app-specific ones declared in shopify.app.toml.
const WEBHOOK_SUBSCRIPTION_FIELDS = 'id topic uri format createdAt';

export const WEBHOOK_SUBSCRIPTIONS_QUERY = /* GraphQL */ `
query WebhookSubscriptions($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    nodes { ${WEBHOOK_SUBSCRIPTION_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const WEBHOOK_SUBSCRIPTION_CREATE_MUTATION = /* GraphQL */ `
mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { ${WEBHOOK_SUBSCRIPTION_FIELDS} }
    userErrors { field message }
  }
}`;

/**
 * What a refund push needs before refundCreate (refund.ts): the refunds already on the order (a
 * replay recognises its own by the note), and Shopify's suggested refund for the lines, whose
 * suggestedTransactions name the payment to refund (parent transaction, gateway, what is left).
 * Shapes: shopify.dev admin-graphql 2026-10 Order.refunds, Order.suggestedRefund,
 * SuggestedRefund, SuggestedOrderTransaction.
 */
export const REFUND_CONTEXT_QUERY = /* GraphQL */ `
query RefundContext($id: ID!, $refundLineItems: [RefundLineItemInput!]) {
  order(id: $id) {
    id currencyCode presentmentCurrencyCode
    refunds(first: 50) { id note }
    suggestedRefund(refundLineItems: $refundLineItems) {
      amountSet { shopMoney { amount currencyCode } }
      suggestedTransactions {
        gateway kind
        amountSet { shopMoney { amount currencyCode } }
        maximumRefundableSet { shopMoney { amount currencyCode } }
        parentTransaction { id }
      }
    }
  }
}`;

const REFUND_CREATE_SELECTION = `
    refund { id note totalRefundedSet { shopMoney { amount currencyCode } } }
    userErrors { field message }`;

/**
 * refundCreate from 2026-04: the @idempotent key is mandatory (changelog "Making idempotency
 * mandatory for inventory adjustments and refund mutations"; optional from 2026-01).
 */
export const REFUND_CREATE_MUTATION = /* GraphQL */ `
mutation RefundCreate($input: RefundInput!, $idempotencyKey: String!) {
  refundCreate(input: $input) @idempotent(key: $idempotencyKey) {${REFUND_CREATE_SELECTION}
  }
}`;

/** Same before 2026-01: no idempotency directive (the read-first note check is the only guard). */
export const REFUND_CREATE_LEGACY_MUTATION = /* GraphQL */ `
mutation RefundCreateLegacy($input: RefundInput!) {
  refundCreate(input: $input) {${REFUND_CREATE_SELECTION}
  }
}`;
