import { BadRequestException } from '@nestjs/common';
import { FieldError, invalidRequestProblem } from '@app/contract';

/**
 * Why a request gets a 400 before the engine looks at it: a body that is not a JSON document
 * (`message`), or a document whose fields are wrong (`errors`: a single request's, or a batch
 * envelope's).
 */
export type Refusal =
  | { readonly kind: 'body'; readonly message: string }
  | { readonly kind: 'fields'; readonly errors: readonly FieldError[] };

/** The 400 a refusal answers with, the same on a thread as on the event loop. */
export function badRequest(refusal: Refusal): BadRequestException {
  return refusal.kind === 'body'
    ? new BadRequestException(refusal.message)
    : new BadRequestException(invalidRequestProblem(refusal.errors));
}
