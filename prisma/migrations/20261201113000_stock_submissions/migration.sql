-- CreateTable
CREATE TABLE "stock_submissions" (
    "id" TEXT NOT NULL,
    "listing_id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "submission_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "target_qty" INTEGER,
    "previous_qty" INTEGER,
    "in_doubt" BOOLEAN NOT NULL DEFAULT false,
    "doubt_from_qty" INTEGER,
    "doubt_lost_qty" INTEGER,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "message" TEXT,
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "stock_submissions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "stock_submissions_account_id_status_idx" ON "stock_submissions"("account_id", "status");

-- CreateIndex
CREATE INDEX "stock_submissions_listing_id_status_idx" ON "stock_submissions"("listing_id", "status");

-- AddForeignKey
ALTER TABLE "stock_submissions" ADD CONSTRAINT "stock_submissions_listing_id_fkey" FOREIGN KEY ("listing_id") REFERENCES "listings"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Prisma cannot express CHECKs: the states of sync/stock/submissions.ts, and quantities never negative.
ALTER TABLE "stock_submissions"
  ADD CONSTRAINT "stock_submissions_status" CHECK ("status" IN ('open', 'confirmed', 'rejected', 'superseded', 'timed_out')),
  ADD CONSTRAINT "stock_submissions_quantity_nonneg" CHECK ("quantity" >= 0);
