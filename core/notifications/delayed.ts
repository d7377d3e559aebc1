// The delayed-order check (a schedule, sync/schedules.ts): every order still on its way past
// its promised date, by the hub's clock, gets one `delayed` notification — written with its
// outbox row in one statement, so a crash leaves both or neither, and the unique (order, kind)
// makes a second run, on this or another process, add nothing.
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { SETTLED_STATUSES } from '../status/view.ts';

export async function noticeDelayedOrders(prisma: PrismaClient, now: Date, limit = 500): Promise<number> {
  const settled = [...SETTLED_STATUSES] as string[];
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH due AS (
      INSERT INTO customer_notifications (id, order_id, kind, created_at)
      SELECT gen_random_uuid()::text, o.id, 'delayed', ${now}
        FROM orders o
       WHERE o.promised_at < ${now}
         AND o.status::text <> ALL(${settled}::text[])
         AND NOT o.fulfilled_by_channel
         AND NOT EXISTS (SELECT 1 FROM customer_notifications n WHERE n.order_id = o.id AND n.kind = 'delayed')
       ORDER BY o.promised_at
       LIMIT ${limit}
      ON CONFLICT (order_id, kind, subject) DO NOTHING
      RETURNING id)
    INSERT INTO outbox_events (kind, payload, created_at)
    SELECT 'notification.send', jsonb_build_object('notificationId', id), ${now} FROM due
    RETURNING id::text`;
  return rows.length;
}
