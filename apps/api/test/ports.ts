import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';

/**
 * The lowest port the kernel hands out for `listen(0)` and for outgoing connections. Ports a
 * test picks and gives back before a server takes them come from below this range: inside it,
 * any client socket of a test running beside it may take the port in between.
 */
function firstEphemeralPort(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    const port = Number(low);
    return Number.isInteger(port) && port > 20_000 ? port : 32_768;
  } catch {
    return 32_768;
  }
}

const LOWEST = 20_000;
const TOP = firstEphemeralPort();

/** Listens on 127.0.0.1:`port`; rejects with the socket error (EADDRINUSE) instead of throwing it. */
export function listenOn(
  server: Pick<Server, 'once' | 'off' | 'listen'>,
  port: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Listens on a free port below the ephemeral range and returns it. Tries random ports, so
 * tests running beside each other rarely meet; a taken one is passed over.
 */
export async function listenOnLowPort(
  server: Pick<Server, 'once' | 'off' | 'listen'>,
): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (TOP - LOWEST));
    try {
      await listenOn(server, port);
      return port;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === 50) throw error;
    }
  }
}

/** A port nothing listens on now, below the ephemeral range, for a server's PORT or MANAGEMENT_PORT. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLowPort(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
