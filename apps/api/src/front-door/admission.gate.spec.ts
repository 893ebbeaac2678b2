import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ServiceUnavailableException } from '@nestjs/common';
import { Admission, AdmissionLimits, SATURATED_HOLD_MS } from './admission.gate';
import { STARTS_PER_TURN } from './turn-queue';

const LIMITS: AdmissionLimits = { maxInFlight: 2, maxBatchBytes: 1000, batchBodyLimit: 800 };

function incoming(
  url: string,
  method = 'GET',
  headers: Record<string, string> = {},
): IncomingMessage {
  // Its body, if any, already read: `complete`.
  return { url, method, headers, complete: true } as unknown as IncomingMessage;
}

/** A request whose body is still arriving: a stream the test ends. */
function arriving(url: string, headers: Record<string, string>): IncomingMessage & PassThrough {
  return Object.assign(new PassThrough(), {
    url,
    method: 'POST',
    headers,
    complete: false,
  }) as IncomingMessage & PassThrough;
}

/** A response that records its headers and closes when told. */
function outgoing(): ServerResponse & { headers: Record<string, unknown> } {
  const response = new EventEmitter() as EventEmitter & { headers: Record<string, unknown> };
  response.headers = {};
  Object.assign(response, {
    setHeader: (name: string, value: unknown) => (response.headers[name] = value),
  });
  return response as unknown as ServerResponse & { headers: Record<string, unknown> };
}

const batch = (headers: Record<string, string>) =>
  incoming('/analyze-engagement/batch', 'POST', headers);

describe(Admission.name, () => {
  it('counts a request until its response closes and refuses one beyond MAX_IN_FLIGHT', () => {
    const sut = new Admission(LIMITS);
    const first = outgoing();
    expect(sut.admit(incoming('/version'), first)).toBeUndefined();
    expect(sut.admit(incoming('/version'), outgoing())).toBeUndefined();
    expect(sut.inFlight).toBe(2);

    const refusedResponse = outgoing();
    const refusal = sut.admit(incoming('/version'), refusedResponse);
    expect(refusal).toBeInstanceOf(ServiceUnavailableException);
    expect((refusal as ServiceUnavailableException).message).toBe(
      'the service is at capacity: 2 requests in flight (MAX_IN_FLIGHT); retry after 1 s',
    );
    expect(refusedResponse.headers).toEqual({ 'retry-after': 1, connection: 'close' });
    expect(sut.refused('in_flight')).toBe(1);

    first.emit('close');
    expect(sut.inFlight).toBe(1);
    expect(sut.admit(incoming('/version'), outgoing())).toBeUndefined();
  });

  it('never counts or refuses probes and scrapes', () => {
    const sut = new Admission({ ...LIMITS, maxInFlight: 1 });
    sut.admit(incoming('/version'), outgoing());
    for (const url of ['/health', '/health/ready', '/metrics', '/health?verbose=1']) {
      expect(sut.admit(incoming(url), outgoing())).toBeUndefined();
    }
    expect(sut.inFlight).toBe(1);
    expect(sut.admit(incoming('/healthz'), outgoing())).toBeInstanceOf(ServiceUnavailableException);
  });

  it('counts a batch by its Content-Length, a chunked one as BATCH_BODY_LIMIT', () => {
    const sut = new Admission({ ...LIMITS, maxInFlight: 0, maxBatchBytes: 10_000 });
    const declared = outgoing();
    sut.admit(batch({ 'content-length': '300' }), declared);
    sut.admit(batch({ 'transfer-encoding': 'chunked' }), outgoing());
    sut.admit(batch({ 'content-length': '999999' }), outgoing());
    sut.admit(incoming('/analyze-engagement', 'POST', { 'content-length': '500' }), outgoing());
    expect(sut.batchBytesInFlight).toBe(300 + 800 + 800);
    declared.emit('close');
    expect(sut.batchBytesInFlight).toBe(1600);
  });

  it('refuses a batch that would pass MAX_BATCH_BYTES_IN_FLIGHT, but always lets one in', () => {
    const sut = new Admission({ ...LIMITS, maxInFlight: 0, maxBatchBytes: 500 });
    const first = outgoing();
    // Larger than the bound, but alone: let in.
    expect(sut.admit(batch({ 'content-length': '700' }), first)).toBeUndefined();
    const refusal = sut.admit(batch({ 'content-length': '10' }), outgoing());
    expect((refusal as ServiceUnavailableException).message).toBe(
      'the service is at capacity: batches in flight hold 700 of 500 bytes (MAX_BATCH_BYTES_IN_FLIGHT); retry after 1 s',
    );
    expect(sut.refused('batch_bytes')).toBe(1);
    expect(sut.admit(incoming('/analyze-engagement', 'POST'), outgoing())).toBeUndefined();
    // A batch-sized body keeps its connection (Node reads and drops it); a small one's is closed.
    const large = outgoing();
    sut.admit(batch({ 'content-length': String(64 * 1024 + 1) }), large);
    expect(large.headers).toEqual({ 'retry-after': 1 });
    const chunked = outgoing();
    sut.admit(batch({ 'transfer-encoding': 'chunked' }), chunked);
    expect(chunked.headers).toEqual({ 'retry-after': 1 });
    const small = outgoing();
    sut.admit(batch({ 'content-length': String(64 * 1024) }), small);
    expect(small.headers).toEqual({ 'retry-after': 1, connection: 'close' });
    first.emit('close');
    expect(sut.admit(batch({ 'content-length': '10' }), outgoing())).toBeUndefined();
  });

  it('is saturated at a bound and for SATURATED_HOLD_MS after a refusal', () => {
    const sut = new Admission({ ...LIMITS, maxInFlight: 1 });
    expect(sut.saturation(0)).toBeUndefined();
    const first = outgoing();
    sut.admit(incoming('/version'), first);
    expect(sut.saturation()).toEqual({
      reason: '1 of 1 requests in flight (MAX_IN_FLIGHT)',
      in_flight: 1,
      batch_bytes_in_flight: 0,
    });
    sut.admit(incoming('/version'), outgoing());
    first.emit('close');
    const refusedAt = performance.now();
    expect(sut.saturation(refusedAt + 10)?.reason).toMatch(/^a request was refused \d+ ms ago$/);
    expect(sut.saturation(refusedAt + SATURATED_HOLD_MS + 1)).toBeUndefined();
  });

  it('bounds nothing when both limits are 0', () => {
    const sut = new Admission({ maxInFlight: 0, maxBatchBytes: 0, batchBodyLimit: 800 });
    for (let i = 0; i < 100; i++) {
      expect(sut.admit(batch({ 'content-length': '800' }), outgoing())).toBeUndefined();
    }
    expect(sut.saturation()).toBeUndefined();
  });

  it('refuses a request read after the current turn of the event loop has run past MAX_EVENT_LOOP_DELAY_MS', () => {
    const now = jest.spyOn(performance, 'now').mockReturnValue(1000);
    try {
      const sut = new Admission({ ...LIMITS, maxEventLoopDelayMs: 250 });
      sut.watchEventLoop();
      // The sampling timer is due every 20 ms; a turn that has run 20 + 249 ms is 249 ms late.
      now.mockReturnValue(1000 + 20 + 249);
      expect(sut.admit(incoming('/version'), outgoing())).toBeUndefined();
      now.mockReturnValue(1000 + 20 + 251);
      const response = outgoing();
      const refusal = sut.admit(incoming('/version'), response);
      expect((refusal as ServiceUnavailableException).message).toBe(
        'the service is at capacity: its event loop is 251 ms behind (MAX_EVENT_LOOP_DELAY_MS is 250); retry after 1 s',
      );
      expect(response.headers['retry-after']).toBe(1);
      expect(sut.refused('event_loop')).toBe(1);
    } finally {
      now.mockRestore();
    }
  });

  it('answers a refusal only once the body has arrived, read and dropped', async () => {
    const sut = new Admission({ ...LIMITS, maxInFlight: 1 });
    sut.admit(incoming('/version'), outgoing());
    const request = arriving('/analyze-engagement', { 'content-length': '6' });
    const verdict = sut.gate(request, outgoing());
    expect(verdict).toBeInstanceOf(Promise);
    let settled = false;
    void (verdict as Promise<unknown>).then(() => (settled = true));
    request.write('{"a":');
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    request.end('1}');
    await expect(verdict).resolves.toBeInstanceOf(ServiceUnavailableException);
    expect(request.readableEnded).toBe(true);
  });

  it('reads no more of a refused body than BATCH_BODY_LIMIT, then answers and closes', async () => {
    const sut = new Admission({ ...LIMITS, maxInFlight: 1 });
    sut.admit(incoming('/version'), outgoing());
    // Declared beyond the limit (800): answered at once.
    const declared = outgoing();
    const big = sut.gate(arriving('/analyze-engagement', { 'content-length': '801' }), declared);
    expect(big).toBeInstanceOf(ServiceUnavailableException);
    expect(declared.headers).toEqual({ 'retry-after': 1, connection: 'close' });
    // Chunked: read until it passes the limit.
    const response = outgoing();
    const request = arriving('/analyze-engagement', { 'transfer-encoding': 'chunked' });
    const verdict = sut.gate(request, response) as Promise<unknown>;
    let settled = false;
    void verdict.then(() => (settled = true));
    request.write(Buffer.alloc(800));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    request.write(Buffer.alloc(1));
    await expect(verdict).resolves.toBeInstanceOf(ServiceUnavailableException);
    expect(response.headers).toEqual({ 'retry-after': 1, connection: 'close' });
  });

  it(`starts probes at once and other requests ${STARTS_PER_TURN} per turn of the event loop, in order`, async () => {
    const sut = new Admission(LIMITS);
    const started: string[] = [];
    const gone = outgoing();
    const urls = ['/version', '/gone', '/docs', '/health', '/openapi.json', '/a', '/b', '/c'];
    for (const url of urls) {
      sut.start(incoming(url), url === '/gone' ? gone : outgoing(), () => started.push(url));
    }
    // A probe does not wait; the client of /gone leaves before its turn and is skipped.
    expect(started).toEqual(['/health']);
    expect(sut.waiting).toBe(7);
    gone.emit('close');
    const turns: string[][] = [];
    for (let turn = 0; turn < 3; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
      turns.push([...started]);
    }
    const queued = ['/version', '/docs', '/openapi.json', '/a', '/b', '/c'];
    const after = (turn: number) => ['/health', ...queued.slice(0, turn * STARTS_PER_TURN)];
    expect(turns).toEqual([after(1), after(2), after(3)]);
    expect(turns[0]).toHaveLength(1 + STARTS_PER_TURN);
    expect(sut.waiting).toBe(0);
  });
});
