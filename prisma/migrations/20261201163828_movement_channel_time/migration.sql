-- AlterTable
ALTER TABLE "inventory_movements" ADD COLUMN     "channel_at" TIMESTAMPTZ(3),
ADD COLUMN     "channel_clock" TEXT;
