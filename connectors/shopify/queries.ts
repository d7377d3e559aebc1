// Every Admin GraphQL document the connector sends, as named constants.
// The operation name is the contract with the simulator (it matches on it and reads
// `variables`; it never parses GraphQL), so rename both together.
// Field names are checked against shopify.dev/docs/api/admin-graphql (2026-04 .. 2026-10).

/** Operation names, shared with simulator/graphql.ts. */
export const OP = {
  shop: 'ShopInfo',
  ordersUpdatedSince: 'OrdersUpdatedSince',
  orderDetails: 'OrderDetails',
  orderLineItemsPage: 'OrderLineItemsPage',
  inventorySet: 'InventorySetQuantities',
  inventorySetLegacy: 'InventorySetQuantitiesLegacy',
  inventoryLevelsAtLocation: 'InventoryLevelsAtLocation',
  fulfillmentOrdersForOrder: 'FulfillmentOrdersForOrder',
  fulfillmentCreate: 'FulfillmentCreate',
  preparedForPickup: 'FulfillmentOrderLineItemsPreparedForPickup',
  productVariantsPage: 'ProductVariantsPage',
} as const;
export type OperationName = (typeof OP)[keyof typeof OP];

export const SHOP_QUERY = /* GraphQL */ `
query ShopInfo {
  shop { name myshopifyDomain currencyCode }
}`;

/**
 * Page of orders changed since a watermark, oldest change first. Only ids and versions:
 * hydrating 250 orders with their lines in one query would exceed the 1,000-point
 * single-query limit, so details are read in small batches by ORDER_DETAILS_QUERY.
 * `query` is Shopify search syntax, e.g. "updated_at:>'2026-11-20T10:00:00Z'".
 */
export const ORDERS_UPDATED_SINCE_QUERY = /* GraphQL */ `
query OrdersUpdatedSince($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    nodes { id updatedAt }
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
 * Full orders by id: what mapping.ts mapGraphqlOrder() reads. One order per query by
 * default: 50 lines with their money, discounts and taxes plus refunds cost several hundred
 * requested points, and a query may not request more than 1,000.
 */
export const ORDER_DETAILS_QUERY = /* GraphQL */ `
query OrderDetails($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Order {
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
      lineItems(first: 50) { nodes { ${LINE_ITEM} } pageInfo { hasNextPage endCursor } }
      shippingLines(first: 10, includeRemovals: true) {
        nodes {
          title code isRemoved
          originalPriceSet { ${MONEY_BAG} }
          discountAllocations { allocatedAmountSet { ${MONEY_BAG} } }
          taxLines { priceSet { ${MONEY_BAG} } }
        }
      }
      fulfillmentOrders(first: 10) {
        nodes { id status deliveryMethod { methodType } assignedLocation { location { id } } }
      }
      refunds(first: 5) {
        id createdAt note
        order { id }
        totalRefundedSet { ${MONEY_BAG} }
        refundLineItems(first: 20) { nodes { lineItem { id } quantity restockType } }
      }
    }
  }
}`;

/** The rest of an order's lines when it has more than the 50 ORDER_DETAILS_QUERY reads. */
export const ORDER_LINE_ITEMS_PAGE_QUERY = /* GraphQL */ `
query OrderLineItemsPage($id: ID!, $after: String) {
  node(id: $id) {
    ... on Order {
      id
      lineItems(first: 100, after: $after) { nodes { ${LINE_ITEM} } pageInfo { hasNextPage endCursor } }
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
