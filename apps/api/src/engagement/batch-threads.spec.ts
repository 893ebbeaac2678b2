import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { labelledLiveEngine } from '@app/engagement/testing';
import { BatchJob, BatchThreads, Outcome } from './batch-threads';

/** The answer's text, or why there is none. */
async function text(outcome: Outcome): Promise<string> {
  if (outcome.kind !== 'answering') return outcome.kind;
  const chunks: Buffer[] = [];
  for await (const chunk of outcome.answer.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A stand-in batch thread: it answers each batch in two chunks, the config document it was last
 * sent with the body's text, then `!`. It dies (exit code 3) on the body `die`, fails on `throw`,
 * fails after its first chunk on `half`, dies after it on `half-die`, and answers `empty` with no
 * chunk at all. On a body starting `slot`, it writes its one chunk into a free answer slot and
 * sends the slot's number; on `count`, it answers how many of its slots are taken.
 */
const FAKE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const slots = workerData.answerSlots;
const states = new Int32Array(slots.states);
let config;
parentPort.on('message', (message) => {
  if (message.kind === 'state') { config = message.state.configDocument; return; }
  const body = Buffer.from(message.body).toString();
  if (body === 'count') {
    const chunk = new TextEncoder().encode('taken:' + states.filter((state) => state === 1).length);
    parentPort.postMessage({ id: message.id, kind: 'chunk', chunk }, [chunk.buffer]);
    return parentPort.postMessage({ id: message.id, kind: 'answered', tally: { bytes: 0 } });
  }
  if (body.startsWith('slot')) {
    const chunk = new TextEncoder().encode(config + ':' + body);
    const slot = states.findIndex((_, i) => Atomics.compareExchange(states, i, 0, 1) === 0);
    new Uint8Array(slots.bytes).set(chunk, slot * slots.slotBytes);
    parentPort.postMessage({ id: message.id, kind: 'slot', slot, length: chunk.byteLength });
    return parentPort.postMessage({ id: message.id, kind: 'answered', tally: { bytes: chunk.byteLength } });
  }
  if (body === 'die') process.exit(3);
  if (body === 'throw') return parentPort.postMessage({ id: message.id, kind: 'failed', message: 'boom' });
  if (body === 'empty') return parentPort.postMessage({ id: message.id, kind: 'answered', tally: { bytes: 0 } });
  const chunk = new TextEncoder().encode(config + ':' + body);
  const bytes = chunk.byteLength + 1;
  parentPort.postMessage({ id: message.id, kind: 'chunk', chunk }, [chunk.buffer]);
  if (body === 'half') return parentPort.postMessage({ id: message.id, kind: 'failed', message: 'midway' });
  // Dies a moment after its chunk: an exit right after postMessage can reach the event loop first.
  if (body === 'half-die') return void setTimeout(() => process.exit(4), 100);
  parentPort.postMessage({ id: message.id, kind: 'chunk', chunk: new TextEncoder().encode('!') });
  parentPort.postMessage({ id: message.id, kind: 'answered', tally: { bytes } });
});
`;

const job = (text: string): BatchJob => ({
  body: Buffer.from(text),
  today: 20_000,
  maxItems: 10,
  view: 'full',
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
    const { live, reload } = labelledLiveEngine('v1');
    threads = new BatchThreads(2, live, script);

    const first = await Promise.all(['a', 'b', 'c'].map((text) => threads!.run(job(text))));
    reload('v2');
    const second = await Promise.all(['d', 'e'].map((text) => threads!.run(job(text))));

    expect(await Promise.all(first.map(text))).toEqual(['v1:a!', 'v1:b!', 'v1:c!']);
    expect(await Promise.all(second.map(text))).toEqual(['v2:d!', 'v2:e!']);
  });

  it('fails the batches of a thread that dies, and answers the next batch on a new thread', async () => {
    const { live } = labelledLiveEngine('v1');
    threads = new BatchThreads(1, live, script);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    await expect(threads.run(job('die'))).rejects.toThrow('a batch thread stopped: exit code 3');
    expect(await text(await threads.run(job('after')))).toBe('v1:after!');
    expect(logged).toHaveBeenCalledWith(
      'a batch thread stopped (exit code 3); it is replaced on the next batch',
    );
    logged.mockRestore();
  });

  it('turns a batch the thread could not answer into an error, and keeps the thread', async () => {
    const { live } = labelledLiveEngine('v1');
    threads = new BatchThreads(1, live, script);

    await expect(threads.run(job('throw'))).rejects.toThrow('a batch thread failed: boom');
    expect(await text(await threads.run(job('ok')))).toBe('v1:ok!');
  });

  it('streams an answer as its chunks come, and cuts it off when the thread fails or dies midway', async () => {
    const { live } = labelledLiveEngine('v1');
    threads = new BatchThreads(1, live, script);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    for (const [body, why] of [
      ['half', 'a batch thread failed: midway'],
      ['half-die', 'a batch thread stopped: exit code 4'],
    ]) {
      const outcome = await threads.run(job(body));
      expect(outcome.kind).toBe('answering');
      const { answer } = outcome as Extract<Outcome, { kind: 'answering' }>;
      const read: string[] = [];
      await expect(
        (async () => {
          for await (const chunk of answer.body) read.push(String(chunk));
        })(),
      ).rejects.toThrow(why);
      expect(read).toEqual([`v1:${body}`]);
      await expect(answer.tally).rejects.toThrow(why);
    }
    const whole = await threads.run(job('whole'));
    expect(await text(whole)).toBe('v1:whole!');
    await expect((whole as Extract<Outcome, { kind: 'answering' }>).answer.tally).resolves.toEqual({
      bytes: 9,
    });
    expect(await text(await threads.run(job('empty')))).toBe('');
    logged.mockRestore();
  });

  it('reads a chunk from its answer slot, which is free again once the answer is released', async () => {
    const { live } = labelledLiveEngine('v1');
    threads = new BatchThreads(1, live, script);
    const answering = (outcome: Outcome) =>
      (outcome as Extract<Outcome, { kind: 'answering' }>).answer;

    const first = await threads.run(job('slot-1'));
    const second = await threads.run(job('slot-2'));
    expect(await text(first)).toBe('v1:slot-1');
    expect(await text(second)).toBe('v1:slot-2');
    // Read, but not yet released: the response may still be sending them.
    expect(await text(await threads.run(job('count')))).toBe('taken:2');
    answering(first).release();
    expect(await text(await threads.run(job('count')))).toBe('taken:1');
    answering(second).release();
    expect(await text(await threads.run(job('count')))).toBe('taken:0');
  });

  it('refuses batches once closing', async () => {
    const { live } = labelledLiveEngine('v1');
    threads = new BatchThreads(1, live, script);
    await threads.close();
    await expect(threads.run(job('late'))).rejects.toThrow('the batch threads are stopping');
  });
});
