// The parcel a per-parcel `shipped` notice is about (its subject is the fulfilment id): the
// order lines it carries, with their quantities in it, and its tracking — what the mail names.
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import type { MailParcel } from './compose.ts';

export async function mailParcel(
  prisma: PrismaClient,
  orderId: string,
  fulfilmentId: string,
): Promise<MailParcel | null> {
  const f = await prisma.fulfilment.findFirst({
    where: { id: fulfilmentId, orderId },
    select: { lines: true, trackingCompany: true, trackingNumber: true, trackingUrl: true },
  });
  if (!f) return null;
  const parts = (Array.isArray(f.lines) ? f.lines : []) as { orderLineId?: unknown; quantity?: unknown }[];
  const ids = parts.map((p) => String(p.orderLineId));
  const titles = new Map(
    (
      await prisma.orderLine.findMany({
        where: { orderId, id: { in: ids } },
        select: { id: true, title: true, position: true },
        orderBy: { position: 'asc' },
      })
    ).map((l) => [l.id, l.title]),
  );
  return {
    lines: parts
      .filter((p) => titles.has(String(p.orderLineId)) && typeof p.quantity === 'number' && p.quantity > 0)
      .map((p) => ({ title: titles.get(String(p.orderLineId)) as string, quantity: p.quantity as number })),
    carrier: f.trackingCompany,
    trackingNumber: f.trackingNumber,
    trackingUrl: f.trackingUrl,
  };
}
