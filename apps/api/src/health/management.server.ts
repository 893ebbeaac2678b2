import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { INestApplication, ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import { problem } from '@app/contract';
import { sendProblem } from '../errors/problem-response';
import { answerClientError, createNodeServer } from '../http/node-server';
import { pathOf } from '../http/path-of';
import { METRICS_TYPE } from '../metrics/metrics-type';
import { MetricsService } from '../metrics/metrics.service';
import { HealthController } from './health.controller';

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const SERVED = '/health, /health/ready and /metrics';

/** A health report as the main port answers it: 200, or 503 with terminus's report. */
async function report(check: () => Promise<HealthCheckResult>): Promise<Answer> {
  try {
    return { status: 200, type: JSON_TYPE, body: JSON.stringify(await check()) };
  } catch (error) {
    if (!(error instanceof ServiceUnavailableException)) throw error;
    return { status: 503, type: JSON_TYPE, body: JSON.stringify(error.getResponse()) };
  }
}

/**
 * The management listener's requests: /health, /health/ready and /metrics, answered by the
 * app's own health checks and registry without the framework, the front door's gates or a log
 * line (a probe every few seconds is not worth one), so they cost the same on either adapter
 * and are never refused by admission control. Anything else is 404: the API is not served here.
 */
export function managementListener(app: INestApplication): RequestListener {
  const health = app.get(HealthController);
  const metrics = app.get(MetricsService);
  const routes: Readonly<Record<string, () => Promise<Answer>>> = {
    '/health': () => report(() => health.live()),
    '/health/ready': () => report(() => health.ready()),
    '/metrics': async () => ({
      status: 200,
      type: `${METRICS_TYPE}; charset=utf-8`,
      body: await metrics.registry.metrics(),
    }),
  };
  return (request: IncomingMessage, response: ServerResponse) => {
    const path = pathOf(request.url ?? '/');
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (route === undefined) {
      return sendProblem(response, problem(404, `the management port serves ${SERVED} only`));
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return sendProblem(response, problem(405, `${request.method} is not allowed; use GET`));
    }
    route().then(
      ({ status, type, body }) => {
        response.statusCode = status;
        response.setHeader('content-type', type);
        response.setHeader('content-length', Buffer.byteLength(body));
        response.setHeader('cache-control', 'no-store');
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      () => sendProblem(response, problem(500, 'internal error')),
    );
  };
}

/**
 * MANAGEMENT_PORT: probes and scrapes on a listener of their own, so they are not queued behind
 * the API's connections. Under node:cluster every worker listens and the supervisor hands each
 * probe to one of them, as it does the API's connections; see README "Health".
 */
export async function listenManagement(
  app: INestApplication,
  port: number,
  host: string,
  requestTimeoutMs: number,
): Promise<Server> {
  const server = createNodeServer(managementListener(app), requestTimeoutMs);
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
