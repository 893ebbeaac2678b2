import type { IncomingMessage, RequestListener } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { HttpAdapterName } from '../config/env.config';
import type { BodyLimits } from './request-body';

export const HTTP_SEAM = Symbol('HTTP_SEAM');

/** The methods a route may answer, in the order an `Allow` header lists them. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * What every request passes before the framework sees it (the front door, which the app's setup
 * hands to createAdapter): it wraps the framework's request listener.
 */
export interface Doorway {
  wrap(handler: RequestListener): RequestListener;
}

/**
 * What Nest cannot abstract across Express and fastify, one implementation per adapter
 * (express.seam.ts, fastify.seam.ts). Everything else is written once: request id and security
 * headers in the Node server's responses (StampedResponse), the API key check, rate limit,
 * request log and metrics in the front door (Node's request listener), CORS as middleware,
 * errors in one exception filter, all seeing Node's own request and response.
 */
export interface HttpSeam {
  readonly name: HttpAdapterName;
  /**
   * The Nest adapter, on a Node server with the service's timeouts (createNodeServer) whose
   * requests pass the front door before the framework sees them.
   */
  createAdapter(requestTimeoutMs: number, door: Doorway): AbstractHttpAdapter;
  /**
   * Strict JSON bodies within per-route limits. They are read after the front door's gates, so
   * a refused client costs no parsing.
   */
  installBodyParsing(app: INestApplication, limits: BodyLimits): void;
  /** The route pattern a request matched, once answered; null when none did. */
  routeOf(request: IncomingMessage): string | null;
  /** The methods a path answers to, for a 405's Allow header; empty when the path is unknown. */
  allowedMethods(adapter: AbstractHttpAdapter, path: string): string[];
  /** Resolves once every route is in place and the server can be handed to a client. */
  ready(app: INestApplication): Promise<void>;
}
