-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "cancel_request_outcome" TEXT,
ADD COLUMN     "cancel_request_reason" TEXT,
ADD COLUMN     "cancel_requested_at" TIMESTAMPTZ(3),
ADD COLUMN     "closed_at" TIMESTAMPTZ(3),
ADD COLUMN     "personal_data_erased_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "orders_closed_at_idx" ON "orders"("closed_at");

-- Hand-written: the outcome is one of two words; orders already finished count as closed
-- from their last change, so retention applies to them too.
ALTER TABLE "orders" ADD CONSTRAINT "orders_cancel_request_outcome_check"
  CHECK ("cancel_request_outcome" IS NULL OR "cancel_request_outcome" IN ('approved', 'declined'));
UPDATE "orders" SET "closed_at" = "updated_at"
 WHERE "status" IN ('shipped', 'collected', 'partially_returned', 'returned', 'cancelled', 'closed');
