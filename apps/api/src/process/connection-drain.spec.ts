import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { ConnectionDrain, DRAIN_IDLE_MS } from './connection-drain';

/**
 * A kept-alive client on a raw socket: sends GETs one at a time and reads each answer's head,
 * and notes when the server ends the connection.
 */
class RawClient {
  private text = '';
  private readonly socket: Socket;
  private waiter: (() => void) | undefined;
  /** Resolves with the time the server ended the connection. */
  readonly ended: Promise<number>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('latin1');
      this.waiter?.();
    });
    this.ended = new Promise((resolve) => this.socket.on('end', () => resolve(Date.now())));
  }

  /** Sends a GET and resolves with its answer's status and header lines, once its body is in. */
  async get(path: string): Promise<string[]> {
    this.socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
    for (;;) {
      const end = this.text.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.text.slice(0, end).split('\r\n');
        const length = Number(
          head.find((line) => line.toLowerCase().startsWith('content-length:'))?.slice(15),
        );
        if (this.text.length >= end + 4 + length) {
          this.text = this.text.slice(end + 4 + length);
          return head;
        }
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** The value of the field `name` in a head, if it has one. */
function field(head: string[], name: string): string | undefined {
  const line = head.find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line?.slice(name.length + 1).trim();
}

describe('ConnectionDrain', () => {
  let server: Server;
  let drain: ConnectionDrain;
  let port: number;
  /** Answers held back by the handler (paths starting /held), released by the test. */
  const held: ServerResponse[] = [];
  const clients: RawClient[] = [];

  const client = () => {
    const made = new RawClient(port);
    clients.push(made);
    return made;
  };
  const release = () => held.splice(0).forEach((res) => res.end('ok'));
  const heldCount = async (count: number) => {
    while (held.length < count) await new Promise((resolve) => setImmediate(resolve));
  };

  beforeEach(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-length', '2');
      if (req.url?.startsWith('/held')) held.push(res);
      else res.end('ok');
    });
    drain = new ConnectionDrain(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    release();
    clients.splice(0).forEach((c) => c.destroy());
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps connections alive until the drain begins, then closes each after its answer', async () => {
    const kept = client();
    expect(field(await kept.get('/'), 'connection')).toBe('keep-alive');
    expect(drain.isDraining).toBe(false);
    drain.begin();
    expect(drain.isDraining).toBe(true);
    expect(field(await kept.get('/'), 'connection')).toBe('close');
    expect(await kept.ended).toBeGreaterThan(0);
  });

  it('tells responses in flight as the drain begins to close, on every socket', async () => {
    const first = client();
    const second = client();
    const answers = [first.get('/held/1'), second.get('/held/2')];
    await heldCount(2);
    drain.begin();
    release();
    const heads = await Promise.all(answers);
    expect(heads.map((head) => [head[0], field(head, 'connection')])).toEqual([
      ['HTTP/1.1 200 OK', 'close'],
      ['HTTP/1.1 200 OK', 'close'],
    ]);
  });

  it('leaves a response alone whose head went out before the drain began', async () => {
    const streaming = client();
    const answer = streaming.get('/held/streaming');
    await heldCount(1);
    held[0].flushHeaders();
    drain.begin();
    release();
    expect(field(await answer, 'connection')).toBe('keep-alive');
  });

  it('ends an idle socket after DRAIN_IDLE_MS, never one with a request in flight, and resolves true', async () => {
    const idle = client();
    await idle.get('/');
    const busy = client();
    const answer = busy.get('/held/slow');
    await heldCount(1);
    const started = Date.now();
    const closed = drain.close(10_000);
    const idleEnded = await idle.ended;
    expect(idleEnded - started).toBeGreaterThanOrEqual(DRAIN_IDLE_MS - 50);
    // The busy socket has been quiet on the wire as long, but its request is still open.
    const later = new Promise((resolve) => setTimeout(() => resolve('still open'), 300));
    expect(await Promise.race([busy.ended, later])).toBe('still open');
    release();
    const head = await answer;
    expect([head[0], field(head, 'connection')]).toEqual(['HTTP/1.1 200 OK', 'close']);
    await expect(closed).resolves.toBe(true);
  });

  it('resolves false when a request outlasts the timeout', async () => {
    const busy = client();
    void busy.get('/held/stuck').catch(() => undefined);
    await heldCount(1);
    await expect(drain.close(200)).resolves.toBe(false);
  });
});
