import {
  DecisionLogError,
  Dated,
  forEachLine,
  lineName,
  OutcomeRecord,
  parseOutcomeLine,
} from '@app/contract/decision-log';
import { CalendarDay } from '@app/learner';
import { jsonString } from '../../cli/json-string';
import { inShard, keyHash, PartitionLayout, PartitionWriter } from '../../cli/learner-partitions';
import { LogFiles } from '../../cli/log-file';
import { Shard } from '../../cli/shard-option';
import { OUTCOMES_WRITER } from './partition-tally';

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
  const writer = new PartitionWriter(layout, OUTCOMES_WRITER);
  let firstDay: CalendarDay | undefined;
  let lines = 0;
  try {
    for (const [index, file] of log.files.entries()) {
      lines += await forEachLine(file, (text, line) => {
        const { record, day } = parsedOutcome(text, file, line);
        if (firstDay === undefined || day < firstDay) firstDay = day;
        const hash = keyHash(record.user_id);
        if (!inShard(hash, shard)) return;
        writer.add(
          hash,
          'outcomes',
          outcomeRecordText(record.user_id, day, record.decision_id ?? null, index, line),
        );
      });
    }
  } finally {
    writer.close();
  }
  writer.finish();
  return { lines, firstDay };
}

/**
 * An outcome line parsed and checked; a bad one is parsed again to name its line: the name is
 * only made for the line that needs it, not for each of the log's.
 */
function parsedOutcome(text: string, file: string, line: number): Dated<OutcomeRecord> {
  try {
    return parseOutcomeLine(text, '');
  } catch (error) {
    if (!(error instanceof DecisionLogError)) throw error;
    return parseOutcomeLine(text, lineName({ file, line }));
  }
}

/** An OutcomeRecordLine's text, as JSON.stringify gives it for the array, written out directly. */
export function outcomeRecordText(
  userId: string,
  day: CalendarDay,
  decisionId: string | null,
  file: number,
  line: number,
): string {
  return `[${jsonString(userId)},${day},${decisionId === null ? 'null' : jsonString(decisionId)},${file},${line}]`;
}
