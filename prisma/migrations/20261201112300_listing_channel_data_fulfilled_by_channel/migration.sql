-- AlterTable
ALTER TABLE "listings" ADD COLUMN     "channel_data" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "fulfilled_by_channel" BOOLEAN NOT NULL DEFAULT false;

-- The connector's data is a JSON object (keys it chooses), never a bare value.
ALTER TABLE "listings" ADD CONSTRAINT "listings_channel_data_object" CHECK (jsonb_typeof("channel_data") = 'object');
