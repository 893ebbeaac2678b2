import { parentPort } from 'node:worker_threads';
import { validateBatch } from '@app/contract';
import { analyzeBatchItem, EngineState, engineStateFrom } from '@app/engagement';
import { readJsonBody } from '../http/request-body';
import { BatchAnswerWriter, BatchRefusal, BatchTally, ChunkSink } from './batch-answer';
import { FromBatchThread, ToBatchThread } from './batch-protocol';

/**
 * A batch thread: parses a batch body, validates it, answers every item with the engine and
 * writes the JSON answer, all off the event loop, sending each chunk of the answer as it is
 * written. It holds the engine state the event loop last sent, rebuilt from plain data (see
 * LiveEngine.portable), and never reads a file.
 */
function answer(
  message: Extract<ToBatchThread, { kind: 'batch' }>,
  state: EngineState,
  sink: ChunkSink,
): BatchTally | BatchRefusal {
  const parsed = readJsonBody(message.body);
  if (!parsed.ok) return { kind: 'body', message: parsed.message };
  const batch = validateBatch(parsed.value, message.today, message.maxItems);
  if (!batch.ok) return { kind: 'envelope', errors: batch.errors };
  const { asOf, items, locale } = batch.value;
  const hint = locale ?? message.acceptLanguage;
  const writer = new BatchAnswerWriter(sink);
  // The parsed body is this thread's own: each item is let go once answered, so the parsed
  // items and the growing answer are not both held whole.
  const parsedItems = items as unknown[];
  for (let index = 0; index < parsedItems.length; index++) {
    const item = parsedItems[index];
    parsedItems[index] = undefined;
    writer.add(analyzeBatchItem(item, index, asOf, state, hint));
  }
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
      const outcome = answer(message, state, (chunk) => send({ id, kind: 'chunk', chunk }));
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
