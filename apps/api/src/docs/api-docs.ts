import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_JSON, ProblemDto } from '@app/contract';

/** The name of the API-key security scheme in the OpenAPI document. */
export const API_KEY_SCHEME = 'api_key';

/** What each error status means on this service, for the operations that can answer it. */
const PROBLEM_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'The URL is not valid (a broken percent-encoding or a dot segment).',
  401: 'The `x-api-key` header is missing or names no configured key (only when API_KEYS is set).',
  413: 'The body is over its limit (BODY_LIMIT; BATCH_BODY_LIMIT for the batch).',
  415: 'The body is not uncompressed `application/json`.',
  429: "The client's budget (RATE_LIMIT_MAX per RATE_LIMIT_TTL) is spent, or with API_KEYS its address failed the key check AUTH_FAILURE_MAX times in a minute; `Retry-After` says when to retry.",
  500: 'A fault of the service, never caused by what a client sends.',
};

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds until the budget allows another request.',
    schema: { type: 'integer' },
  },
};

/**
 * Documents error answers as RFC 9457 problem details. `overrides` replaces the standard
 * description of a status (a 400 that also means invalid fields).
 */
export function ApiProblems(
  statuses: readonly number[],
  overrides: Readonly<Record<number, string>> = {},
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: overrides[status] ?? PROBLEM_DESCRIPTIONS[status],
        content: { [PROBLEM_JSON]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
        ...(status === 429 ? { headers: RETRY_AFTER } : {}),
      }),
    ),
  );
}
