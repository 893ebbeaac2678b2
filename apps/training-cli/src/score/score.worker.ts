// First: the contract's DTOs then load without @nestjs/swagger, which a thread never uses.
import '@app/contract/without-openapi';
import { parentPort, workerData } from 'node:worker_threads';
import { SharedSlots, Utf8Builder, ValidRequest } from '@app/contract';
import { analyzeLearner, engineStateFrom } from '@app/engagement/engine';
import { engineVersion, withScoredDecisionId } from './decision-ids';
import { BlockScorer } from './score-block';
import {
  BlockBytes,
  ScoreBlock,
  ScoreStart,
  ScoreWorkerData,
  WorkerMessage,
} from './score-protocol';

const NO_BYTES = new Uint8Array(0);

/**
 * A block's bytes to post: copied into a free output slot, else taken from the builder (which
 * starts a buffer of its own for the next block) to be transferred; `transfer` gets the buffers.
 */
function shipped(built: Utf8Builder, slots: SharedSlots, transfer: ArrayBuffer[]): BlockBytes {
  if (built.byteLength === 0) return NO_BYTES;
  const slot = slots.put(built.view());
  if (slot >= 0) return { slot, length: built.byteLength };
  const bytes = built.take();
  transfer.push(bytes.buffer);
  return bytes;
}

/**
 * A scoring thread: the API's engine (config, rules, FOMO, models) on the state the main thread
 * sends as its first message, as data (see LiveEngine.portable), answering each block of lines
 * with the output lines' bytes. Blocks come and answers go in slots shared with the main thread
 * (ScoreWorkerData), or as transferred buffers when they do not fit one.
 */
function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('score.worker runs as a worker thread');
  const data = workerData as ScoreWorkerData;
  const { asOf, view, decisions: keep } = data;
  const inputs = new SharedSlots(data.inputSlots);
  const outputs = new SharedSlots(data.outputSlots);
  port.once('message', ({ state: portable }: ScoreStart) => {
    try {
      const state = engineStateFrom(portable);
      const version = engineVersion(state);
      // A line without a decision id gets one derived from it, so reruns write the same bytes.
      // Worded for the view the lines are written in (the compact one leaves out the reasons).
      const analyze = (valid: ValidRequest) =>
        analyzeLearner(withScoredDecisionId(valid, version), state, undefined, view);
      const scorer = new BlockScorer(asOf, analyze, keep, view);
      port.on('message', ({ seq, first, bytes }: ScoreBlock) => {
        const inSlot = !(bytes instanceof Uint8Array);
        const tally = scorer.score(inSlot ? inputs.view(bytes.slot, bytes.length) : bytes, first);
        if (inSlot) inputs.free(bytes.slot);
        const transfer: ArrayBuffer[] = [];
        const output = shipped(scorer.output, outputs, transfer);
        const decisions = shipped(scorer.decisions, outputs, transfer);
        const message: WorkerMessage = { kind: 'scored', seq, output, decisions, ...tally };
        port.postMessage(message, transfer);
      });
      port.postMessage({
        kind: 'ready',
        modelVersion: state.models?.version ?? null,
      } satisfies WorkerMessage);
    } catch (error) {
      port.postMessage({
        kind: 'failed',
        message: (error as Error).message,
      } satisfies WorkerMessage);
    }
  });
}

main();
