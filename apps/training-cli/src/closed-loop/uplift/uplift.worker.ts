import { parentPort, workerData } from 'node:worker_threads';
import { LogFiles } from '../../cli/log-file';
import { PartitionLayout, PartitionWriter } from '../../cli/learner-partitions';
import { LogUnit } from '../../cli/log-units';
import { Shard } from '../../cli/shard-option';
import { passDecisionUnit } from './decision-pass';
import { OutcomePass, passOutcomes } from './outcome-pass';
import { PartitionJob, tallyPartition } from './partition-tally';
import { faultOf, ThreadFault } from './thread-fault';
import { UpliftTally } from './uplift-tally';

/** What the main thread gives an `uplift` thread. */
export interface UpliftThreadData {
  readonly layout: PartitionLayout;
  readonly shard: Shard;
  /** The thread's name among the writers: its partition files are its own. */
  readonly writer: string;
}

/**
 * A job for the thread: a unit of the decisions log to read; the end of the reading (write out
 * the partition files); or, once both logs are read, a partition to tally.
 */
export type UpliftThreadMessage =
  | { readonly unit: LogUnit; readonly index: number }
  | 'finish'
  | { readonly job: PartitionJob; readonly partition: number }
  | { readonly outcomes: LogFiles };

/** The outcomes log's pass, or the refusal of its first bad line. */
export interface OutcomeResult extends ThreadFault {
  readonly pass?: OutcomePass;
}

/** A partition's tally, or the refusal its learners' lines earned (a CliUsageError's message). */
export interface PartitionResult extends ThreadFault {
  readonly partition: number;
  readonly tally?: UpliftTally;
}

/**
 * An `uplift` thread: reads the units the main thread hands it, one at a time, answering each
 * with its UnitResult; on 'finish' writes out its partition files and answers 'done'; then
 * tallies the partitions it is handed, answering each with a PartitionResult. A thread of its
 * own reads the outcomes log, answering with an OutcomeResult.
 */
function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('uplift.worker runs as a worker thread');
  const { layout, shard, writer: name } = workerData as UpliftThreadData;
  const writer = new PartitionWriter(layout, name);
  port.on('message', (message: UpliftThreadMessage) => {
    if (message === 'finish') {
      writer.finish();
      port.postMessage('done');
    } else if ('job' in message) {
      port.postMessage(tallyOnThread(message.job, message.partition));
    } else if ('outcomes' in message) {
      passOutcomes(message.outcomes, shard, layout).then(
        (pass) => port.postMessage({ pass } satisfies OutcomeResult),
        (error: Error) => port.postMessage(faultOf(error) satisfies OutcomeResult),
      );
    } else {
      passDecisionUnit(message.unit, message.index, shard, writer).then(
        (result) => port.postMessage(result),
        (error: Error) => port.postMessage({ unit: message.index, lines: 0, ...faultOf(error) }),
      );
    }
  });
}

function tallyOnThread(job: PartitionJob, partition: number): PartitionResult {
  try {
    return { partition, tally: tallyPartition(job, partition) };
  } catch (error) {
    return { partition, ...faultOf(error) };
  }
}

main();
