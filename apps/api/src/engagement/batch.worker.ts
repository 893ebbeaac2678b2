import { parentPort } from 'node:worker_threads';
import { validateBatch } from '@app/contract';
import { analyzeBatchItem, EngineState, engineStateFrom } from '@app/engagement';
import { readJsonBody } from '../http/request-body';
import { BatchAnswerWriter, BatchRefusal, BatchSummary } from './batch-answer';
import { FromBatchThread, ToBatchThread } from './batch-protocol';

/**
 * A batch thread: parses a batch body, validates it, answers every item with the engine and
 * writes the JSON answer, all off the event loop. It holds the engine state the event loop last
 * sent, rebuilt from plain data (see LiveEngine.portable), and never reads a file.
 */
function answer(
  message: Extract<ToBatchThread, { kind: 'batch' }>,
  state: EngineState,
): BatchSummary | BatchRefusal {
  const parsed = readJsonBody(message.body);
  if (!parsed.ok) return { kind: 'body', message: parsed.message };
  const batch = validateBatch(parsed.value, message.today, message.maxItems);
  if (!batch.ok) return { kind: 'envelope', errors: batch.errors };
  const { asOf, items, locale } = batch.value;
  const hint = locale ?? message.acceptLanguage;
  const writer = new BatchAnswerWriter();
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

const bufferOf = (chunk: Uint8Array): ArrayBuffer => chunk.buffer as ArrayBuffer;

function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('batch.worker runs as a worker thread');
  let state: EngineState | undefined;
  port.on('message', (message: ToBatchThread) => {
    if (message.kind === 'state') {
      state = engineStateFrom(message.state);
      return;
    }
    let reply: FromBatchThread;
    try {
      if (state === undefined) throw new Error('no engine state was sent before the batch');
      const outcome = answer(message, state);
      reply =
        'kind' in outcome
          ? { id: message.id, kind: 'refused', refusal: outcome }
          : { id: message.id, kind: 'answered', summary: outcome };
    } catch (error) {
      reply = { id: message.id, kind: 'failed', message: (error as Error).message };
    }
    // The answer's chunks are moved to the event loop, not copied.
    port.postMessage(reply, reply.kind === 'answered' ? reply.summary.body.map(bufferOf) : []);
  });
}

main();
