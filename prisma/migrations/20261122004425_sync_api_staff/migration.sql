-- AlterTable
ALTER TABLE "fulfilments" ADD COLUMN     "last_error" TEXT,
ADD COLUMN     "pushed_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "locations" ADD COLUMN     "staff_pin_hash" TEXT;

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "collected_at" TIMESTAMPTZ(3),
ADD COLUMN     "ready_for_pickup_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "skus" ADD COLUMN     "allocation_mode" TEXT NOT NULL DEFAULT 'auto';

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "location_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "exceptions" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "account_id" TEXT,
    "order_id" TEXT,
    "sku_id" TEXT,
    "message" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "occurrences" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,

    CONSTRAINT "exceptions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE UNIQUE INDEX "exceptions_dedupe_key_key" ON "exceptions"("dedupe_key");

-- CreateIndex
CREATE INDEX "exceptions_resolved_at_kind_idx" ON "exceptions"("resolved_at", "kind");

-- Closed vocabularies Prisma keeps as text (so adding a value is not an enum migration).
ALTER TABLE "skus" ADD CONSTRAINT "skus_allocation_mode" CHECK ("allocation_mode" IN ('shared', 'strict', 'auto'));
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_role" CHECK ("role" IN ('admin', 'staff', 'readonly'));
