// First: the contract's DTOs then load without @nestjs/swagger, which a thread never uses.
import '@app/contract/without-openapi';
import { parentPort, workerData } from 'node:worker_threads';
import {
  inView,
  readJsonBody,
  SharedSlots,
  validateAnalyzeRequest,
  validateBatch,
} from '@app/contract';
import {
  analyzeBatchItem,
  analyzeObserved,
  decisionLineOf,
  DecisionObserver,
  EngineState,
  engineStateFrom,
} from '@app/engagement/engine';
import type { MadeLine } from '../decision-log/decision-log.service';
import { BatchAnswerWriter, BatchTally, ChunkSink } from './batch-answer';
import {
  analysisSummary,
  EngineThreadData,
  FromEngineThread,
  ToEngineThread,
} from './engine-protocol';
import type { Refusal } from './refusal';

/**
 * An engine thread: parses a body, validates it, answers it with the engine and writes the JSON
 * answer, all off the event loop. A batch's answer is sent in chunks as it is written; a single
 * request's as one string. It holds the engine state the event loop last sent, rebuilt from
 * plain data (see LiveEngine.portable), and never reads a file.
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

function answerBatch(
  message: Extract<ToEngineThread, { kind: 'batch' }>,
  state: EngineState,
  sink: ChunkSink,
  decisions: DecisionLines,
): BatchTally | Refusal {
  const parsed = readJsonBody(message.body);
  if (!parsed.ok) return { kind: 'body', message: parsed.message };
  const batch = validateBatch(parsed.value, message.today, message.maxItems);
  if (!batch.ok) return { kind: 'fields', errors: batch.errors };
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

/**
 * A single request's answer, as the event loop would make it (AnalyzeService): refused, or the
 * answer's JSON in the view asked for, with what the request log records and the decision's
 * line. A line that cannot be made costs the line, not the answer.
 */
function answerOne(
  message: Extract<ToEngineThread, { kind: 'analyze' }>,
  state: EngineState,
): FromEngineThread {
  const { id, view } = message;
  const parsed = readJsonBody(message.body);
  if (!parsed.ok)
    return { id, kind: 'refused', refusal: { kind: 'body', message: parsed.message } };
  const valid = validateAnalyzeRequest(parsed.value, message.today);
  if (!valid.ok) return { id, kind: 'refused', refusal: { kind: 'fields', errors: valid.errors } };
  const keep = message.decisionLog;
  let decision: MadeLine | undefined;
  const observe: DecisionObserver | undefined =
    keep === undefined
      ? undefined
      : (request, analysis, features) => {
          try {
            decision = { line: decisionLineOf(request, analysis, keep, features) };
          } catch (error) {
            decision = { error: (error as Error).message };
          }
        };
  const analysis = analyzeObserved(valid.value, state, message.acceptLanguage, observe, view);
  return {
    id,
    kind: 'analysis',
    json: JSON.stringify(inView(analysis, view)),
    summary: analysisSummary(analysis),
    decision,
  };
}

function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('engine.worker runs as a worker thread');
  const send = (reply: FromEngineThread): void =>
    // A chunk's buffer is moved to the event loop, not copied.
    port.postMessage(reply, reply.kind === 'chunk' ? [reply.chunk.buffer as ArrayBuffer] : []);
  const data = workerData as EngineThreadData | null;
  const slots = data?.answerSlots === undefined ? undefined : new SharedSlots(data.answerSlots);
  /** A batch's chunk, in an answer slot if one is free, else in a buffer of its own. */
  const sendChunk = (id: number, chunk: Uint8Array): void => {
    const slot = slots?.put(chunk) ?? -1;
    if (slot >= 0) send({ id, kind: 'slot', slot, length: chunk.byteLength });
    else send({ id, kind: 'chunk', chunk: new Uint8Array(chunk) });
  };
  let state: EngineState | undefined;
  port.on('message', (message: ToEngineThread) => {
    if (message.kind === 'state') {
      state = engineStateFrom(message.state);
      return;
    }
    const { id } = message;
    try {
      if (state === undefined)
        throw new Error(`no engine state was sent before the ${message.kind}`);
      if (message.kind === 'analyze') return send(answerOne(message, state));
      const decisions = new DecisionLines((text, lines) =>
        send({ id, kind: 'decisions', text, lines }),
      );
      const outcome = answerBatch(message, state, (chunk) => sendChunk(id, chunk), decisions);
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
