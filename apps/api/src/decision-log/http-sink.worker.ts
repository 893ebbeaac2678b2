import { parentPort, workerData } from 'node:worker_threads';
import type { LoggerService } from '@nestjs/common';
import type { DecisionLogTally } from './decision-sink';
import { HttpDecisionSink } from './http-sink';
import { lineChunk } from './line-queue';
import {
  FromSinkThread,
  SharedCounters,
  SinkThreadData,
  ToSinkThread,
} from './sink-thread-protocol';

/**
 * The decision log's thread when it posts to a collector (see ThreadedHttpSink): it holds the
 * lines, gzips them and posts them with HttpDecisionSink, so the buffers, the gzip and the POSTs
 * are allocated on this thread's heap and collected there, not on the event loop's.
 */
const port = parentPort as NonNullable<typeof parentPort>;
const { options, counters: memory } = workerData as SinkThreadData;
const counters = new SharedCounters(memory);
const say = (message: FromSinkThread) => port.postMessage(message);

/** The sink's tally, kept in the shared counters as it changes. */
class SharedTally implements DecisionLogTally {
  recorded = 0;
  get written() {
    return counters.get('written');
  }
  set written(value: number) {
    counters.set('written', value);
  }
  get writtenBytes() {
    return counters.get('writtenBytes');
  }
  set writtenBytes(value: number) {
    counters.set('writtenBytes', value);
  }
  get batches() {
    return counters.get('batches');
  }
  set batches(value: number) {
    counters.set('batches', value);
  }
  get retries() {
    return counters.get('retries');
  }
  set retries(value: number) {
    counters.set('retries', value);
  }
  get dropped() {
    return counters.get('dropped');
  }
  set dropped(value: number) {
    counters.set('dropped', value);
  }
}

const logger: LoggerService = {
  log: (message: string) => say({ kind: 'log', level: 'log', message }),
  warn: (message: string) => say({ kind: 'log', level: 'warn', message }),
  error: (message: string) => say({ kind: 'log', level: 'error', message }),
};

const sink = new HttpDecisionSink(
  { ...options, url: new URL(options.url) },
  new SharedTally(),
  logger,
);

/** How often the buffer fill and the health are brought up to date between messages. */
const PUBLISH_MS = 50;
let lastError: string | null = null;

/** Puts the buffer fill and the health where the event loop reads them. */
function publish(): void {
  const health = sink.health();
  counters.set('bufferedBytes', health.buffered_bytes);
  counters.set('degraded', health.degraded ? 1 : 0);
  if (health.last_error !== lastError) {
    lastError = health.last_error;
    say({ kind: 'last-error', error: lastError });
  }
}

const publishing = setInterval(publish, PUBLISH_MS);
publishing.unref();

port.on('message', (message: ToSinkThread) => {
  if (message.kind === 'lines') {
    sink.write(lineChunk(message.text, message.lines));
    counters.set('bufferedBytes', sink.bufferedBytes);
    return;
  }
  void sink.close(message.deadline).then(() => {
    clearInterval(publishing);
    publish();
    say({ kind: 'closed' });
    port.close();
  });
});
