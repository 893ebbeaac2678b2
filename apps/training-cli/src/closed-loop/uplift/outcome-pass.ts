import { forEachLogLine, lineName, parseOutcomeLine } from '@app/contract/decision-log';
import { CalendarDay } from '@app/learner';
import { inShard, keyHash, PartitionLayout, PartitionWriter } from '../../cli/learner-partitions';
import { LogFiles } from '../../cli/log-file';
import { Shard } from '../../cli/shard-option';
import { OutcomeRecordLine, OUTCOMES_WRITER } from './partition-tally';

/** What reading the outcomes log gave. */
export interface OutcomePass {
  readonly lines: number;
  /** Undefined for an empty log. */
  readonly firstDay: CalendarDay | undefined;
}

/**
 * Reads the outcomes log: checks every line, and hands each outcome of the shard's learners to
 * its learner's partition. Returns the log's lines and its first day: where the log's coverage
 * begins, as no shard could know the first day of its own learners' outcomes before it has read
 * them all.
 */
export async function passOutcomes(
  log: LogFiles,
  shard: Shard,
  layout: PartitionLayout,
): Promise<OutcomePass> {
  const fileIndex = new Map(log.files.map((file, i) => [file, i]));
  const writer = new PartitionWriter(layout, OUTCOMES_WRITER);
  let firstDay: CalendarDay | undefined;
  const lines = await forEachLogLine(log.files, (text, at) => {
    const { record, day } = parseOutcomeLine(text, lineName(at));
    if (firstDay === undefined || day < firstDay) firstDay = day;
    const hash = keyHash(record.user_id);
    if (!inShard(hash, shard)) return;
    const kept: OutcomeRecordLine = [
      record.user_id,
      day,
      record.decision_id ?? null,
      fileIndex.get(at.file)!,
      at.line,
    ];
    writer.add(hash, 'outcomes', JSON.stringify(kept));
  }).finally(() => writer.close());
  writer.finish();
  return { lines, firstDay };
}
