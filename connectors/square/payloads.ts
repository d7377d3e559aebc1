// Square API payloads the connector reads and writes, with Square's field names (snake_case),
// from the published OpenAPI document (square/connect-api-specification, api.json, release
// 2025-08-20). Only the fields the hub uses; Square sends more. Written here rather than taken
// from the `square` package (CommonJS; see README "Client").

export interface SqMoney {
  /** Smallest denomination of `currency` (cents): already minor units. */
  amount?: number | null;
  currency?: string | null;
}

export type SqOrderState = 'OPEN' | 'COMPLETED' | 'CANCELED' | 'DRAFT';
export type SqFulfillmentState = 'PROPOSED' | 'RESERVED' | 'PREPARED' | 'COMPLETED' | 'CANCELED' | 'FAILED';
export type SqFulfillmentType = 'PICKUP' | 'SHIPMENT' | 'DELIVERY';

export interface SqAppliedMoney {
  uid?: string | null;
  tax_uid?: string | null;
  discount_uid?: string | null;
  applied_money?: SqMoney | null;
}

export interface SqOrderLineItem {
  uid?: string | null;
  name?: string | null;
  /** Decimal string ("1", "2.5" with a measurement unit): the hub takes whole units only. */
  quantity: string;
  /** The CatalogItemVariation id: matched against the listing's externalVariantId. */
  catalog_object_id?: string | null;
  variation_name?: string | null;
  item_type?: 'ITEM' | 'CUSTOM_AMOUNT' | 'GIFT_CARD' | null;
  base_price_money?: SqMoney | null;
  total_discount_money?: SqMoney | null;
  total_tax_money?: SqMoney | null;
  total_money?: SqMoney | null;
  applied_taxes?: SqAppliedMoney[] | null;
  applied_discounts?: SqAppliedMoney[] | null;
}

export interface SqFulfillmentRecipient {
  display_name?: string | null;
  email_address?: string | null;
  phone_number?: string | null;
}

export interface SqFulfillment {
  uid?: string | null;
  type?: SqFulfillmentType | null;
  state?: SqFulfillmentState | null;
  pickup_details?: {
    recipient?: SqFulfillmentRecipient | null;
    pickup_at?: string | null;
    schedule_type?: 'SCHEDULED' | 'ASAP' | null;
    prep_time_duration?: string | null;
    ready_at?: string | null;
    picked_up_at?: string | null;
    canceled_at?: string | null;
    cancel_reason?: string | null;
    note?: string | null;
  } | null;
  shipment_details?: {
    recipient?: SqFulfillmentRecipient | null;
    /** When the shipment is expected to be handed to the carrier (RFC 3339). */
    expected_shipped_at?: string | null;
  } | null;
}

export interface SqOrderReturnLineItem {
  uid?: string | null;
  /** The `uid` of the line in the sale order (source_order_id). */
  source_line_item_uid?: string | null;
  name?: string | null;
  /** Decimal string, like a sale line's. */
  quantity: string;
  /** The CatalogItemVariation returned; absent for a custom-amount (refund-only) line. */
  catalog_object_id?: string | null;
  variation_name?: string | null;
  item_type?: 'ITEM' | 'CUSTOM_AMOUNT' | 'GIFT_CARD' | null;
  base_price_money?: SqMoney | null;
  total_money?: SqMoney | null;
}

/** OrderMoneyAmounts. */
export interface SqMoneyAmounts {
  total_money?: SqMoney | null;
  tax_money?: SqMoney | null;
  discount_money?: SqMoney | null;
  tip_money?: SqMoney | null;
  service_charge_money?: SqMoney | null;
}

/** OrderReturn: what one return order gives back of one sale order ("exactly one per sale order referenced"). */
export interface SqOrderReturn {
  uid?: string | null;
  /** The sale order; unset for an unlinked return. */
  source_order_id?: string | null;
  return_line_items?: SqOrderReturnLineItem[] | null;
  return_amounts?: SqMoneyAmounts | null;
}

export interface SqOrder {
  id: string;
  location_id: string;
  reference_id?: string | null;
  source?: { name?: string | null } | null;
  customer_id?: string | null;
  line_items?: SqOrderLineItem[] | null;
  taxes?: { uid?: string | null; name?: string | null; percentage?: string | null }[] | null;
  discounts?: { uid?: string | null; name?: string | null }[] | null;
  fulfillments?: SqFulfillment[] | null;
  tenders?: { id?: string | null; type?: string | null; amount_money?: SqMoney | null }[] | null;
  refunds?:
    | {
        id: string;
        location_id?: string | null;
        tender_id?: string | null;
        status?: string | null;
        amount_money?: SqMoney | null;
        reason?: string | null;
      }[]
    | null;
  /** Items of earlier sale orders given back in this one (a return or exchange order). */
  returns?: SqOrderReturn[] | null;
  return_amounts?: SqMoneyAmounts | null;
  created_at: string;
  updated_at: string;
  closed_at?: string | null;
  state: SqOrderState;
  /** Incremented on every committed update; UpdateOrder must name the version it changes. */
  version?: number | null;
  total_money?: SqMoney | null;
  total_tax_money?: SqMoney | null;
  total_discount_money?: SqMoney | null;
  total_tip_money?: SqMoney | null;
  total_service_charge_money?: SqMoney | null;
  net_amount_due_money?: SqMoney | null;
  ticket_name?: string | null;
}

export type SqInventoryState =
  | 'IN_STOCK'
  | 'RESERVED_FOR_SALE'
  | 'SOLD'
  | 'WASTE'
  | 'NONE'
  | 'RETURNED_BY_CUSTOMER'
  | string;

export interface SqInventoryCount {
  catalog_object_id: string;
  catalog_object_type?: string | null;
  state: SqInventoryState;
  location_id: string;
  /** Decimal string. */
  quantity: string;
  calculated_at?: string | null;
}

export interface SqSourceApplication {
  product?: string | null;
  application_id?: string | null;
  name?: string | null;
}

export interface SqPhysicalCount {
  id?: string | null;
  reference_id?: string | null;
  catalog_object_id: string;
  catalog_object_type?: string | null;
  state: SqInventoryState;
  location_id: string;
  quantity: string;
  source?: SqSourceApplication | null;
  occurred_at: string;
  created_at?: string | null;
}

export interface SqAdjustment {
  id?: string | null;
  reference_id?: string | null;
  from_state: SqInventoryState;
  to_state: SqInventoryState;
  location_id: string;
  catalog_object_id: string;
  catalog_object_type?: string | null;
  quantity: string;
  occurred_at: string;
  created_at?: string | null;
  source?: SqSourceApplication | null;
  /** Set on payment- and refund-related transitions (a sale, a return): never a receipt. */
  transaction_id?: string | null;
  refund_id?: string | null;
  /** Square for Retail's purchase order / goods receipt that caused it, when there is one. */
  purchase_order_id?: string | null;
  goods_receipt_id?: string | null;
}

export interface SqInventoryChange {
  type: 'PHYSICAL_COUNT' | 'ADJUSTMENT' | 'TRANSFER';
  physical_count?: SqPhysicalCount | null;
  adjustment?: SqAdjustment | null;
}

export interface SqError {
  category: string;
  code: string;
  detail?: string | null;
  field?: string | null;
}

export interface SqCatalogObject {
  type: 'ITEM' | 'ITEM_VARIATION' | string;
  id: string;
  version?: number | null;
  is_deleted?: boolean | null;
  present_at_all_locations?: boolean | null;
  present_at_location_ids?: string[] | null;
  item_data?: {
    name?: string | null;
    variations?: SqCatalogObject[] | null;
  } | null;
  item_variation_data?: {
    item_id?: string | null;
    name?: string | null;
    sku?: string | null;
    track_inventory?: boolean | null;
    price_money?: SqMoney | null;
  } | null;
}

export interface SqLocation {
  id: string;
  name?: string | null;
  merchant_id?: string | null;
  status?: 'ACTIVE' | 'INACTIVE' | null;
  currency?: string | null;
}

/** PaymentRefund (refund.created / refund.updated): `order_id` is the return order. */
export interface SqPaymentRefund {
  id: string;
  status?: 'PENDING' | 'COMPLETED' | 'REJECTED' | 'FAILED' | null;
  location_id?: string | null;
  amount_money?: SqMoney | null;
  payment_id?: string | null;
  order_id?: string | null;
  reason?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
}

export interface SqPayment {
  id: string;
  order_id?: string | null;
  location_id?: string | null;
  status?: 'APPROVED' | 'PENDING' | 'COMPLETED' | 'CANCELED' | 'FAILED' | null;
  updated_at?: string | null;
  refund_ids?: string[] | null;
  refunded_money?: SqMoney | null;
}

/** A webhook notification (event) as Square sends it. */
export interface SqEvent {
  merchant_id: string;
  type: string;
  event_id: string;
  created_at: string;
  data?: { type?: string | null; id?: string | null; object?: Record<string, unknown> | null } | null;
}

export interface SqTokenResponse {
  access_token?: string;
  token_type?: string;
  expires_at?: string;
  merchant_id?: string;
  refresh_token?: string;
  refresh_token_expires_at?: string;
  short_lived?: boolean;
  errors?: SqError[];
}
