// Every resource router is an OpenAPIHono whose validation failures become the API's
// 400 { error: { code: 'invalid_request', message, fields } }. The same hook refuses any
// validated value (body, query, path) whose strings hold a NUL (U+0000), which PostgreSQL
// cannot store: one rule for every route, applied before a handler runs.
import { OpenAPIHono } from '@hono/zod-openapi';
import { NUL_MESSAGE, nulPaths } from '../../core/text/nul.ts';
import type { ApiEnv } from './deps.ts';
import { ApiError, validationError } from './errors.ts';

export function newRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
      const paths = nulPaths(result.data);
      if (paths.length > 0) {
        const fields = paths.map((path) => ({ path, message: NUL_MESSAGE }));
        throw new ApiError(400, 'invalid_request', `${paths[0]}: ${NUL_MESSAGE}`, fields);
      }
    },
  });
}

/** Security requirement for the document: every /api/v1 route takes a bearer key. */
export const bearer = [{ bearerAuth: [] }];
