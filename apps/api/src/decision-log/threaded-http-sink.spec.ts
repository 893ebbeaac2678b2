import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecisionLogTally } from './decision-sink';
import { COUNTER_FIELDS } from './sink-thread-protocol';
import { ThreadedHttpSink } from './threaded-http-sink';

const at = (field: (typeof COUNTER_FIELDS)[number]) => COUNTER_FIELDS.indexOf(field);

/**
 * A log thread that speaks the protocol without a collector and without reading the ring: it
 * delivers every line of a message at once (one batch per message), except the lines of a
 * message whose text says `drop` (dropped) or `die` (the thread throws, with the lines of the
 * messages before counted and these not), or `hold` (kept untaken: the message stays in flight),
 * and says `closed` when asked to close.
 */
const FAKE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const counters = new Float64Array(workerData.counters);
const messagesInFlight = new Int32Array(workerData.messagesInFlight);
parentPort.on('message', (message) => {
  if (message.kind === 'lines' && !message.text.includes('hold')) Atomics.sub(messagesInFlight, 0, 1);
  if (message.kind === 'close') {
    parentPort.postMessage({ kind: 'log', level: 'log', message: 'closing before ' + message.deadline });
    parentPort.postMessage({ kind: 'closed' });
    return;
  }
  if (message.text.includes('die')) throw new Error('the fake thread died');
  if (message.text.includes('drop')) {
    counters[${at('dropped')}] += message.lines;
    parentPort.postMessage({ kind: 'health', degraded: true, lastError: 'the collector answered 503' });
    return;
  }
  counters[${at('written')}] += message.lines;
  counters[${at('writtenBytes')}] += Buffer.byteLength(message.text);
  counters[${at('batches')}] += 1;
});
`;

const OPTIONS = {
  url: new URL('http://user:secret@127.0.0.1:9/decisions'),
  flushMs: 1000,
  batchBytes: 1 << 20,
  bufferBytes: 1 << 20,
  timeoutMs: 1000,
};

/** Every piece goes as a message, which the fake thread reads. */
const NO_RING = 0;

const quiet = () => ({ log: jest.fn(), warn: jest.fn(), error: jest.fn() });

/** Waits until `done` holds, polling: the thread's counters change on its own time. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!done()) throw new Error('timed out');
}

describe(ThreadedHttpSink.name, () => {
  let dir: string;
  let script: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sink-thread-'));
    script = join(dir, 'fake-sink.worker.js');
    writeFileSync(script, FAKE_THREAD);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("adds the thread's counts to the event loop's tally and passes on its logs at close", async () => {
    const own = new DecisionLogTally();
    own.recorded = 6;
    const logger = quiet();
    const sink = new ThreadedHttpSink(OPTIONS, own, logger, script, NO_RING);

    sink.write('{"a":1}\n{"a":2}\n', 2);
    sink.write('{"drop":3}\n', 1);
    sink.write('{"a":4}\n{"a":5}\n{"a":6}\n', 3);
    await until(() => sink.tallied(own).written === 5);
    await sink.close(1_700_000_000_000);

    expect({ ...sink.tallied(own) }).toEqual({
      recorded: 6,
      written: 5,
      writtenBytes: 16 + 24,
      batches: 2,
      retries: 0,
      dropped: 1,
    });
    expect(logger.log).toHaveBeenCalledWith('closing before 1700000000000');
    // The target without its credentials; closed, the sink says so.
    expect(sink.health()).toEqual({
      target: 'http://127.0.0.1:9/decisions',
      degraded: true,
      buffered_bytes: 0,
      last_error: 'the log is closed',
    });
    // Lines after the close are counted as dropped, on the event loop's tally.
    sink.write('{"a":7}\n', 1);
    expect(own.dropped).toBe(1);
    expect(sink.tallied(own).dropped).toBe(2);
  });

  it('reports the last error and degraded health the thread publishes', async () => {
    const own = new DecisionLogTally();
    const sink = new ThreadedHttpSink(OPTIONS, own, quiet(), script, NO_RING);

    sink.write('{"drop":1}\n', 1);
    await until(() => sink.health().last_error !== null);

    expect(sink.health()).toEqual({
      target: 'http://127.0.0.1:9/decisions',
      degraded: true,
      buffered_bytes: 0,
      last_error: 'the collector answered 503',
    });
    await sink.close(Date.now() + 1000);
  });

  it('counts as dropped the lines a thread that died held, and every line after', async () => {
    const own = new DecisionLogTally();
    const logger = quiet();
    const sink = new ThreadedHttpSink(OPTIONS, own, logger, script, NO_RING);

    sink.write('{"a":1}\n', 1);
    sink.write('{"die":2}\n{"die":3}\n', 2);
    await until(() => sink.health().degraded);
    sink.write('{"a":4}\n', 1);

    expect(sink.tallied(own)).toMatchObject({ written: 1, dropped: 3 });
    expect(sink.health()).toEqual({
      target: 'http://127.0.0.1:9/decisions',
      degraded: true,
      buffered_bytes: 0,
      last_error: 'the log thread failed: the fake thread died',
    });
    expect(logger.error).toHaveBeenCalledWith(
      'decision log: the log thread failed: the fake thread died; new lines are dropped',
    );
    expect(logger.warn).toHaveBeenCalledWith(
      'decision log: 2 lines lost: the log thread failed: the fake thread died',
    );
    // Closing a dead thread's sink ends at once and changes nothing.
    await sink.close(Date.now() + 60_000);
    expect(sink.tallied(own)).toMatchObject({ written: 1, dropped: 3 });
  });

  it('sends as messages a piece the ring cannot take and the pieces after it until it is taken', async () => {
    const own = new DecisionLogTally();
    const sink = new ThreadedHttpSink(OPTIONS, own, quiet(), script, 64);

    // In the ring, which the fake thread leaves as it is: the bytes held say so.
    sink.write('{"a":1}\n', 1);
    expect(sink.bufferedBytes).toBe(8 + 8);
    // Too big for the ring: a message, which the thread holds untaken.
    sink.write(`{"hold":"${'x'.repeat(60)}"}\n`, 1);
    // Small enough for the ring, but after a message in flight: a message too.
    sink.write('{"a":3}\n', 1);
    await until(() => sink.tallied(own).written === 2);
    expect(sink.bufferedBytes).toBe(16);
    await sink.close(Date.now() + 1000);
  });

  it('writes each line to the ring once the messages in flight are taken', async () => {
    const own = new DecisionLogTally();
    const sink = new ThreadedHttpSink(OPTIONS, own, quiet(), script, 64);
    expect(sink.eachLine).toBe(true);

    sink.write(`{"a":"${'x'.repeat(60)}"}\n`, 1);
    await until(() => sink.tallied(own).written === 1);
    sink.write('{"a":2}\n', 1);

    expect(sink.bufferedBytes).toBe(16);
    await sink.close(Date.now() + 1000);
  });
});
