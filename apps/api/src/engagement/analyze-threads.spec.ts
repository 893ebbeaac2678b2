import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { labelledLiveEngine } from '@app/engagement/testing';
import { AnalyzeJob, AnalyzeThreads } from './analyze-threads';

/**
 * A stand-in engine thread: it answers each request with the config document it was last sent
 * and the body's text, and the view and language it was asked for; `states` is answered with
 * how many states it was sent and the last one's config. It refuses the body `bad`,
 * dies (exit code 3) on `die`, fails on `throw`, and answers `batch` with a batch's chunk.
 */
const FAKE_WORKER = `
const { parentPort } = require('node:worker_threads');
let config;
let states = 0;
parentPort.on('message', (message) => {
  if (message.kind === 'state') { config = message.state.configDocument; states++; return; }
  const body = Buffer.from(message.body).toString();
  const { id } = message;
  if (body === 'die') process.exit(3);
  if (body === 'states') return parentPort.postMessage({ id, kind: 'analysis', json: states + ' ' + config, summary: {} });
  if (body === 'throw') return parentPort.postMessage({ id, kind: 'failed', message: 'boom' });
  if (body === 'bad') return parentPort.postMessage({ id, kind: 'refused', refusal: { kind: 'body', message: 'not JSON' } });
  if (body === 'batch') return parentPort.postMessage({ id, kind: 'chunk', chunk: new Uint8Array(1) });
  parentPort.postMessage({
    id,
    kind: 'analysis',
    json: [config, body, message.view, message.acceptLanguage, message.today].join(':'),
    summary: { decisionId: 'd-' + body, userId: 'u-' + body, nudges: [['resume', 'rule']] },
    ...(message.decisionLog === undefined ? {} : { decision: { line: message.decisionLog + ':' + body } }),
  });
});
`;

const job = (text: string, overrides: Partial<AnalyzeJob> = {}): AnalyzeJob => ({
  body: Buffer.from(text),
  today: 20_000,
  acceptLanguage: undefined,
  view: 'full',
  decisionLog: undefined,
  ...overrides,
});

/** The JSON of an answer, or the kind of one that has none. */
async function json(answer: ReturnType<AnalyzeThreads['answer']>): Promise<string> {
  const outcome = await answer;
  return outcome.kind === 'analysis' ? outcome.json : outcome.kind;
}

describe(AnalyzeThreads.name, () => {
  let dir: string;
  let script: string;
  let threads: AnalyzeThreads | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'analyze-threads-'));
    script = join(dir, 'fake.worker.js');
    writeFileSync(script, FAKE_WORKER);
  });

  afterEach(async () => {
    await threads?.close();
    threads = undefined;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sends each thread the live state before its first request, and again after a reload', async () => {
    const { live, reload } = labelledLiveEngine('v1');
    threads = new AnalyzeThreads(2, live, script);

    const first = await Promise.all(
      ['a', 'b', 'c'].map((text) => json(threads!.answer(job(text)))),
    );
    reload('v2');
    const second = await Promise.all(
      ['d', 'e'].map((text) =>
        json(threads!.answer(job(text, { view: 'compact', acceptLanguage: 'es' }))),
      ),
    );

    expect(first).toEqual(['v1:a:full::20000', 'v1:b:full::20000', 'v1:c:full::20000']);
    expect(second).toEqual(['v2:d:compact:es:20000', 'v2:e:compact:es:20000']);
  });

  it('warm starts the threads with the live state before any request, once', async () => {
    const { live, reload } = labelledLiveEngine('v1');
    threads = new AnalyzeThreads(1, live, script);

    threads.warm();
    threads.warm();
    reload('v2');
    // v1 at the warm start (once, though warmed twice), v2 with the first request.
    expect(await json(threads.answer(job('states')))).toBe('2 v2');
    expect(await json(threads.answer(job('states')))).toBe('2 v2');
  });

  it('does not warm a pool that is closing', async () => {
    const { live } = labelledLiveEngine('v1');
    threads = new AnalyzeThreads(1, live, script);
    const closed = threads.close();
    threads.warm();
    await closed;
    await expect(threads.answer(job('a'))).rejects.toThrow('the request threads are stopping');
  });

  it("passes on the thread's summary, decision line and refusals", async () => {
    const { live } = labelledLiveEngine('v1');
    threads = new AnalyzeThreads(1, live, script);

    await expect(threads.answer(job('x', { decisionLog: 'features' }))).resolves.toMatchObject({
      kind: 'analysis',
      summary: { decisionId: 'd-x', userId: 'u-x', nudges: [['resume', 'rule']] },
      decision: { line: 'features:x' },
    });
    await expect(threads.answer(job('bad'))).resolves.toMatchObject({
      kind: 'refused',
      refusal: { kind: 'body', message: 'not JSON' },
    });
  });

  it('fails the requests of a thread that dies, and answers the next on a new thread', async () => {
    const { live } = labelledLiveEngine('v1');
    threads = new AnalyzeThreads(1, live, script);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    await expect(threads.answer(job('die'))).rejects.toThrow(
      'a request thread stopped: exit code 3',
    );
    expect(await json(threads.answer(job('after')))).toBe('v1:after:full::20000');
    expect(logged).toHaveBeenCalledWith(
      'a request thread stopped (exit code 3); it is replaced on the next request',
    );
    logged.mockRestore();
  });

  it('turns a request the thread could not answer, or answered as a batch, into an error', async () => {
    const { live } = labelledLiveEngine('v1');
    threads = new AnalyzeThreads(1, live, script);

    await expect(threads.answer(job('throw'))).rejects.toThrow('a request thread failed: boom');
    await expect(threads.answer(job('batch'))).rejects.toThrow(
      'a request thread answered a single request with a chunk',
    );
    expect(await json(threads.answer(job('ok')))).toBe('v1:ok:full::20000');
  });

  it('refuses requests once closing', async () => {
    const { live } = labelledLiveEngine('v1');
    threads = new AnalyzeThreads(1, live, script);
    await threads.close();
    await expect(threads.answer(job('late'))).rejects.toThrow('the request threads are stopping');
  });
});
