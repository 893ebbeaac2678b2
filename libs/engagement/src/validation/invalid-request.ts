import { FieldError } from './field-error';

/** The body of a 400 for an invalid request, and of a failed batch item's `error`. */
export interface InvalidRequestBody {
  readonly statusCode: 400;
  readonly error: 'Bad Request';
  readonly message: string;
  readonly errors: readonly FieldError[];
}

export function invalidRequestBody(errors: readonly FieldError[]): InvalidRequestBody {
  const count = errors.length;
  return {
    statusCode: 400,
    error: 'Bad Request',
    message: `invalid request: ${count} field${count === 1 ? '' : 's'} failed validation`,
    errors,
  };
}
