import { Collector } from '../../test/collector';
import { DecisionLogTally } from './decision-sink';
import {
  backoffMs,
  displayUrl,
  HttpDecisionSink,
  HttpSinkOptions,
  retryAfterMs,
} from './http-sink';
import { lineChunk } from './line-queue';

const quiet = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
const line = (n: number) => lineChunk(`{"decision_id":"d-${n}"}\n`, 1);
const until = async (what: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe(HttpDecisionSink.name, () => {
  let collector: Collector;
  let tally: DecisionLogTally;
  let sut: HttpDecisionSink | undefined;

  const sink = (options: Partial<HttpSinkOptions> = {}) => {
    sut = new HttpDecisionSink(
      {
        url: new URL(collector.url),
        flushMs: 20,
        batchBytes: 1024,
        bufferBytes: 64 * 1024,
        timeoutMs: 2000,
        ...options,
      },
      tally,
      quiet,
    );
    return sut;
  };

  beforeEach(async () => {
    collector = new Collector();
    await collector.up();
    tally = new DecisionLogTally();
    jest.clearAllMocks();
  });

  afterEach(async () => {
    await sut?.close(Date.now());
    await collector.down();
  });

  it('posts gzipped NDJSON batches in the order the lines came, a batch once its bytes wait', async () => {
    const sut = sink({ flushMs: 60_000, batchBytes: 100 });
    for (let n = 0; n < 12; n++) sut.write(line(n));

    await until(() => tally.written === 8);

    expect(collector.batches.map((batch) => batch.split('\n').length - 1)).toEqual([4, 4]);
    expect(collector.lines).toEqual(
      Array.from({ length: 8 }, (_, n) => `{"decision_id":"d-${n}"}`),
    );
    expect(collector.headers[0]['content-type']).toBe('application/x-ndjson');
    expect(collector.headers[0]['content-encoding']).toBe('gzip');
    expect([tally.batches, tally.writtenBytes, tally.dropped]).toEqual([2, 8 * 22, 0]);
  });

  it('posts what waits every flushMs', async () => {
    const sut = sink({ flushMs: 20 });
    sut.write(line(1));

    await until(() => tally.written === 1);

    expect(collector.lines).toEqual(['{"decision_id":"d-1"}']);
  });

  it("sends a URL's credentials as Basic authorization, decoded", async () => {
    const url = new URL(collector.url);
    url.username = 'eie';
    url.password = 'p@ss:word';
    const sut = sink({ url });
    sut.write(line(1));

    await until(() => tally.written === 1);

    expect(url.href).toContain('eie:p%40ss%3Aword@');
    expect(collector.headers[0].authorization).toBe(
      `Basic ${Buffer.from('eie:p@ss:word').toString('base64')}`,
    );
  });

  it('says a POST timed out, and delivers the batch on a later try', async () => {
    collector.delayMs = 300;
    const sut = sink({ timeoutMs: 100 });
    sut.write(line(1));

    await until(() => tally.retries >= 1);
    expect(sut.health()).toMatchObject({ degraded: true, last_error: 'the POST timed out' });
    collector.delayMs = 0;
    await until(() => tally.written >= 1, 10_000);
    expect(collector.lines[collector.lines.length - 1]).toBe('{"decision_id":"d-1"}');
  });

  it('keeps the lines while the collector is down and delivers them, in order, once it is up', async () => {
    await collector.down();
    const sut = sink();
    for (let n = 0; n < 5; n++) sut.write(line(n));
    await until(() => tally.retries >= 2);
    expect(sut.health()).toMatchObject({ degraded: true, last_error: 'ECONNREFUSED' });

    await collector.up();
    for (let n = 5; n < 8; n++) sut.write(line(n));
    await until(() => tally.written === 8, 10_000);

    expect(collector.lines).toEqual(
      Array.from({ length: 8 }, (_, n) => `{"decision_id":"d-${n}"}`),
    );
    expect(sut.health()).toMatchObject({ degraded: false, buffered_bytes: 0 });
    expect(tally.dropped).toBe(0);
    expect(quiet.warn).toHaveBeenCalledTimes(1);
    expect(quiet.log).toHaveBeenCalledWith(expect.stringMatching(/^decision log recovered after/));
  });

  it('waits as long as Retry-After asks before trying again', async () => {
    collector.answer = { status: 503, retryAfter: '1' };
    const sut = sink();
    sut.write(line(1));
    await until(() => tally.retries === 1);
    const refusedAt = Date.now();
    collector.answer = { status: 200 };

    await until(() => tally.written === 1);

    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(900);
  });

  it('drops a batch the collector refuses with a 4xx, and goes on with the next', async () => {
    collector.answer = { status: 400 };
    const sut = sink();
    sut.write(line(1));
    await until(() => tally.dropped === 1);
    collector.answer = { status: 200 };

    sut.write(line(2));
    await until(() => tally.written === 1);

    expect(collector.lines).toEqual(['{"decision_id":"d-2"}']);
    expect(tally.retries).toBe(0);
  });

  it('drops the oldest waiting lines when the buffer is full, and counts every line either way', async () => {
    await collector.down();
    const sut = sink({ bufferBytes: 200, batchBytes: 100 });
    for (let n = 0; n < 30; n++) sut.write(line(n));
    await collector.up();

    await until(() => tally.written + tally.dropped === 30, 10_000);

    const delivered = collector.lines;
    expect(delivered.length).toBe(tally.written);
    expect(tally.dropped).toBeGreaterThan(0);
    // The newest lines survive: what was delivered is the batch in flight, then the last ones.
    expect(delivered.at(-1)).toBe('{"decision_id":"d-29"}');
    expect(quiet.warn).toHaveBeenCalledWith(
      expect.stringMatching(/dropping lines: the buffer is full/),
    );
  });

  it('drops a whole waiting batch, the oldest, when the buffer is full behind a batch being retried', async () => {
    await collector.down();
    // 22-byte lines: batches of four (88 bytes); the batch in flight leaves 412 bytes of room.
    const sut = sink({ bufferBytes: 500, batchBytes: 100 });
    for (let n = 0; n < 40; n++) sut.write(line(n));
    await collector.up();

    await until(() => tally.written + tally.dropped === 40, 10_000);

    expect(collector.lines).toEqual(
      [0, 1, 2, 3, ...Array.from({ length: 16 }, (_, n) => 24 + n)].map(
        (n) => `{"decision_id":"d-${n}"}`,
      ),
    );
    expect([tally.written, tally.dropped, tally.batches]).toEqual([20, 20, 5]);
  });

  it('delivers the batches waiting behind one being retried, in order, at close', async () => {
    await collector.down();
    const sut = sink({ flushMs: 60_000, batchBytes: 100 });
    for (let n = 0; n < 12; n++) sut.write(line(n));
    await until(() => tally.retries >= 1);
    await collector.up();

    await sut.close(Date.now() + 20_000);

    expect(collector.lines).toEqual(
      Array.from({ length: 12 }, (_, n) => `{"decision_id":"d-${n}"}`),
    );
    expect(collector.batches.map((batch) => batch.split('\n').length - 1)).toEqual([4, 4, 4]);
    expect([tally.written, tally.dropped]).toEqual([12, 0]);
  });

  it('delivers what is held at close, and counts as dropped what the deadline leaves', async () => {
    const sut = sink({ flushMs: 60_000 });
    for (let n = 0; n < 3; n++) sut.write(line(n));

    await sut.close(Date.now() + 20_000);

    expect(collector.lines.length).toBe(3);
    sut.write(line(4));
    expect([tally.written, tally.dropped]).toEqual([3, 1]);
  });

  it('gives up at the deadline while the collector is down', async () => {
    await collector.down();
    const sut = sink({ flushMs: 60_000 });
    sut.write(line(1));
    const started = Date.now();

    await sut.close(started + 300);

    expect(Date.now() - started).toBeLessThan(1000);
    expect([tally.written, tally.dropped]).toEqual([0, 1]);
  });
});

describe('the retry schedule', () => {
  it('waits a random time up to 250 ms · 2^attempt, never more than 5 s', () => {
    expect([0, 1, 2, 4, 5, 10].map((attempt) => backoffMs(attempt, () => 0.999))).toEqual([
      249, 499, 999, 3996, 4995, 4995,
    ]);
    expect(backoffMs(3, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Wed, 02 Dec 2026 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('shows a URL without its credentials', () => {
    expect(displayUrl(new URL('https://user:secret@logs.example/in?x=1'))).toBe(
      'https://logs.example/in?x=1',
    );
  });
});
