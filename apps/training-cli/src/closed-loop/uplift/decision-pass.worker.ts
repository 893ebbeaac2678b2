import { parentPort, workerData } from 'node:worker_threads';
import { PartitionLayout, PartitionWriter } from '../../cli/learner-partitions';
import { LogUnit } from '../../cli/log-units';
import { Shard } from '../../cli/shard-option';
import { passDecisionUnit } from './decision-pass';

/** What the main thread gives a decision-pass thread. */
export interface DecisionPassData {
  readonly layout: PartitionLayout;
  readonly shard: Shard;
  /** The thread's name among the writers: its partition files are its own. */
  readonly writer: string;
}

/** A unit to read, or the end: flush the files and say so. */
export type DecisionPassMessage = { readonly unit: LogUnit; readonly index: number } | 'finish';

/**
 * A decision-pass thread: reads the units the main thread hands it, one at a time, answering
 * each with its UnitResult, and on 'finish' writes out its partition files and answers 'done'.
 */
function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('decision-pass.worker runs as a worker thread');
  const { layout, shard, writer: name } = workerData as DecisionPassData;
  const writer = new PartitionWriter(layout, name);
  port.on('message', (message: DecisionPassMessage) => {
    if (message === 'finish') {
      writer.finish();
      port.postMessage('done');
      return;
    }
    passDecisionUnit(message.unit, message.index, shard, writer).then(
      (result) => port.postMessage(result),
      (error: Error) => port.postMessage({ unit: message.index, lines: 0, crash: error.stack }),
    );
  });
}

main();
