import { createServer, IncomingMessage, request as httpRequest, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import express from 'express';
import { bornExpressMessages } from './express.seam';

describe('bornExpressMessages', () => {
  it("makes requests and responses whose prototypes are already Express's", () => {
    const app = express();
    const { IncomingMessage: Request, ServerResponse: Response } = bornExpressMessages(app);
    const request = new Request(new Socket());
    const response = new Response(request);

    expect(Object.getPrototypeOf(request)).toBe(app.request);
    expect(Object.getPrototypeOf(response)).toBe(app.response);
    expect(request).toBeInstanceOf(IncomingMessage);
    expect(response).toBeInstanceOf(ServerResponse);
    // Express's own methods and its app link are still on the chain.
    expect(typeof (request as unknown as express.Request).get).toBe('function');
    expect(typeof (response as unknown as express.Response).json).toBe('function');
    expect((request as unknown as express.Request).app).toBe(app);
  });

  it('leaves Express nothing to change on a real request, and Express still answers', async () => {
    const app = express();
    const messages = bornExpressMessages(app);
    const seen: boolean[] = [];
    app.use((request, _response, next) => {
      seen.push(Object.getPrototypeOf(request) === app.request);
      next();
    });
    app.get('/hello', (request, response) => {
      response.json({ path: request.path, query: request.query.name });
    });
    const server = createServer(messages, app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
      httpRequest({ port, host: '127.0.0.1', path: '/hello?name=ada' }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode, body }));
      })
        .on('error', reject)
        .end();
    });
    await new Promise((resolve) => server.close(resolve));

    expect(answer).toEqual({ status: 200, body: '{"path":"/hello","query":"ada"}' });
    expect(seen).toEqual([true]);
  });
});
