-- AlterTable
ALTER TABLE "channel_accounts" ADD COLUMN     "credentials_version" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "refresh_lease" TEXT,
ADD COLUMN     "refresh_lease_until" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "rate_buckets" (
    "key" TEXT NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "at_ms" BIGINT NOT NULL,

    CONSTRAINT "rate_buckets_pkey" PRIMARY KEY ("key")
);
