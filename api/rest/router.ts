// Every resource router is an OpenAPIHono whose validation failures become the API's
// 400 { error: { code: 'invalid_request', message, fields } }. The same hook refuses any
// validated value (body, query, path) whose strings hold a character PostgreSQL cannot store
// (NUL, an unpaired surrogate; core/text/storable.ts): one rule for every route, before a handler runs.
import { OpenAPIHono } from '@hono/zod-openapi';
import { UNSTORABLE_MESSAGE, unstorablePaths } from '../../core/text/storable.ts';
import type { ApiEnv } from './deps.ts';
import { ApiError, validationError } from './api-error.ts';

export function newRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
      const paths = unstorablePaths(result.data);
      if (paths.length > 0) {
        const fields = paths.map((path) => ({ path, message: UNSTORABLE_MESSAGE }));
        throw new ApiError(400, 'invalid_request', `${paths[0]}: ${UNSTORABLE_MESSAGE}`, fields);
      }
    },
  });
}

/** Security requirement for the document: every /api/v1 route takes a bearer key. */
export const bearer = [{ bearerAuth: [] }];
