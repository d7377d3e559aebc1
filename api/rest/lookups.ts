// Existence checks for references inside a body: a missing one is a 400 naming the field.
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { ApiError } from './errors.ts';

/** Every id must name a location; each unknown one is listed in the 400, at its own field. */
export async function requireLocations(
  prisma: PrismaClient,
  refs: { id: string; field: string }[],
): Promise<Map<string, { id: string; kind: 'warehouse' | 'store' }>> {
  const ids = [...new Set(refs.map((r) => r.id))];
  const rows = ids.length
    ? await prisma.location.findMany({ where: { id: { in: ids } }, select: { id: true, kind: true } })
    : [];
  const found = new Map(rows.map((r) => [r.id, r]));
  const fields = refs
    .filter((r) => !found.has(r.id))
    .map((r) => ({ path: r.field, message: `unknown location ${r.id}` }));
  if (fields.length) throw new ApiError(400, 'invalid_request', `${fields[0]?.path}: ${fields[0]?.message}`, fields);
  return found;
}

/** A SKU referenced from a body, by id or by code. */
export async function requireSkuRef(prisma: PrismaClient, ref: string, field: string) {
  const sku = await prisma.sku.findFirst({
    where: { OR: [{ id: ref }, { code: ref }] },
    select: { id: true, code: true },
  });
  if (!sku)
    throw new ApiError(400, 'invalid_request', `${field}: unknown SKU ${ref}`, [
      { path: field, message: `unknown SKU ${ref}` },
    ]);
  return sku;
}
