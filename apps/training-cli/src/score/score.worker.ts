// First: the contract's DTOs then load without @nestjs/swagger, which a thread never uses.
import '@app/contract/without-openapi';
import { parentPort, workerData } from 'node:worker_threads';
import { ValidRequest } from '@app/contract';
import { analyzeLearner, engineStateFrom } from '@app/engagement/engine';
import { engineVersion, withScoredDecisionId } from './decision-ids';
import { scoreBlock } from './score-block';
import { ScoreBlock, ScoreStart, ScoreWorkerData, WorkerMessage } from './score-protocol';

/**
 * A scoring thread: the API's engine (config, rules, FOMO, models) on the state the main thread
 * sends as its first message, as data (see LiveEngine.portable), answering each block of lines
 * with the output lines' bytes, transferred back.
 */
function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('score.worker runs as a worker thread');
  const { asOf, view, decisions: keep } = workerData as ScoreWorkerData;
  port.once('message', ({ state: portable }: ScoreStart) => {
    try {
      const state = engineStateFrom(portable);
      const version = engineVersion(state);
      // A line without a decision id gets one derived from it, so reruns write the same bytes.
      // Worded for the view the lines are written in (the compact one leaves out the reasons).
      const analyze = (valid: ValidRequest) =>
        analyzeLearner(withScoredDecisionId(valid, version), state, undefined, view);
      port.on('message', (block: ScoreBlock) => {
        const scored = scoreBlock(block.bytes, block.first, asOf, analyze, keep, view);
        const message: WorkerMessage = { kind: 'scored', seq: block.seq, ...scored };
        port.postMessage(message, [scored.output.buffer, scored.decisions.buffer]);
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
