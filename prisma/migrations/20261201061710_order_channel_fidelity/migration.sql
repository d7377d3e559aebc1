-- AlterTable
ALTER TABLE "order_lines" ADD COLUMN     "position" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "channel_fulfilments" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "discount_codes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "test" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "tip_total" BIGINT NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "orders_test_idx" ON "orders"("test");
