// Types of the eBay payloads the connector reads, with the field names of eBay's published
// OpenAPI contracts (sell_fulfillment_v1_oas3 v1.20.7, sell_inventory_v1_oas3 v1.18.0,
// commerce_notification_v1_oas3, developer_analytics_v1_beta_oas3) and the Notification API's
// message envelope. Only the fields the hub reads are listed; everything else passes through
// untouched in the stored payload.

/** Amount: a decimal string in `currency` (ISO 4217). */
export interface EbayAmount {
  value: string;
  currency: string;
  convertedFromValue?: string;
  convertedFromCurrency?: string;
}

export interface EbayAddress {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  stateOrProvince?: string;
  postalCode?: string;
  countryCode?: string;
  county?: string;
}

export interface EbayContact {
  fullName?: string;
  companyName?: string;
  email?: string;
  primaryPhone?: { phoneNumber?: string };
  contactAddress?: EbayAddress;
}

export interface EbayTax {
  amount?: EbayAmount;
  taxType?: string;
}

export interface EbayAppliedPromotion {
  promotionId?: string;
  description?: string;
  discountAmount?: EbayAmount;
}

export interface EbayLineItem {
  lineItemId: string;
  legacyItemId?: string;
  legacyVariationId?: string;
  sku?: string;
  title: string;
  quantity: number;
  lineItemCost: EbayAmount;
  discountedLineItemCost?: EbayAmount;
  total?: EbayAmount;
  taxes?: EbayTax[];
  appliedPromotions?: EbayAppliedPromotion[];
  deliveryCost?: { shippingCost?: EbayAmount; discountAmount?: EbayAmount; handlingCost?: EbayAmount };
  lineItemFulfillmentStatus?: 'NOT_STARTED' | 'IN_PROGRESS' | 'FULFILLED' | string;
  /** Handling and delivery window of the line (LineItemFulfillmentInstructions), UTC ISO 8601. */
  lineItemFulfillmentInstructions?: {
    minEstimatedDeliveryDate?: string;
    maxEstimatedDeliveryDate?: string;
    shipByDate?: string;
    guaranteedDelivery?: boolean;
  };
  listingMarketplaceId?: string;
  purchaseMarketplaceId?: string;
  variationAspects?: { name: string; value: string }[];
  refunds?: { refundId?: string; amount?: EbayAmount; refundDate?: string }[];
  /** Taxes eBay collects and remits itself (marketplace facilitator, VAT on imports, …). */
  ebayCollectAndRemitTaxes?: { taxType?: string; amount?: EbayAmount; collectionMethod?: string }[];
}

export interface EbayCancelRequest {
  cancelRequestId?: string;
  cancelInitiator?: string;
  cancelReason?: string;
  cancelRequestedDate?: string;
  cancelRequestState?: 'REQUESTED' | 'REJECTED' | 'COMPLETED' | string;
  cancelCompletedDate?: string;
}

/**
 * Buyer.taxIdentifier (getOrder only, not getOrders): taxIdentifierType is a TaxIdentifierTypeEnum
 * (CODICE_FISCALE, CURP, DNI, NIE, NIF, NIT, RFC, RUT, VATIN); issuingCountry ISO 3166 alpha-2.
 */
export interface EbayTaxIdentifier {
  taxpayerId?: string;
  taxIdentifierType?: string;
  issuingCountry?: string;
}

export interface EbayOrder {
  orderId: string;
  legacyOrderId?: string;
  creationDate: string;
  lastModifiedDate: string;
  orderFulfillmentStatus: 'NOT_STARTED' | 'IN_PROGRESS' | 'FULFILLED' | string;
  orderPaymentStatus: 'PENDING' | 'FAILED' | 'PAID' | 'PARTIALLY_REFUNDED' | 'FULLY_REFUNDED' | string;
  sellerId?: string;
  salesRecordReference?: string;
  buyer?: { username?: string; buyerRegistrationAddress?: EbayContact; taxIdentifier?: EbayTaxIdentifier };
  buyerCheckoutNotes?: string;
  cancelStatus: {
    cancelState: 'NONE_REQUESTED' | 'IN_PROGRESS' | 'CANCELED' | string;
    cancelledDate?: string;
    cancelRequests?: EbayCancelRequest[];
  };
  pricingSummary: {
    priceSubtotal?: EbayAmount;
    priceDiscount?: EbayAmount;
    deliveryCost?: EbayAmount;
    deliveryDiscount?: EbayAmount;
    tax?: EbayAmount;
    fee?: EbayAmount;
    adjustment?: EbayAmount;
    total: EbayAmount;
  };
  paymentSummary?: {
    totalDueSeller?: EbayAmount;
    payments?: { paymentMethod?: string; paymentStatus?: string; paymentDate?: string; amount?: EbayAmount }[];
    refunds?: { refundId?: string; refundStatus?: string; amount?: EbayAmount; refundDate?: string }[];
  };
  fulfillmentStartInstructions?: {
    fulfillmentInstructionsType?: string;
    shippingStep?: { shipTo?: EbayContact; shippingCarrierCode?: string; shippingServiceCode?: string };
  }[];
  fulfillmentHrefs?: string[];
  lineItems: EbayLineItem[];
}

export interface EbayOrderPage {
  href?: string;
  limit: number;
  offset: number;
  total: number;
  next?: string;
  orders: EbayOrder[];
}

export interface EbayShippingFulfillment {
  fulfillmentId: string;
  shipmentTrackingNumber?: string;
  shippingCarrierCode?: string;
  shippedDate?: string;
  lineItems: { lineItemId: string; quantity: number }[];
}

/** The error element of every eBay REST answer. */
export interface EbayError {
  errorId: number;
  domain?: string;
  category?: string;
  message?: string;
  longMessage?: string;
  parameters?: { name: string; value: string }[];
}

/** bulkUpdatePriceQuantity answer (200 all succeeded, 207 some did). */
export interface BulkPriceQuantityResponse {
  responses: { statusCode: number; sku?: string; offerId?: string; errors?: EbayError[]; warnings?: EbayError[] }[];
}

/** Notification API message envelope (every topic). */
export interface EbayNotification {
  metadata: { topic: string; schemaVersion?: string | null; deprecated?: boolean };
  notification: {
    notificationId: string;
    eventDate?: string;
    publishDate?: string;
    publishAttemptCount?: number;
    data: Record<string, unknown>;
  };
}

/** getPublicKey answer: a PEM delivered on one line, with its algorithm and digest. */
export interface EbayPublicKey {
  key: string;
  algorithm: string;
  digest: string;
}

/** Developer Analytics getRateLimits / getUserRateLimits answer. */
export interface RateLimitsResponse {
  rateLimits?: {
    apiContext?: string;
    apiName?: string;
    apiVersion?: string;
    resources?: {
      name?: string;
      rates?: { limit?: number; remaining?: number; reset?: string; timeWindow?: number }[];
    }[];
  }[];
}
