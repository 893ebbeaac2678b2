import { parentPort } from 'node:worker_threads';
import { validateBatch } from '@app/contract';
import {
  analyzeBatchItem,
  decisionLineOf,
  DecisionObserver,
  EngineState,
  engineStateFrom,
} from '@app/engagement';
import { readJsonBody } from '../http/request-body';
import { BatchAnswerWriter, BatchRefusal, BatchTally, ChunkSink } from './batch-answer';
import { FromBatchThread, ToBatchThread } from './batch-protocol';

/**
 * A batch thread: parses a batch body, validates it, answers every item with the engine and
 * writes the JSON answer, all off the event loop, sending each chunk of the answer as it is
 * written. It holds the engine state the event loop last sent, rebuilt from plain data (see
 * LiveEngine.portable), and never reads a file.
 */
/** Decision lines are sent to the event loop in pieces of about this many characters. */
const DECISION_TEXT_CHUNK = 256 * 1024;

/** Collects the batch's decision lines and sends them on in pieces, in order. */
class DecisionLines {
  private text = '';
  private lines = 0;

  constructor(private readonly send: (text: string, lines: number) => void) {}

  add(line: string): void {
    this.text += line;
    this.lines++;
    if (this.text.length >= DECISION_TEXT_CHUNK) this.flush();
  }

  flush(): void {
    if (this.lines === 0) return;
    this.send(this.text, this.lines);
    this.text = '';
    this.lines = 0;
  }
}

function answer(
  message: Extract<ToBatchThread, { kind: 'batch' }>,
  state: EngineState,
  sink: ChunkSink,
  decisions: DecisionLines,
): BatchTally | BatchRefusal {
  const parsed = readJsonBody(message.body);
  if (!parsed.ok) return { kind: 'body', message: parsed.message };
  const batch = validateBatch(parsed.value, message.today, message.maxItems);
  if (!batch.ok) return { kind: 'envelope', errors: batch.errors };
  const { asOf, items, locale } = batch.value;
  const hint = locale ?? message.acceptLanguage;
  const writer = new BatchAnswerWriter(sink, message.view);
  // The parsed body is this thread's own: each item is let go once answered, so the parsed
  // items and the growing answer are not both held whole.
  const parsedItems = items as unknown[];
  const keep = message.decisionLog;
  const observe: DecisionObserver | undefined =
    keep === undefined
      ? undefined
      : (valid, analysis, features) =>
          decisions.add(decisionLineOf(valid, analysis, keep, features));
  for (let index = 0; index < parsedItems.length; index++) {
    const item = parsedItems[index];
    parsedItems[index] = undefined;
    writer.add(analyzeBatchItem(item, index, asOf, state, hint, observe, message.view));
  }
  decisions.flush();
  return writer.finish();
}

function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('batch.worker runs as a worker thread');
  const send = (reply: FromBatchThread): void =>
    // A chunk's buffer is moved to the event loop, not copied.
    port.postMessage(reply, reply.kind === 'chunk' ? [reply.chunk.buffer as ArrayBuffer] : []);
  let state: EngineState | undefined;
  port.on('message', (message: ToBatchThread) => {
    if (message.kind === 'state') {
      state = engineStateFrom(message.state);
      return;
    }
    const { id } = message;
    try {
      if (state === undefined) throw new Error('no engine state was sent before the batch');
      const decisions = new DecisionLines((text, lines) =>
        send({ id, kind: 'decisions', text, lines }),
      );
      const outcome = answer(
        message,
        state,
        (chunk) => send({ id, kind: 'chunk', chunk }),
        decisions,
      );
      send(
        'kind' in outcome
          ? { id, kind: 'refused', refusal: outcome }
          : { id, kind: 'answered', tally: outcome },
      );
    } catch (error) {
      send({ id, kind: 'failed', message: (error as Error).message });
    }
  });
}

main();
