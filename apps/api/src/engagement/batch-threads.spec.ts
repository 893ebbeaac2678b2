import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { LiveEngine } from '@app/engagement';
import { batchAnswerText } from './batch-answer';
import { BatchJob, BatchThreads } from './batch-threads';

/**
 * A stand-in batch thread: it answers each batch with the config document it was last sent and
 * the body's text, and dies (exit code 3) on the body `die`.
 */
const FAKE_WORKER = `
const { parentPort } = require('node:worker_threads');
let config;
parentPort.on('message', (message) => {
  if (message.kind === 'state') { config = message.state.configDocument; return; }
  const body = Buffer.from(message.body).toString();
  if (body === 'die') process.exit(3);
  if (body === 'throw') return parentPort.postMessage({ id: message.id, kind: 'failed', message: 'boom' });
  parentPort.postMessage({
    id: message.id,
    kind: 'answered',
    summary: { body: [new TextEncoder().encode(config + ':' + body)], items: 1, failed: 0, nudges: [] },
  });
});
`;

/** A LiveEngine whose state is a label; `reload` swaps it for a new object, as a reload does. */
function fakeLive(label: string) {
  let config = { label };
  return {
    live: {
      get state() {
        return { config, models: undefined };
      },
      get portable() {
        return { configDocument: config.label, configSource: 'test', models: undefined };
      },
    } as unknown as LiveEngine,
    reload: (next: string) => (config = { label: next }),
  };
}

const job = (text: string): BatchJob => ({
  body: Buffer.from(text),
  today: 20_000,
  maxItems: 10,
  acceptLanguage: undefined,
});

describe(BatchThreads.name, () => {
  let dir: string;
  let script: string;
  let threads: BatchThreads | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'batch-threads-'));
    script = join(dir, 'fake.worker.js');
    writeFileSync(script, FAKE_WORKER);
  });

  afterEach(async () => {
    await threads?.close();
    threads = undefined;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sends each thread the live state before its first batch, and again after a reload', async () => {
    const { live, reload } = fakeLive('v1');
    threads = new BatchThreads(2, live, script);

    const first = await Promise.all(['a', 'b', 'c'].map((text) => threads!.run(job(text))));
    reload('v2');
    const second = await Promise.all(['d', 'e'].map((text) => threads!.run(job(text))));

    const json = (outcome: Awaited<ReturnType<BatchThreads['run']>>) =>
      outcome.kind === 'answered' ? batchAnswerText(outcome.summary) : outcome.kind;
    expect(first.map(json)).toEqual(['v1:a', 'v1:b', 'v1:c']);
    expect(second.map(json)).toEqual(['v2:d', 'v2:e']);
  });

  it('fails the batches of a thread that dies, and answers the next batch on a new thread', async () => {
    const { live } = fakeLive('v1');
    threads = new BatchThreads(1, live, script);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    await expect(threads.run(job('die'))).rejects.toThrow('a batch thread stopped: exit code 3');
    const after = await threads.run(job('after'));
    expect(after.kind === 'answered' && batchAnswerText(after.summary)).toBe('v1:after');
    expect(logged).toHaveBeenCalledWith(
      'a batch thread stopped (exit code 3); it is replaced on the next batch',
    );
    logged.mockRestore();
  });

  it('turns a batch the thread could not answer into an error, and keeps the thread', async () => {
    const { live } = fakeLive('v1');
    threads = new BatchThreads(1, live, script);

    await expect(threads.run(job('throw'))).rejects.toThrow('a batch thread failed: boom');
    const ok = await threads.run(job('ok'));
    expect(ok.kind === 'answered' && batchAnswerText(ok.summary)).toBe('v1:ok');
  });

  it('refuses batches once closing', async () => {
    const { live } = fakeLive('v1');
    threads = new BatchThreads(1, live, script);
    await threads.close();
    await expect(threads.run(job('late'))).rejects.toThrow('the batch threads are stopping');
  });
});
