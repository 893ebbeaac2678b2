import { killServer } from './cluster-log';
import { ServerProcess, spawnServer, startServer, stderrLines } from './server-process';

const KEY = 'k'.repeat(24);

/** What the process warned about API keys on stderr, line by line. */
const keyWarnings = (server: ServerProcess) =>
  stderrLines(server, 'warning:').filter((line) => line.includes('API_KEY'));

describe('the environment at start-up', () => {
  let server: ServerProcess | undefined;

  afterEach(() => {
    if (server !== undefined) killServer(server);
    server = undefined;
  });

  it('warns of a misspelt API_KEYS and of production without keys, and still starts', async () => {
    server = await startServer({ WORKERS: '1', NODE_ENV: 'production', API_KEY: KEY });
    expect(keyWarnings(server)).toEqual([
      'warning: environment variable API_KEY is not a setting and is ignored; did you mean API_KEYS?',
      'warning: NODE_ENV=production and API_KEYS is not set: every client can call the API without a key (set API_KEYS, or REQUIRE_API_KEYS=true to refuse to start without them)',
    ]);
  }, 60_000);

  it('says nothing of keys when API_KEYS is set', async () => {
    server = await startServer({ WORKERS: '1', NODE_ENV: 'production', API_KEYS: KEY });
    expect(keyWarnings(server)).toEqual([]);
  }, 60_000);

  it('refuses to start without keys under REQUIRE_API_KEYS=true, naming both', async () => {
    server = await spawnServer({ WORKERS: '1', REQUIRE_API_KEYS: 'true', API_KEYS: '' });
    const { code } = await server.exited;
    expect(code).toBe(1);
    expect(stderrLines(server, 'start-up failed:')).toEqual([
      'start-up failed: invalid environment: API_KEYS must be set: REQUIRE_API_KEYS is true',
    ]);
  }, 60_000);
});
