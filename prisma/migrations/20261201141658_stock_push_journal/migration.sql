-- CreateTable
CREATE TABLE "stock_push_journal" (
    "account_id" TEXT NOT NULL,
    "push_id" TEXT NOT NULL,
    "plan" JSONB NOT NULL,
    "requests" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "settled" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_push_journal_pkey" PRIMARY KEY ("account_id")
);

-- AddForeignKey
ALTER TABLE "stock_push_journal" ADD CONSTRAINT "stock_push_journal_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "channel_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
