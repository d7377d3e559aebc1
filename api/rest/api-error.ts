// The API's error type and its JSON, with nothing but hono and zod behind it: the Node API
// (errors.ts adds the domain errors of its write routes) and the read-only API on the edge
// (api/worker-api.ts) answer errors through the same code, so their bodies cannot differ.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
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

/** hono's own client errors (e.g. malformed JSON in a body) in the API's shape; null otherwise. */
export function fromHttpException(err: unknown): ApiError | null {
  if (!(err instanceof HTTPException) || err.status >= 500) return null;
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

/**
 * An onError answering `known(err)` as its JSON and anything else as a logged 500. `known`
 * maps the errors a host's routes throw (ApiError and hono's at least) to an ApiError.
 */
export function apiErrorHandler(logger: AppLogger, known: (err: unknown) => ApiError | null) {
  return (err: Error, c: Context) => {
    const requestId = (c.get('requestId') as string | undefined) ?? undefined;
    const e = known(err);
    if (e) {
      return c.json(
        {
          error: {
            code: e.code,
            message: e.message,
            ...(requestId ? { requestId } : {}),
            ...(e.fields ? { fields: e.fields } : {}),
          },
        },
        e.status,
      );
    }
    logger.error({ err, requestId, method: c.req.method, path: c.req.path }, 'unhandled API error');
    return c.json({ error: { code: 'internal', message: 'internal error', ...(requestId ? { requestId } : {}) } }, 500);
  };
}

/** The read-only API's errors: its own and hono's. */
export function readErrors(err: unknown): ApiError | null {
  return err instanceof ApiError ? err : fromHttpException(err);
}
