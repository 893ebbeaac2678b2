import type { ServerResponse } from 'node:http';
import type { HttpException } from '@nestjs/common';
import { isProblem, type Problem, problem, PROBLEM_JSON } from '@app/contract/problem';

/**
 * The problem details (RFC 9457) for an exception: the one it carries whole (an invalid
 * request's), else one whose detail is the exception's message.
 */
export function problemOf(exception: HttpException): Problem {
  const status = exception.getStatus();
  const answer = exception.getResponse();
  if (isProblem(answer)) return answer;
  const message =
    typeof answer === 'string' ? answer : (answer as { message?: unknown } | null)?.message;
  return problem(status, typeof message === 'string' ? message : exception.message);
}

/** Ends a response with a problem, for answers made below any framework. */
export function sendProblem(response: ServerResponse, body: Problem): void {
  const text = JSON.stringify(body);
  response.statusCode = body.status;
  response.setHeader('content-type', `${PROBLEM_JSON}; charset=utf-8`);
  response.setHeader('content-length', Buffer.byteLength(text));
  response.end(text);
}
