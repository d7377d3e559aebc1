// Types of the Shopify payloads the connector reads, field names as documented:
// - REST-shaped webhook bodies (orders/*, refunds/create): the Order and Refund resources of
//   shopify.dev/docs/api/admin-rest (the same shape the shopify-app-js REST fixtures use);
// - Admin GraphQL nodes selected in queries.ts.
// Only the fields mapping.ts reads are listed; everything is optional because Shopify omits
// or nulls fields by version and by app scope (customer data needs read_customers).
// Ids: webhook bodies carry numeric ids that can exceed 2^53; webhooks.ts parses them as
// strings when they are unsafe, and some published fixtures carry them as strings, hence `Id`.

export type Id = number | string;

export interface RestMoney {
  amount: string;
  currency_code: string;
}
export interface RestMoneySet {
  shop_money: RestMoney;
  presentment_money?: RestMoney | null;
}

export interface RestTaxLine {
  title?: string | null;
  price?: string | null;
  rate?: number | string | null;
  price_set?: RestMoneySet | null;
}

export interface RestDiscountAllocation {
  amount?: string | null;
  amount_set?: RestMoneySet | null;
  discount_application_index?: number | null;
}

export interface RestDiscountApplication {
  type?: string | null;
  code?: string | null;
  title?: string | null;
  description?: string | null;
}

export interface RestLineItem {
  id: Id;
  admin_graphql_api_id?: string | null;
  sku?: string | null;
  title?: string | null;
  name?: string | null;
  variant_title?: string | null;
  quantity: number;
  current_quantity?: number | null;
  price_set?: RestMoneySet | null;
  price?: string | null;
  total_discount_set?: RestMoneySet | null;
  discount_allocations?: RestDiscountAllocation[] | null;
  tax_lines?: RestTaxLine[] | null;
  product_id?: Id | null;
  variant_id?: Id | null;
  requires_shipping?: boolean | null;
}

export interface RestShippingLine {
  id?: Id | null;
  title?: string | null;
  code?: string | null;
  price_set?: RestMoneySet | null;
  discount_allocations?: RestDiscountAllocation[] | null;
  tax_lines?: RestTaxLine[] | null;
  is_removed?: boolean | null;
}

export interface RestAddress {
  name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  province_code?: string | null;
  zip?: string | null;
  country_code?: string | null;
  phone?: string | null;
}

export interface RestCustomer {
  id?: Id | null;
  admin_graphql_api_id?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  phone?: string | null;
}

export interface RestFulfillment {
  id?: Id | null;
  admin_graphql_api_id?: string | null;
  created_at?: string | null;
  /** pending, open, success, cancelled, error, failure. */
  status?: string | null;
  tracking_company?: string | null;
  tracking_number?: string | null;
  tracking_numbers?: string[] | null;
  tracking_url?: string | null;
  tracking_urls?: string[] | null;
  location_id?: Id | null;
  line_items?: { id: Id; admin_graphql_api_id?: string | null; quantity: number }[] | null;
}

export interface RestRefundLineItem {
  id?: Id | null;
  line_item_id?: Id | null;
  quantity: number;
  restock_type?: string | null;
  location_id?: Id | null;
  line_item?: { id?: Id | null; admin_graphql_api_id?: string | null } | null;
}

export interface RestTransaction {
  kind?: string | null;
  status?: string | null;
  amount?: string | null;
  currency?: string | null;
}

export interface RestRefund {
  id: Id;
  admin_graphql_api_id?: string | null;
  order_id: Id;
  created_at?: string | null;
  processed_at?: string | null;
  note?: string | null;
  restock?: boolean | null;
  refund_line_items?: RestRefundLineItem[] | null;
  transactions?: RestTransaction[] | null;
}

export interface RestOrder {
  id: Id;
  admin_graphql_api_id?: string | null;
  name?: string | null;
  created_at: string;
  updated_at?: string | null;
  cancelled_at?: string | null;
  cancel_reason?: string | null;
  currency: string;
  presentment_currency?: string | null;
  financial_status?: string | null;
  fulfillment_status?: string | null;
  source_name?: string | null;
  location_id?: Id | null;
  tags?: string | null;
  email?: string | null;
  contact_email?: string | null;
  phone?: string | null;
  test?: boolean | null;
  taxes_included?: boolean | null;
  customer?: RestCustomer | null;
  billing_address?: RestAddress | null;
  shipping_address?: RestAddress | null;
  current_subtotal_price_set?: RestMoneySet | null;
  current_total_discounts_set?: RestMoneySet | null;
  current_total_tax_set?: RestMoneySet | null;
  current_total_price_set?: RestMoneySet | null;
  current_shipping_price_set?: RestMoneySet | null;
  total_shipping_price_set?: RestMoneySet | null;
  /** "The sum of all the tips in the order in the shop currency" (decimal text). */
  total_tip_received?: string | number | null;
  discount_codes?: { code?: string | null }[] | null;
  discount_applications?: RestDiscountApplication[] | null;
  line_items: RestLineItem[];
  shipping_lines?: RestShippingLine[] | null;
  fulfillments?: RestFulfillment[] | null;
  refunds?: RestRefund[] | null;
}

// ---- GraphQL (shapes selected in queries.ts) ----

export interface GqlMoney {
  amount: string;
  currencyCode: string;
}
export interface GqlMoneyBag {
  shopMoney: GqlMoney;
  presentmentMoney?: GqlMoney | null;
}
export interface GqlTaxLine {
  title?: string | null;
  rate?: number | null;
  priceSet: GqlMoneyBag;
}
export interface GqlDiscountAllocation {
  allocatedAmountSet: GqlMoneyBag;
  discountApplication?: { code?: string | null; title?: string | null } | null;
}
export interface GqlLineItem {
  id: string;
  sku?: string | null;
  title: string;
  variantTitle?: string | null;
  quantity: number;
  currentQuantity: number;
  unfulfilledQuantity?: number | null;
  requiresShipping?: boolean | null;
  originalUnitPriceSet: GqlMoneyBag;
  discountAllocations?: GqlDiscountAllocation[] | null;
  taxLines?: GqlTaxLine[] | null;
  variant?: { id: string } | null;
  product?: { id: string } | null;
}
export interface GqlShippingLine {
  title: string;
  code?: string | null;
  isRemoved?: boolean | null;
  originalPriceSet: GqlMoneyBag;
  discountAllocations?: { allocatedAmountSet: GqlMoneyBag }[] | null;
  taxLines?: { priceSet: GqlMoneyBag }[] | null;
}
export interface GqlAddress {
  name?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  zip?: string | null;
  countryCodeV2?: string | null;
  phone?: string | null;
}
export interface GqlFulfillmentOrderSummary {
  id: string;
  status: string;
  /** maxDeliveryDateTime: the latest delivery Shopify expects (null unless the shop set processing times). */
  deliveryMethod?: { methodType: string; maxDeliveryDateTime?: string | null } | null;
  assignedLocation?: { location?: { id: string } | null } | null;
}
export interface GqlRefund {
  id: string;
  createdAt: string;
  note?: string | null;
  order?: { id: string } | null;
  totalRefundedSet?: GqlMoneyBag | null;
  refundLineItems: {
    nodes: { lineItem: { id: string }; quantity: number; restockType: string }[];
    pageInfo?: { hasNextPage: boolean } | null;
  };
}
export interface GqlOrder {
  id: string;
  legacyResourceId?: string | null;
  name?: string | null;
  createdAt: string;
  updatedAt: string;
  cancelledAt?: string | null;
  cancelReason?: string | null;
  displayFinancialStatus?: string | null;
  displayFulfillmentStatus?: string | null;
  currencyCode: string;
  presentmentCurrencyCode?: string | null;
  taxesIncluded?: boolean | null;
  sourceName?: string | null;
  tags?: string[] | null;
  email?: string | null;
  phone?: string | null;
  test?: boolean | null;
  discountCodes?: string[] | null;
  retailLocation?: { id: string } | null;
  customer?: { id: string; displayName?: string | null } | null;
  billingAddress?: GqlAddress | null;
  shippingAddress?: GqlAddress | null;
  currentSubtotalPriceSet?: GqlMoneyBag | null;
  currentTotalDiscountsSet?: GqlMoneyBag | null;
  currentTotalTaxSet?: GqlMoneyBag | null;
  currentTotalPriceSet: GqlMoneyBag;
  currentShippingPriceSet?: GqlMoneyBag | null;
  totalTipReceivedSet?: GqlMoneyBag | null;
  lineItems: { nodes: GqlLineItem[]; pageInfo?: { hasNextPage: boolean; endCursor: string | null } | null };
  shippingLines?: { nodes: GqlShippingLine[]; pageInfo?: { hasNextPage: boolean } | null } | null;
  fulfillmentOrders?: { nodes: GqlFulfillmentOrderSummary[]; pageInfo?: { hasNextPage: boolean } | null } | null;
  refunds?: GqlRefund[] | null;
}

/** The GraphQL user error shape of Shopify mutations. */
export interface UserError {
  code?: string | null;
  field?: string[] | null;
  message: string;
}
