import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, Socket } from 'node:net';

/**
 * How long a kept-alive socket must sit idle during a drain before it is closed: longer than a
 * client looping on its connection takes to send its next request, so none is on the wire.
 */
export const DRAIN_IDLE_MS = 2000;
const SWEEP_MS = 50;

interface SocketState {
  /** Requests on this socket not yet answered in full. */
  active: number;
  idleSince: number;
}

/**
 * Drains an HTTP server without losing a request, whatever framework answers on it. Once the
 * drain begins every response says `Connection: close` (the ones already in flight too, if their
 * headers are not out yet), so clients open no further requests on these sockets. Closing stops
 * the listener only; a socket is ended once its last response is out, or once it has been idle
 * for DRAIN_IDLE_MS: never while a request may be in flight on it.
 */
export class ConnectionDrain {
  private draining = false;
  private readonly sockets = new Map<Socket, SocketState>();
  private readonly pending = new Set<ServerResponse>();

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { active: 0, idleSince: Date.now() });
      socket.once('close', () => this.sockets.delete(socket));
    });
    // Prepended, so the header is set before the framework writes anything.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const state = this.sockets.get(req.socket);
      if (state !== undefined) state.active++;
      if (this.draining) res.setHeader('connection', 'close');
      else this.pending.add(res);
      res.once('close', () => {
        this.pending.delete(res);
        if (state === undefined) return;
        state.active--;
        state.idleSince = Date.now();
      });
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** From now on every response closes its connection. */
  begin(): void {
    if (this.draining) return;
    this.draining = true;
    for (const res of this.pending) if (!res.headersSent) res.setHeader('connection', 'close');
    this.pending.clear();
  }

  /**
   * Stops accepting connections and resolves once every socket has closed: true when they all
   * closed by themselves or idle, false when `timeoutMs` passed first.
   */
  close(timeoutMs: number): Promise<boolean> {
    this.begin();
    // net.Server's close, not http.Server's: the latter also drops idle keep-alive sockets
    // at once, and a client's next request may already be on its way on one of them.
    NetServer.prototype.close.call(this.server);
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve) => {
      const sweep = (): void => {
        const now = Date.now();
        for (const [socket, state] of this.sockets) {
          if (state.active === 0 && now - state.idleSince >= DRAIN_IDLE_MS) socket.end();
        }
        if (this.sockets.size === 0) return resolve(true);
        if (now >= deadline) return resolve(false);
        setTimeout(sweep, SWEEP_MS);
      };
      sweep();
    });
  }
}
