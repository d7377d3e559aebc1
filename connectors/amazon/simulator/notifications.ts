// ORDER_CHANGE as an EventBridge API destination delivers it (README, "Notifications"): the
// whole EventBridge event posted to the configured URL with the connection's API key in the
// secret header, the notification as its `detail`. The notification follows Amazon's schema
// (selling-partner-api-models schemas/notifications/OrderChangeNotification.json, whose example
// is tests/fixtures/amazon/order-change-notification-example.json); the envelope is EventBridge's
// event structure (version, id, detail-type, source, account, time, region, resources, detail).
import type { Clock } from '../../../core/clock.ts';
import type { Transport } from '../../transport.ts';
import type { SpOrder } from '../payloads.ts';
import { SECRET_HEADER } from '../webhooks.ts';

export interface EventBridgeDelivery {
  orderId: string;
  notificationId: string;
  status: number;
}

/** OrderChangeNotification.Summary.OrderStatus spells statuses in Pascal case ("Unshipped"). */
const ORDER_STATUS: Record<string, string> = {
  PENDING_AVAILABILITY: 'PendingAvailability',
  PENDING: 'Pending',
  UNSHIPPED: 'Unshipped',
  PARTIALLY_SHIPPED: 'PartiallyShipped',
  SHIPPED: 'Shipped',
  CANCELLED: 'Canceled',
  UNFULFILLABLE: 'Unfulfillable',
};

export class EventBridgeSender {
  /** The hub's app-level door; null: notifications are not subscribed (polling only). */
  url: string | null = null;
  /** The API key value of the EventBridge connection (the app's webhookSecret). */
  secret = '';
  /** Where requests go: a handler in tests; global fetch on a port. */
  target: Transport = (req) => fetch(req);
  readonly log: EventBridgeDelivery[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly applicationId: string,
  ) {}

  /** The EventBridge event for a change of `order` of seller `sellerId`. */
  event(sellerId: string, order: SpOrder, changeType: 'OrderStatusChange' | 'BuyerRequestedChange') {
    const at = this.clock.now().toISOString();
    const notificationId = crypto.randomUUID();
    const status = order.fulfillment?.fulfillmentStatus ?? 'PENDING';
    return {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': 'ORDER_CHANGE',
      source: `aws.partner/sellingpartnerapi.amazon/${this.applicationId}`,
      account: '000000000000',
      time: at,
      region: 'eu-west-1',
      resources: [],
      detail: {
        NotificationVersion: '1.0',
        NotificationType: 'ORDER_CHANGE',
        PayloadVersion: '1.0',
        EventTime: at,
        Payload: {
          OrderChangeNotification: {
            NotificationLevel: 'OrderLevel',
            SellerId: sellerId,
            AmazonOrderId: order.orderId,
            OrderChangeType: changeType,
            OrderChangeTrigger: {
              TimeOfOrderChange: order.lastUpdatedTime,
              ChangeReason: changeType === 'BuyerRequestedChange' ? 'Buyer Requested Cancel' : 'Order status changed',
            },
            Summary: {
              MarketplaceId: order.salesChannel?.marketplaceId,
              OrderStatus: ORDER_STATUS[status] ?? status,
              PurchaseDate: order.createdTime,
              DestinationPostalCode: order.recipient?.deliveryAddress?.postalCode ?? null,
              FulfillmentType: order.fulfillment?.fulfilledBy === 'AMAZON' ? 'AFN' : 'MFN',
              OrderType: 'StandardOrder',
              OrderItems: order.orderItems.map((i) => ({
                OrderItemId: i.orderItemId,
                SellerSKU: i.product.sellerSku,
                SupplySourceId: null,
                Quantity: i.quantityOrdered,
                QuantityShipped: i.fulfillment?.quantityFulfilled ?? 0,
              })),
            },
          },
        },
        NotificationMetadata: {
          ApplicationId: this.applicationId,
          SubscriptionId: `subscription-${this.applicationId}`,
          PublishTime: at,
          NotificationId: notificationId,
        },
      },
    };
  }

  /** Posts ORDER_CHANGE for `order`; the answer's status, or null when nothing is subscribed. */
  async orderChange(
    sellerId: string,
    order: SpOrder,
    changeType: 'OrderStatusChange' | 'BuyerRequestedChange' = 'OrderStatusChange',
  ): Promise<number | null> {
    if (!this.url) return null;
    const event = this.event(sellerId, order, changeType);
    const res = await this.target(
      new Request(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SECRET_HEADER]: this.secret },
        body: JSON.stringify(event),
      }),
    );
    await res.body?.cancel();
    this.log.push({
      orderId: order.orderId,
      notificationId: event.detail.NotificationMetadata.NotificationId,
      status: res.status,
    });
    return res.status;
  }
}
