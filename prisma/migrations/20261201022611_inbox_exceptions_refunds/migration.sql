-- AlterTable
ALTER TABLE "channel_accounts" ADD COLUMN     "auth_error" TEXT,
ADD COLUMN     "auth_refused_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "unconfirmed" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "returns" ADD COLUMN     "refund_amount" BIGINT,
ADD COLUMN     "refund_currency" CHAR(3);

-- Events that spent all their attempts before exceptions were opened for them: open one each,
-- so that nothing that failed stays out of sight (same kind and key as core/inbox/failures.ts).
INSERT INTO "exceptions" ("id", "kind", "dedupe_key", "account_id", "message", "data")
SELECT gen_random_uuid()::text, 'inbox_event_failed', 'inbox_event:' || e."id", e."account_id",
       left(e."topic" || ' event ' || e."external_event_id" || ' could not be applied: ' || COALESCE(e."last_error", 'unknown error'), 1000),
       jsonb_build_object('eventId', e."id"::text, 'externalEventId', e."external_event_id", 'topic', e."topic",
                          'failure', 'transient', 'attempts', e."attempts")
  FROM "inbox_events" e
 WHERE e."processed_at" IS NULL AND e."attempts" >= 10
ON CONFLICT ("dedupe_key") DO NOTHING;
