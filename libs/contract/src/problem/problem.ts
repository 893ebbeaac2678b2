import { STATUS_CODES } from 'node:http';
import type { FieldError } from './field-error';

/** The media type of every error this service answers (RFC 9457). */
export const PROBLEM_JSON = 'application/problem+json';

/**
 * The problem type of a request whose fields failed validation: it alone carries `errors`.
 * A tag URI names it without pointing at a host; every other problem is `about:blank`, whose
 * meaning is its HTTP status.
 */
export const INVALID_REQUEST_TYPE = 'tag:engagement-insight-engine,2026:invalid-request';

/** RFC 9457 problem details: the body of every error, of a failed batch item and of a failed score line. */
export interface Problem {
  readonly type: string;
  /** The HTTP status phrase, the same for every occurrence of the type. */
  readonly title: string;
  readonly status: number;
  /** What went wrong with this request, in words a developer can act on. */
  readonly detail: string;
  /** For invalid-request problems: every offending field, by its full path. */
  readonly errors?: readonly FieldError[];
}

export function problem(status: number, detail: string): Problem {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail };
}

export function invalidRequestProblem(errors: readonly FieldError[]): Problem {
  const count = errors.length;
  return {
    type: INVALID_REQUEST_TYPE,
    title: 'Bad Request',
    status: 400,
    detail: `invalid request: ${count} field${count === 1 ? '' : 's'} failed validation`,
    errors,
  };
}

/** Whether a value already is a problem (an exception may carry one whole). */
export function isProblem(value: unknown): value is Problem {
  const candidate = value as Partial<Problem> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.type === 'string' &&
    typeof candidate.status === 'number' &&
    typeof candidate.detail === 'string'
  );
}
