import type { RequestListener, Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createNodeServer } from './node-server';
import { SECURITY_HEADERS } from './security-headers';

/** The status line and header lines of the answer `handler` gives a GET from a raw socket. */
async function headFrom(handler: RequestListener, requestId = 'stamp-1'): Promise<string[]> {
  const server: Server = createNodeServer(handler, 30_000);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const text = await new Promise<string>((resolve, reject) => {
      let answer = '';
      const socket = connect(port, '127.0.0.1', () =>
        socket.end(
          `GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n`,
        ),
      );
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
    return text.split('\r\n\r\n')[0].split('\r\n');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Each value a head gives the field `name` (any case), in order. */
function values(head: string[], name: string): string[] {
  return head
    .slice(1)
    .filter((line) => line.slice(0, line.indexOf(':')).toLowerCase() === name)
    .map((line) => line.slice(line.indexOf(':') + 1).trim());
}

/** The head carries the request id and every security header, each exactly once. */
function expectStamped(head: string[], requestId = 'stamp-1', except: string[] = []): void {
  expect(values(head, 'x-request-id')).toEqual([requestId]);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!except.includes(name)) expect(values(head, name)).toEqual([value]);
  }
}

describe('StampedResponse', () => {
  it('stamps a head Node writes itself (end without writeHead), as Express and the front door do', async () => {
    const head = await headFrom((_request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.end('ok');
    });
    expect(head[0]).toBe('HTTP/1.1 200 OK');
    expectStamped(head);
    expect(values(head, 'content-type')).toEqual(['text/plain']);
  });

  it('stamps a head written with one object of fields, as fastify writes its own', async () => {
    const head = await headFrom((_request, response) => {
      response.writeHead(201, { 'content-type': 'application/json', 'content-length': '2' });
      response.end('{}');
    });
    expect(head[0]).toBe('HTTP/1.1 201 Created');
    expectStamped(head);
    expect(values(head, 'content-type')).toEqual(['application/json']);
    expect(values(head, 'content-length')).toEqual(['2']);
  });

  it('keeps a reason phrase and a flat list of fields', async () => {
    const head = await headFrom((_request, response) => {
      response.writeHead(200, 'Fine', ['x-extra', 'a', 'content-length', '0']);
      response.end();
    });
    expect(head[0]).toBe('HTTP/1.1 200 Fine');
    expectStamped(head);
    expect(values(head, 'x-extra')).toEqual(['a']);
  });

  const handlersGiving: [string, RequestListener, string?][] = [
    [
      'set on the response',
      (_request, response) => {
        response.setHeader('x-frame-options', 'SAMEORIGIN');
        response.end();
      },
    ],
    [
      'in the fields object',
      (_request, response) => {
        response.writeHead(200, { 'x-frame-options': 'SAMEORIGIN' });
        response.end();
      },
    ],
    [
      'in the fields object, in another case',
      (_request, response) => {
        response.writeHead(200, { 'X-Frame-Options': 'SAMEORIGIN' });
        response.end();
      },
    ],
    [
      'both set on the response and in an object of lower-case fields',
      (_request, response) => {
        response.setHeader('x-request-id', 'ignored');
        response.writeHead(200, { 'x-frame-options': 'SAMEORIGIN', 'x-request-id': 'mine' });
        response.end();
      },
      'mine',
    ],
  ];

  it.each(handlersGiving)(
    'lets a header the handler gave win, once, when %s',
    async (_how, handler, id = 'stamp-1') => {
      const head = await headFrom(handler);
      expect(values(head, 'x-frame-options')).toEqual(['SAMEORIGIN']);
      expectStamped(head, id, ['x-frame-options']);
    },
  );

  it('names a request whose x-request-id is not plain with a new UUID', async () => {
    const head = await headFrom((_request, response) => response.end(), 'a<b');
    const [id] = values(head, 'x-request-id');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expectStamped(head, id);
  });
});
