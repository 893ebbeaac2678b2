/**
 * A bad config or environment: say which key, in one line, and exit non-zero; the stack only
 * for someone debugging. Shared by the supervisor and the serving process, and light, so the
 * supervisor can use it without loading the server.
 */
export function failStart(error: unknown): never {
  const debug = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
  const text = debug ? ((error as Error).stack ?? String(error)) : (error as Error).message;
  process.stderr.write(`start-up failed: ${text}\n`);
  process.exit(1);
}
