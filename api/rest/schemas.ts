// Schemas shared by every resource: money, errors, paging, ids. The OpenAPI document is
// generated from these same zod schemas (@hono/zod-openapi), so docs and validation agree.
import { z } from '@hono/zod-openapi';

export const MoneySchema = z
  .object({
    amount: z.number().int().openapi({ description: 'Integer minor units (cents; yen; fils)', example: 1999 }),
    currency: z.string().length(3).openapi({ description: 'ISO 4217', example: 'EUR' }),
  })
  .openapi('Money');

export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() }).openapi('FieldError');

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({
        description:
          'Stable machine-readable code: invalid_request, unauthorized, forbidden, not_found, conflict, ' +
          'illegal_transition, wrong_pickup_code, insufficient_stock, on_hand_limit, payload_too_large, ' +
          'unsupported_media_type, unavailable, internal',
        example: 'invalid_request',
      }),
      message: z.string(),
      requestId: z.string().optional(),
      fields: z.array(FieldErrorSchema).optional().openapi({ description: 'The request fields at fault (400)' }),
    }),
  })
  .openapi('Error');

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid request: `error.fields` names each field at fault',
  401: 'Missing or invalid API key',
  403: 'The key may not do this (read-only key, or a staff key outside its stores)',
  404: 'Not found (or not visible to this key)',
  409: 'Conflict: illegal state transition, duplicate, stock the change would break, or on hand past its limit',
  413: 'Body over the request size limit (1 MiB by default)',
  422: 'Refused as a whole: a wrong pickup code, or (channel accounts, ?test=true) credentials the channel did not accept',
  429: 'Too many wrong pickup codes from this key or at this store: wait `Retry-After` seconds',
  503: 'A dependency is not available',
};

/** Error responses for a route's documentation. */
export function errors(...statuses: number[]) {
  const out: Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }> =
    {};
  for (const s of [400, 401, 413, ...statuses]) {
    out[s] = { description: ERROR_TEXT[s] ?? 'Error', content: { 'application/json': { schema: ErrorSchema } } };
  }
  return out;
}

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export function body<T extends z.ZodType>(schema: T, description?: string) {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema } } };
}

export const Timestamp = z.iso
  .datetime()
  .openapi({ description: 'UTC, ISO-8601', example: '2026-11-20T10:00:00.000Z' });

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: 'Items per page (1-200)' }),
  cursor: z.string().max(500).optional().openapi({ description: 'The nextCursor of the previous page' }),
});

export function page<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      data: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .openapi({ description: 'Pass as `cursor` for the next page; null on the last page' }),
    })
    .openapi(name);
}

/** A comma-separated or repeated query value, as a list. */
export function listParam<T extends z.ZodType>(item: T) {
  return z
    .preprocess((v) => {
      if (v === undefined || v === '') return undefined;
      const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(','));
      return parts.map((x) => x.trim()).filter((x) => x !== '');
    }, z.array(item).min(1).optional())
    .openapi({ type: 'string', description: 'One value, or several separated by commas' });
}

export const BoolQuery = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();
