// Every resource router is an OpenAPIHono whose validation failures become the API's
// 400 { error: { code: 'invalid_request', message, fields } }.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './deps.ts';
import { validationError } from './errors.ts';

export function newRouter(): OpenAPIHono<ApiEnv> {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
}

/** Security requirement for the document: every /api/v1 route takes a bearer key. */
export const bearer = [{ bearerAuth: [] }];
