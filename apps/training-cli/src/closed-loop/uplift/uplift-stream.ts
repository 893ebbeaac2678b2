import { join } from 'node:path';
import { parseDecisionLine } from '@app/contract';
import { CliUsageError } from '../../cli/cli-errors';
import { plural } from '../../cli/format';
import { LogCommand, StreamSettings, streamLogs } from './log-stream';
import { ClosedLoopLogs, PartitionJob, tallyPartition } from './partition-tally';
import { addTally, emptyTally, UpliftTally } from './uplift-tally';

export { ClosedLoopLogs } from './partition-tally';

export interface UpliftReadSettings extends StreamSettings {
  readonly windowDays: number;
  /** `--pre-days`, if given. */
  readonly preDays?: number;
  /**
   * The config hash each group the config knows should carry in its decisions' policy_version (a
   * variant with overrides has a config, and a hash, of its own).
   */
  readonly configHashes: Readonly<Record<string, string>>;
}

/** The script of an `uplift` thread, built beside this file. */
const WORKER_FILE = join(__dirname, 'uplift.worker.js');

/** `uplift` as a LogCommand: it keeps nothing beyond the join; it tallies with tallyPartition. */
function upliftCommand(settings: UpliftReadSettings): LogCommand<PartitionJob, UpliftTally> {
  return {
    script: WORKER_FILE,
    // A thread's heap: a unit's lines, or a partition's records, and a few buffers.
    limits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 16 },
    threadData: null,
    tally: tallyPartition,
    refuse: (text, where) => parseDecisionLine(text, where),
    job: (join, outcomes) => ({
      ...join,
      windowDays: settings.windowDays,
      preDays: settings.preDays,
      logStart: outcomes.firstDay,
      configHashes: settings.configHashes,
    }),
  };
}

/**
 * Tallies the logs' learners of `settings.shard` (docs/closed-loop.md "Evaluation at platform
 * scale"), by the two passes of streamLogs: memory does not grow with the logs.
 */
export async function tallyUplift(
  logs: ClosedLoopLogs,
  settings: UpliftReadSettings,
): Promise<UpliftTally> {
  const tally = emptyTally(0, 0);
  const stream = await streamLogs(logs, settings, upliftCommand(settings), (partition) =>
    addTally(tally, partition),
  );
  return { ...tally, decisionLines: stream.decisionLines, outcomeLines: stream.outcomes.lines };
}

/**
 * An outcomes log none of whose actions follows a decision of its learner cannot hold the
 * decisions' outcomes: the logs do not overlap.
 */
export function requireOverlap(
  tally: { readonly following: number; readonly outcomeLines: number },
  logs: ClosedLoopLogs,
): void {
  if (tally.following > 0) return;
  throw new CliUsageError(
    `${logs.outcomes.name}: none of its ${plural(tally.outcomeLines, 'outcome')} is by a learner of ${logs.decisions.name} on or after that learner's first decision: the two logs do not overlap`,
  );
}
