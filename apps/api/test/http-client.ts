import { Agent, IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';

export interface Exchange {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
}

export interface Answer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
  json(): any;
}

export interface HttpClient {
  send(exchange: Exchange): Promise<Answer>;
  close(): void;
}

/**
 * Listens on a free local port and sends requests over kept-alive sockets, as a platform
 * backend would: the same client for either adapter, and anything Node can put on the wire
 * (a GET with a body, any content type).
 */
export async function listenForTests(app: INestApplication): Promise<HttpClient> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  return {
    send: ({ method, url, headers = {}, payload }) =>
      new Promise((resolve, reject) => {
        // Node sends a GET's or DELETE's body unframed unless told its length.
        const length =
          payload === undefined ? {} : { 'content-length': String(Buffer.byteLength(payload)) };
        const outgoing = request(
          { agent, host: '127.0.0.1', port, method, path: url, headers: { ...length, ...headers } },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('error', reject);
            response.on('end', () => {
              const body = Buffer.concat(chunks).toString('utf8');
              resolve({
                statusCode: response.statusCode ?? 0,
                headers: response.headers,
                body,
                json: () => JSON.parse(body),
              });
            });
          },
        );
        outgoing.on('error', reject);
        outgoing.end(payload);
      }),
    close: () => agent.destroy(),
  };
}
