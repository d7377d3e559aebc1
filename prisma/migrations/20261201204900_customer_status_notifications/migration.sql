-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "promised_at" TIMESTAMPTZ(3),
ADD COLUMN     "status_token_enc" TEXT,
ADD COLUMN     "status_token_hash" CHAR(64);

-- CreateTable
CREATE TABLE "customer_notifications" (
    "id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "detail" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "customer_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_settings" (
    "id" TEXT NOT NULL DEFAULT 'default',
    "smtp_host" TEXT NOT NULL,
    "smtp_port" INTEGER NOT NULL,
    "smtp_secure" BOOLEAN NOT NULL DEFAULT false,
    "smtp_user" TEXT,
    "smtp_password_enc" TEXT,
    "from_address" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_settings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "customer_notifications_status_created_at_idx" ON "customer_notifications"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "customer_notifications_order_id_kind_key" ON "customer_notifications"("order_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "orders_status_token_hash_key" ON "orders"("status_token_hash");

-- AddForeignKey
ALTER TABLE "customer_notifications" ADD CONSTRAINT "customer_notifications_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Customer notifications, written in the transaction that changes the order whatever changes it
-- (channel ingestion, the hub's own actions, a hold released short of stock): one per order and
-- kind, each with its outbox row for the `notification.send` job. Not expressible in
-- schema.prisma, so written here by hand. Orders the channel fulfils (FBA) are the channel's to
-- tell. The delayed-order notice is written by the schedule (core/notifications/delayed.ts).
CREATE FUNCTION "orders_customer_notice"() RETURNS trigger LANGUAGE plpgsql AS $$
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
    notice := 'shipped';
  ELSIF NEW.status = 'ready_for_pickup' THEN
    notice := 'ready_for_pickup';
  ELSIF NEW.status = 'on_hold' AND NEW.hold_reason = 'insufficient_stock' THEN
    notice := 'short_of_stock';
  ELSE
    RETURN NULL;
  END IF;
  INSERT INTO customer_notifications (id, order_id, kind)
  VALUES (gen_random_uuid()::text, NEW.id, notice)
  ON CONFLICT (order_id, kind) DO NOTHING
  RETURNING id INTO nid;
  IF nid IS NOT NULL THEN
    INSERT INTO outbox_events (kind, payload) VALUES ('notification.send', jsonb_build_object('notificationId', nid));
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "orders_customer_notice" AFTER INSERT OR UPDATE OF status, hold_reason ON "orders"
  FOR EACH ROW EXECUTE FUNCTION "orders_customer_notice"();
