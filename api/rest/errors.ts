// One error shape for the whole API: { error: { code, message, requestId, fields? } }.
// Handlers throw ApiError (or a domain error mapped here); they never build error bodies.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { AccountInputError } from '../../connectors/connector.ts';
import { ApiKeyError } from '../../core/auth/api-keys.ts';
import { OnHandLimitError } from '../../core/inventory/ledger.ts';
import { DocumentError } from '../../core/documents/errors.ts';
import { OrderActionError } from '../../core/orders/action-kit.ts';
import type { AppLogger } from '../app.ts';

export interface FieldError {
  path: string;
  message: string;
}

export type ApiErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'illegal_transition'
  | 'wrong_pickup_code'
  | 'insufficient_stock'
  | 'on_hand_limit'
  | 'payload_too_large'
  | 'unavailable'
  | 'internal';

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode | string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const invalid = (path: string, message: string) =>
  new ApiError(400, 'invalid_request', `${path}: ${message}`, [{ path, message }]);

/** "lines.0.quantity" style paths, as clients address their own JSON. */
export function zodFields(error: ZodError, prefix?: string): FieldError[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter((p) => p !== undefined && p !== '').join('.') || '(root)',
    message: i.message,
  }));
}

/** A zod failure as a 400; `prefix` names the field a standalone value was (e.g. `pin`). */
export function validationError(error: ZodError, prefix?: string): ApiError {
  const known = new Set(['json', 'form', 'query', 'param', 'header', 'cookie']);
  const fields = zodFields(error, prefix && !known.has(prefix) ? prefix : undefined);
  const first = fields[0];
  const message = first ? `${first.path}: ${first.message}` : 'invalid request';
  return new ApiError(
    400,
    'invalid_request',
    fields.length > 1 ? `${message} (and ${fields.length - 1} more)` : message,
    fields,
  );
}

/** Prisma's unique-constraint violation (P2002), however the driver adapter wraps it. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string; originalCode?: string } };
  return err?.code === 'P2002' || err?.cause?.originalCode === '23505' || err?.cause?.code === '23505';
}

function fromDomain(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof OrderActionError) {
    const fields = err.field ? [{ path: err.field, message: err.message }] : undefined;
    const code = err.code === 'invalid_input' ? 'invalid_request' : err.code;
    return new ApiError(err.status as ContentfulStatusCode, code, err.message, fields);
  }
  if (err instanceof DocumentError) {
    const fields = err.field ? [{ path: err.field, message: err.message }] : undefined;
    return err.code === 'not_found'
      ? new ApiError(404, 'not_found', err.message, fields)
      : new ApiError(409, 'conflict', err.message, fields);
  }
  if (err instanceof AccountInputError) {
    return new ApiError(400, 'invalid_request', err.message, [
      { path: err.field, message: err.message.slice(err.field.length + 2) },
    ]);
  }
  if (err instanceof OnHandLimitError) {
    // The request's own field names the same number as the ledger's argument (delta, counted, quantity).
    return new ApiError(409, 'on_hand_limit', err.message, [{ path: err.field, message: err.message }]);
  }
  if (err instanceof ApiKeyError) {
    if (err.code === 'not_found') return new ApiError(404, 'not_found', err.message);
    return new ApiError(
      400,
      'invalid_request',
      err.message,
      err.field ? [{ path: err.field, message: err.message }] : undefined,
    );
  }
  if (err instanceof HTTPException && err.status < 500) {
    // hono's own client errors, e.g. malformed JSON in a body.
    const code =
      err.status === 400
        ? 'invalid_request'
        : err.status === 413
          ? 'payload_too_large'
          : err.status === 415
            ? 'unsupported_media_type'
            : 'bad_request';
    return new ApiError(err.status as ContentfulStatusCode, code, err.message || 'bad request');
  }
  return null;
}

/** The API's onError: known errors become their JSON; anything else is logged and is a 500. */
export function errorHandler(logger: AppLogger) {
  return (err: Error, c: Context) => {
    const requestId = (c.get('requestId') as string | undefined) ?? undefined;
    const known = fromDomain(err);
    if (known) {
      return c.json(
        {
          error: {
            code: known.code,
            message: known.message,
            ...(requestId ? { requestId } : {}),
            ...(known.fields ? { fields: known.fields } : {}),
          },
        },
        known.status,
      );
    }
    logger.error({ err, requestId, method: c.req.method, path: c.req.path }, 'unhandled API error');
    return c.json({ error: { code: 'internal', message: 'internal error', ...(requestId ? { requestId } : {}) } }, 500);
  };
}
