import { randomUUID } from 'node:crypto';
import {
  createServer,
  IncomingMessage,
  RequestListener,
  Server,
  ServerResponse,
  STATUS_CODES,
} from 'node:http';
import type { Socket } from 'node:net';
import { problem, PROBLEM_JSON } from '@app/contract/problem';
import { SECURITY_HEADERS } from './security-headers';
import { StampedResponse } from './stamped-response';

/**
 * Requests Node's parser refuses before any framework sees them (a head too large, bytes that
 * are not HTTP, one that took too long) answered in the service's words, with its headers.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'the request headers are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'the request did not arrive in time']
        : [400, 'the request is not valid HTTP'];
  const body = JSON.stringify(problem(status, message));
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
    `content-type: ${PROBLEM_JSON}; charset=utf-8`,
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
    `x-request-id: ${randomUUID()}`,
    ...Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/** The classes Node makes requests and responses from; a framework's own extend them. */
export interface MessageClasses {
  readonly IncomingMessage: typeof IncomingMessage;
  readonly ServerResponse: typeof ServerResponse;
}

const STAMPED_MESSAGES: MessageClasses = { IncomingMessage, ServerResponse: StampedResponse };

/** A request's head must arrive within this (or REQUEST_TIMEOUT_MS, if shorter). */
const HEADERS_TIMEOUT_MS = 10_000;
/** How often Node looks for requests past their time; its default is 30 s. */
const TIMEOUT_CHECK_MS = 1000;

/**
 * The Node server under either adapter. Node answers 408 to a request whose head (within
 * HEADERS_TIMEOUT_MS) or whole body (within `requestTimeoutMs`) has not arrived, so a stalled
 * upload cannot hold memory forever. Each seam hands Node's parser errors to answerClientError
 * (fastify insists on installing that listener itself). Its responses carry the service's
 * standing headers (StampedResponse); `messages` are the classes Node makes each request and
 * response from, when a framework wants its own (whose responses must stamp them too).
 */
export function createNodeServer(
  handler: RequestListener,
  requestTimeoutMs: number,
  messages: MessageClasses = STAMPED_MESSAGES,
): Server {
  return createServer(
    {
      ...messages,
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_MS, requestTimeoutMs),
    },
    handler,
  );
}
