-- AlterTable
ALTER TABLE "listings" ADD COLUMN     "doubt_from_qty" INTEGER;
