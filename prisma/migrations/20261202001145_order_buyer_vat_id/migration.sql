-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "buyer_vat_id" VARCHAR(32);
