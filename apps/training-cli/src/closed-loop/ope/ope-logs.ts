import { join } from 'node:path';
import { parseDecisionLine } from '@app/contract';
import { engineStateFrom, PortableEngineState } from '@app/engagement';
import { FEATURE_COUNT } from '@app/ml';
import { DecisionExtra } from '../uplift/decision-pass';
import { LogCommand, StreamSettings, streamLogs } from '../uplift/log-stream';
import { ClosedLoopLogs } from '../uplift/partition-tally';
import { OpePolicies, weighDecision, WeighedWriter } from './ope-line';
import {
  addBucketSums,
  addCounts,
  BUCKET_COLUMNS,
  emptyCounts,
  OpePartitionJob,
  OpePartitionTally,
  OpeTally,
  opeTallyBuffers,
  tallyOpePartition,
} from './ope-tally';
import { BUCKETS } from './reward-model';
import { SlateWeightings } from './slate-weights';

export { OpePolicies } from './ope-line';

/** The three policies as plain data, for the threads to rebuild (engineStateFrom). */
export interface PortablePolicies {
  readonly logging: PortableEngineState;
  readonly candidate: PortableEngineState;
  readonly baseline: PortableEngineState | undefined;
  readonly loggingName: string;
}

export function policiesFrom(portable: PortablePolicies): OpePolicies {
  return {
    logging: engineStateFrom(portable.logging),
    candidate: engineStateFrom(portable.candidate),
    baseline: portable.baseline === undefined ? undefined : engineStateFrom(portable.baseline),
    loggingName: portable.loggingName,
  };
}

/**
 * What `ope` keeps of a decision beyond the join: a decision not held out, weighed. Its text is
 * written before the next decision is weighed, so every decision's features are encoded into
 * the writer's one vector.
 */
export function weighedExtra(policies: OpePolicies): DecisionExtra {
  const weightings = new SlateWeightings();
  const writer = new WeighedWriter(FEATURE_COUNT);
  return (record, day) =>
    record.assignment.holdout
      ? undefined
      : writer.text(weighDecision(record, day, '', policies, weightings, writer.features));
}

export interface OpeReadSettings extends StreamSettings {
  readonly clip: number;
  readonly rewardDays: number;
  readonly folds: number;
  readonly seed: number;
}

/** The script of an `ope` thread, built beside this file. */
const WORKER_FILE = join(__dirname, 'ope.worker.js');

function opeCommand(
  portable: PortablePolicies,
  policies: OpePolicies,
  settings: OpeReadSettings,
): LogCommand<OpePartitionJob, OpePartitionTally> {
  const extra = weighedExtra(policies);
  return {
    script: WORKER_FILE,
    // A thread's heap: the policies and their weightings, a partition's learners. Weighing a
    // line makes some 10 KB of garbage (its parsed request, the policies' drafts); with a young
    // generation of 8 MB, pass 1 took a fifth longer, and the process used 15-30 MB less.
    limits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 24 },
    threadData: portable,
    extra,
    tally: tallyOpePartition,
    buffers: opeTallyBuffers,
    refuse: (text, where) => {
      const { record, day } = parseDecisionLine(text, where);
      if (record.assignment.holdout) return;
      weighDecision(record, day, where, policies, new SlateWeightings());
    },
    job: (join) => ({
      ...join,
      clip: settings.clip,
      rewardDays: settings.rewardDays,
      folds: settings.folds,
      seed: settings.seed,
    }),
  };
}

/**
 * Tallies both logs for `ope`, for the learners of `settings.shard`, by the two passes of
 * streamLogs: each decision not held out is weighed for the candidate and the baseline on the
 * threads that read the log, then joined with its learner's outcomes and added to its learner's
 * bucket (ope-tally.ts). Memory does not grow with the logs.
 */
export async function tallyOpe(
  logs: ClosedLoopLogs,
  portable: PortablePolicies,
  policies: OpePolicies,
  settings: OpeReadSettings,
): Promise<OpeTally> {
  const counts = emptyCounts(settings.folds);
  const buckets = new Float64Array(BUCKETS * BUCKET_COLUMNS);
  const command = opeCommand(portable, policies, settings);
  const stream = await streamLogs(logs, settings, command, (partition) => {
    addCounts(counts, partition.counts);
    addBucketSums(buckets, partition.buckets, partition.sums);
  });
  return {
    ...counts,
    decisionLines: stream.decisionLines,
    outcomeLines: stream.outcomes.lines,
    buckets,
  };
}
