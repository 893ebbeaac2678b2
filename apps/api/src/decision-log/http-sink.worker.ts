import { parentPort, workerData } from 'node:worker_threads';
import type { LoggerService } from '@nestjs/common';
import type { DecisionLogTally } from './decision-sink';
import { HttpDecisionSink } from './http-sink';
import { lineChunk, SlabPool } from './line-queue';
import { LineRing } from './line-ring';
import {
  FromSinkThread,
  SharedCounters,
  SinkThreadData,
  THREAD_TALLY_FIELDS,
  ToSinkThread,
} from './sink-thread-protocol';

/**
 * The decision log's thread when it posts to a collector (see ThreadedHttpSink): it holds the
 * lines, gzips them and posts them with HttpDecisionSink, so the buffers, the gzip and the POSTs
 * are allocated on this thread's heap and collected there, not on the event loop's.
 */
const port = parentPort as NonNullable<typeof parentPort>;
const data = workerData as SinkThreadData;
const { options } = data;
const counters = new SharedCounters(data.counters);
const ring = data.ring === undefined ? undefined : new LineRing(data.ring);
const slabs = new SlabPool();
const messagesInFlight = new Int32Array(data.messagesInFlight);
const say = (message: FromSinkThread) => port.postMessage(message);

/** The sink's tally, each field the thread counts kept in the shared counters as it changes. */
function sharedTally(): DecisionLogTally {
  const tally = { recorded: 0 } as DecisionLogTally;
  for (const field of THREAD_TALLY_FIELDS) {
    Object.defineProperty(tally, field, {
      enumerable: true,
      get: () => counters.get(field),
      set: (value: number) => counters.set(field, value),
    });
  }
  return tally;
}

const logger: LoggerService = {
  log: (message: string) => say({ kind: 'log', level: 'log', message }),
  warn: (message: string) => say({ kind: 'log', level: 'warn', message }),
  error: (message: string) => say({ kind: 'log', level: 'error', message }),
};

const sink = new HttpDecisionSink({ ...options, url: new URL(options.url) }, sharedTally(), logger);

/**
 * How often the ring is emptied, and the buffer fill and the health brought up to date: a line
 * waits this long at most before the sink has it (DECISION_LOG_FLUSH_MS is at least 10 ms).
 */
const RING_POLL_MS = 20;
let degraded = false;
let lastError: string | null = null;

/** Hands the sink what the event loop has put in the ring since the last time. */
function drain(): void {
  const chunk = ring?.take(slabs);
  if (chunk !== undefined) sink.write(chunk);
}

/** Puts the buffer fill where the event loop reads it, and tells it of a change of health. */
function publish(): void {
  const health = sink.health();
  counters.set('bufferedBytes', health.buffered_bytes);
  if (health.degraded !== degraded || health.last_error !== lastError) {
    degraded = health.degraded;
    lastError = health.last_error;
    say({ kind: 'health', degraded, lastError });
  }
}

const polling = setInterval(() => {
  drain();
  publish();
}, RING_POLL_MS);
polling.unref();

port.on('message', (message: ToSinkThread) => {
  // What the ring holds was written before this message was sent.
  drain();
  if (message.kind === 'lines') {
    sink.write(lineChunk(message.text, message.lines));
    Atomics.sub(messagesInFlight, 0, 1);
    counters.set('bufferedBytes', sink.bufferedBytes);
    return;
  }
  void sink.close(message.deadline).then(() => {
    clearInterval(polling);
    publish();
    say({ kind: 'closed' });
    port.close();
  });
});
