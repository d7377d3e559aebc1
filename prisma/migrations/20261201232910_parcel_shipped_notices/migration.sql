-- DropIndex
DROP INDEX "customer_notifications_order_id_kind_key";

-- AlterTable
ALTER TABLE "customer_notifications" ADD COLUMN     "subject" TEXT NOT NULL DEFAULT '';

-- CreateIndex
CREATE UNIQUE INDEX "customer_notifications_order_id_kind_subject_key" ON "customer_notifications"("order_id", "kind", "subject");

-- "Shipped" per parcel: a parcel the hub ships (a fulfilments row, method ship) gets its own
-- notice, keyed by the fulfilment id, written in the transaction that records the parcel — so a
-- partial shipment's later parcels are told too, and a retried job still finds the one notice.
-- The orders trigger keeps the order-wide "shipped" notice for orders shipped on the channel
-- (no parcel of the hub's own); the other kinds are unchanged, now keyed with subject ''.
CREATE OR REPLACE FUNCTION "orders_customer_notice"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  notice text;
  nid text;
BEGIN
  IF NEW.fulfilled_by_channel THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.hold_reason IS NOT DISTINCT FROM NEW.hold_reason THEN
    RETURN NULL;
  END IF;
  IF NEW.status IN ('shipped', 'partially_shipped') AND NEW.fulfilment_method = 'ship' THEN
    -- The hub's own parcels are told one by one (fulfilments_customer_notice).
    IF EXISTS (SELECT 1 FROM fulfilments f WHERE f.order_id = NEW.id AND f.method = 'ship') THEN
      RETURN NULL;
    END IF;
    notice := 'shipped';
  ELSIF NEW.status = 'ready_for_pickup' THEN
    notice := 'ready_for_pickup';
  ELSIF NEW.status = 'on_hold' AND NEW.hold_reason = 'insufficient_stock' THEN
    notice := 'short_of_stock';
  ELSE
    RETURN NULL;
  END IF;
  INSERT INTO customer_notifications (id, order_id, kind, subject)
  VALUES (gen_random_uuid()::text, NEW.id, notice, '')
  ON CONFLICT (order_id, kind, subject) DO NOTHING
  RETURNING id INTO nid;
  IF nid IS NOT NULL THEN
    INSERT INTO outbox_events (kind, payload) VALUES ('notification.send', jsonb_build_object('notificationId', nid));
  END IF;
  RETURN NULL;
END;
$$;

CREATE FUNCTION "fulfilments_customer_notice"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  nid text;
BEGIN
  IF NEW.method <> 'ship' THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM orders o WHERE o.id = NEW.order_id AND o.fulfilled_by_channel) THEN
    RETURN NULL;
  END IF;
  INSERT INTO customer_notifications (id, order_id, kind, subject)
  VALUES (gen_random_uuid()::text, NEW.order_id, 'shipped', NEW.id)
  ON CONFLICT (order_id, kind, subject) DO NOTHING
  RETURNING id INTO nid;
  IF nid IS NOT NULL THEN
    INSERT INTO outbox_events (kind, payload) VALUES ('notification.send', jsonb_build_object('notificationId', nid));
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "fulfilments_customer_notice" AFTER INSERT ON "fulfilments"
  FOR EACH ROW EXECUTE FUNCTION "fulfilments_customer_notice"();
