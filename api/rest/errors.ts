// One error shape for the whole API: { error: { code, message, requestId, fields? } }.
// Handlers throw ApiError (or a domain error mapped here); they never build error bodies.
// The type and the JSON are in api-error.ts (shared with the edge); this adds the domain errors.
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AccountInputError } from '../../connectors/connector.ts';
import { ApiKeyError } from '../../core/auth/api-keys.ts';
import { OnHandLimitError } from '../../core/inventory/ledger.ts';
import { DocumentError } from '../../core/documents/errors.ts';
import { OrderActionError } from '../../core/orders/action-kit.ts';
import type { AppLogger } from '../app.ts';
import { ApiError, apiErrorHandler, fromHttpException } from './api-error.ts';

export {
  ApiError,
  type ApiErrorCode,
  type FieldError,
  invalid,
  notFound,
  validationError,
  zodFields,
} from './api-error.ts';

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
  return fromHttpException(err);
}

/** The API's onError: known errors become their JSON; anything else is logged and is a 500. */
export function errorHandler(logger: AppLogger) {
  return apiErrorHandler(logger, fromDomain);
}
