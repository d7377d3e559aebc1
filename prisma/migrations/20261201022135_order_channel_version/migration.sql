-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "channel_version" TEXT;
