import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { listenOn, listenOnLowPort } from './ports';

/** How the collector answers a POST: 200, an error status (with Retry-After if given). */
export interface CollectorAnswer {
  readonly status: number;
  readonly retryAfter?: string;
}

/**
 * A decision-log collector on a real socket, as a platform would run one: it takes gzipped
 * NDJSON batches, keeps the lines in the order they came, and can be taken down (its port
 * refuses connections) and brought up again on the same port.
 */
export class Collector {
  readonly batches: string[] = [];
  readonly headers: IncomingMessage['headers'][] = [];
  answer: CollectorAnswer = { status: 200 };
  /** How long the collector takes to answer a POST it has read. */
  delayMs = 0;
  private server: Server | undefined;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/decisions`;
  }

  /** Every line delivered, in order, duplicates included. */
  get lines(): string[] {
    return this.batches.flatMap((batch) => batch.split('\n').filter((line) => line !== ''));
  }

  /**
   * Listens: on a free port below the ephemeral range the first time (so no client socket
   * takes it while the collector is down), on the same port after.
   */
  async up(): Promise<void> {
    const server = createServer((request, response) => this.take(request, response));
    if (this.port === 0) this.port = await listenOnLowPort(server);
    else await listenOn(server, this.port);
    this.server = server;
  }

  /** Stops listening and cuts every connection: posts fail until `up`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private take(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { status, retryAfter } = this.answer;
      if (status === 200) {
        this.headers.push(request.headers);
        this.batches.push(gunzipSync(Buffer.concat(chunks)).toString('utf8'));
      }
      const answer = () => {
        response.writeHead(status, retryAfter === undefined ? {} : { 'retry-after': retryAfter });
        response.end();
      };
      if (this.delayMs === 0) answer();
      else setTimeout(answer, this.delayMs);
    });
  }
}
