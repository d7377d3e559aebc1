// Types of the SP-API payloads the connector reads and writes, with Amazon's field names, from
// the published models (github.com/amzn/selling-partner-api-models, commit 34dc93f, 2026-08):
// models/orders-api-model/orders_2026-01-01.json (searchOrders, getOrder), ordersV0.json
// (confirmShipment), listings-items-api-model/listingsItems_2021-08-01.json,
// feeds-api-model/feeds_2021-06-30.json and schemas/feeds/listings-feed-*-v2.json.
// Only the fields the hub reads are typed; everything is optional where the model says so.

/** Money: `amount` is a decimal string (model definition `Decimal`). */
export interface SpMoney {
  amount: string;
  currencyCode: string;
}

export type SpFulfillmentStatus =
  | 'PENDING_AVAILABILITY'
  | 'PENDING'
  | 'UNSHIPPED'
  | 'PARTIALLY_SHIPPED'
  | 'SHIPPED'
  | 'CANCELLED'
  | 'UNFULFILLABLE';

export interface SpCustomerAddress {
  name?: string;
  companyName?: string;
  addressLine1?: string;
  addressLine2?: string;
  addressLine3?: string;
  city?: string;
  districtOrCounty?: string;
  stateOrRegion?: string;
  municipality?: string;
  postalCode?: string;
  countryCode?: string;
  phone?: string;
  addressType?: string;
}

export interface SpProceedsBreakdown {
  /** ITEM, SHIPPING, GIFT_WRAP, COD_FEE, TAX, DISCOUNT, DELIVERY_TIP, OTHER */
  type: string;
  status?: string;
  subtotal: SpMoney;
}

export interface SpOrderItem {
  orderItemId: string;
  quantityOrdered: number;
  product: {
    asin?: string;
    title?: string;
    sellerSku?: string;
    price?: { unitPrice?: SpMoney };
  };
  proceeds?: { proceedsTotal?: SpMoney; breakdowns?: SpProceedsBreakdown[] };
  promotion?: { breakdowns?: { promotionId?: string }[] };
  cancellation?: {
    cancellationRequest?: { requester?: string; cancelReason?: string };
    cancellationExecution?: { cancelledBy?: string; cancelReason?: string };
  };
  fulfillment?: { quantityFulfilled?: number; quantityUnfulfilled?: number };
  /** With includedData TAX: who collects the item's tax (ItemTax.taxCollections, model MARKETPLACE_FACILITATOR). */
  tax?: { taxCollections?: { model?: string; responsibleParty?: string }[] };
}

export interface SpPackage {
  packageReferenceId: string;
  createdTime?: string;
  carrier?: string;
  shipTime?: string;
  shippingService?: string;
  trackingNumber?: string;
  packageItems?: { orderItemId: string; quantity: number }[];
}

/** DateTimeRange (orders_2026-01-01.json). */
export interface SpDateTimeRange {
  earliestDateTime?: string;
  latestDateTime?: string;
}

/** OrderTaxRegistration: entityType BUYER | MERCHANT | MARKETPLACE; taxRegistrationType BUSINESS | VAT | CST | CPF | CNPJ. */
export interface SpTaxRegistration {
  entityType?: string;
  legalName?: string;
  taxRegistrationType?: string;
  taxRegistrationNumber?: string;
  taxRegistrationAddress?: SpCustomerAddress;
}

export interface SpOrder {
  orderId: string;
  orderAliases?: { aliasId: string; aliasType: string }[];
  createdTime: string;
  lastUpdatedTime: string;
  programs?: string[];
  salesChannel: { channelName: string; marketplaceId?: string; marketplaceName?: string };
  buyer?: { buyerName?: string; buyerEmail?: string; buyerCompanyName?: string; buyerPurchaseOrderNumber?: string };
  recipient?: { deliveryAddress?: SpCustomerAddress };
  proceeds?: { grandTotal?: SpMoney; breakdowns?: SpProceedsBreakdown[] };
  fulfillment?: {
    fulfillmentStatus: SpFulfillmentStatus;
    fulfilledBy?: 'AMAZON' | 'MERCHANT' | string;
    /** OrderFulfillment.shipByWindow / deliverByWindow: DateTimeRange, ISO 8601. */
    shipByWindow?: SpDateTimeRange;
    deliverByWindow?: SpDateTimeRange;
  };
  /** With includedData TAX (OrderTax): the tax registrations of the buyer, merchant and marketplace. */
  tax?: { taxRegistrations?: SpTaxRegistration[] };
  orderItems: SpOrderItem[];
  packages?: SpPackage[];
}

export interface SpSearchOrdersResponse {
  orders: SpOrder[];
  pagination?: { nextToken?: string };
  lastUpdatedBefore?: string;
  createdBefore?: string;
}

export interface SpGetOrderResponse {
  order: SpOrder;
}

export interface SpError {
  code: string;
  message: string;
  details?: string;
}

/** Every SP-API error body (ErrorList). */
export interface SpErrorList {
  errors: SpError[];
}

/** confirmShipment (orders v0) request body. */
export interface SpConfirmShipmentRequest {
  marketplaceId: string;
  packageDetail: {
    /** "A seller-supplied identifier … Only positive numeric values are supported", sent as a JSON string. */
    packageReferenceId: string;
    carrierCode: string;
    carrierName?: string;
    shippingMethod?: string;
    trackingNumber: string;
    shipDate: string;
    orderItems: { orderItemId: string; quantity: number }[];
  };
}

export interface SpListingsIssue {
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
  attributeNames?: string[];
}

/** patchListingsItem answer (ListingsItemSubmissionResponse). */
export interface SpListingsSubmission {
  sku: string;
  status: 'ACCEPTED' | 'INVALID' | 'VALID';
  submissionId: string;
  issues?: SpListingsIssue[];
}

export interface SpListingsItem {
  sku: string;
  summaries?: {
    marketplaceId: string;
    asin?: string;
    productType: string;
    itemName?: string;
    status?: string[];
    createdDate?: string;
    lastUpdatedDate?: string;
  }[];
  fulfillmentAvailability?: { fulfillmentChannelCode: string; quantity?: number }[];
}

/** searchListingsItems answer (ItemSearchResults). */
export interface SpItemSearchResults {
  numberOfResults: number;
  pagination?: { nextToken?: string; previousToken?: string };
  items: SpListingsItem[];
}

export interface SpFeed {
  feedId: string;
  feedType: string;
  marketplaceIds?: string[];
  createdTime: string;
  processingStatus: 'CANCELLED' | 'DONE' | 'FATAL' | 'IN_PROGRESS' | 'IN_QUEUE';
  processingStartTime?: string;
  processingEndTime?: string;
  resultFeedDocumentId?: string;
}

export interface SpFeedDocument {
  feedDocumentId: string;
  url: string;
  compressionAlgorithm?: 'GZIP';
}

/** One message of a JSON_LISTINGS_FEED (schemas/feeds/listings-feed-schema-v2.json). */
export interface SpListingsFeedMessage {
  messageId: number;
  sku: string;
  operationType: 'PATCH';
  productType: string;
  patches: { op: 'replace'; path: string; value: unknown[] }[];
}

export interface SpListingsFeed {
  header: { sellerId: string; version: '2.0'; issueLocale?: string };
  messages: SpListingsFeedMessage[];
}

/** The processing report (schemas/feeds/listings-feed-processing-report-schema-v2.json). */
export interface SpProcessingReport {
  header: { sellerId: string; version: string; feedId: string };
  issues?: { messageId: number; sku?: string; code: string; severity: 'ERROR' | 'WARNING' | 'INFO'; message: string }[];
  summary: {
    errors: number;
    warnings: number;
    messagesProcessed: number;
    messagesAccepted: number;
    messagesInvalid: number;
  };
}

/** The LWA token endpoint's answer. */
export interface LwaTokenResponse {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
}
