-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "DocumentKind" ADD VALUE 'order_confirmation';
ALTER TYPE "DocumentKind" ADD VALUE 'delivery_note';

-- AlterTable
ALTER TABLE "inventory_levels" ADD COLUMN     "bin" VARCHAR(32);

-- AlterTable
ALTER TABLE "merchant_settings" ADD COLUMN     "invoice_per" TEXT NOT NULL DEFAULT 'order';

-- The setting has two values (core/documents/merchant.ts).
ALTER TABLE "merchant_settings" ADD CONSTRAINT "merchant_settings_invoice_per" CHECK ("invoice_per" IN ('order', 'shipment'));
