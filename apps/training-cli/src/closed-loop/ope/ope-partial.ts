import { CliUsageError } from '../../cli/cli-errors';
import { LogFiles } from '../../cli/log-file';
import { Shard } from '../../cli/shard-option';
import { checkShards, partialHeader } from '../uplift/uplift-partial';
import { OpeSettings } from './ope';
import { addBucketSums, addCounts, BUCKET_COLUMNS, emptyCounts, OpeTally } from './ope-tally';
import { BUCKETS } from './reward-model';

/**
 * What a report of `ope` needs beside the tally: the run's settings and the policies' names,
 * kept in each shard's partial so that `combine` needs neither the policies nor the flags again,
 * and can refuse partials of different runs.
 */
export interface OpeRun {
  readonly settings: OpeSettings;
  /** The candidate and the baseline as the report names them. */
  readonly candidate: string;
  readonly baseline: string;
  readonly decisions: LogFiles;
  readonly outcomes: LogFiles;
}

/** A shard's tally and its run, as `ope --shard I/N --partial FILE` writes it. */
export interface OpePartial {
  readonly shard: Shard;
  readonly run: OpeRun;
  readonly tally: OpeTally;
}

export const OPE_PARTIAL_KIND = 'ope';

/** Doubles as their bytes in base64: exact, and a third of their decimal length. */
const doubles = (values: Float64Array) =>
  Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');

function readDoubles(base64: unknown, length: number, where: string): Float64Array {
  const bytes = typeof base64 === 'string' ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
  if (bytes.length !== length * 8) {
    throw new CliUsageError(`${where}: not ${length} doubles: write the partial again`);
  }
  const values = new Float64Array(length);
  for (let i = 0; i < length; i++) values[i] = bytes.readDoubleLE(8 * i);
  return values;
}

/** The partial as JSON: sums of many terms as their doubles' bytes, the rest as JSON. */
export function opePartialJson({ shard, run, tally }: OpePartial): string {
  const { buckets, reward, ...counts } = tally;
  return JSON.stringify({
    ...partialHeader(OPE_PARTIAL_KIND, shard),
    run,
    tally: {
      ...counts,
      copies: counts.copies ?? null,
      reward: { gram: doubles(reward.gram), moment: doubles(reward.moment) },
      buckets: doubles(buckets),
    },
  });
}

/** Reads a partial written by `ope --partial` (its header checked by readPartialHeader). */
export function readOpePartial(json: Record<string, unknown>, name: string): OpePartial {
  const run = json.run as OpeRun;
  const fields = json.tally as Record<string, unknown> & {
    reward: { gram: string; moment: string };
    copies: OpeTally['copies'] | null;
  };
  const counts = emptyCounts(run.settings.folds);
  const reward = {
    ...counts.reward,
    gram: readDoubles(fields.reward.gram, counts.reward.gram.length, `${name}: tally.reward.gram`),
    moment: readDoubles(
      fields.reward.moment,
      counts.reward.moment.length,
      `${name}: tally.reward.moment`,
    ),
  };
  const tally: OpeTally = {
    ...counts,
    ...(fields as unknown as OpeTally),
    copies: fields.copies ?? undefined,
    reward,
    buckets: readDoubles(fields.buckets, BUCKETS * BUCKET_COLUMNS, `${name}: tally.buckets`),
  };
  return { shard: json.shard as Shard, run, tally };
}

/** How two partials' runs must agree to be combined: a field's name and its value in JSON. */
function runFacts(run: OpeRun): [string, string][] {
  const { settings } = run;
  return [
    ['--clip', JSON.stringify(settings.clip)],
    ['--reward-days', JSON.stringify(settings.rewardDays)],
    ['--bootstrap', JSON.stringify(settings.resamples)],
    ['--folds', JSON.stringify(settings.folds)],
    ['--seed', JSON.stringify(settings.seed)],
    ['the candidate', JSON.stringify(run.candidate)],
    ['the baseline', JSON.stringify(run.baseline)],
    ['--decisions files', JSON.stringify(run.decisions.files)],
    ['--outcomes files', JSON.stringify(run.outcomes.files)],
  ];
}

/** What a partial says of itself before its tally is read: its shard and its run. */
export interface PartialHead {
  readonly shard: Shard;
  readonly run: OpeRun;
}

export const partialHead = (json: Record<string, unknown>): PartialHead => ({
  shard: json.shard as Shard,
  run: json.run as OpeRun,
});

/**
 * The tally of all shards: the partials (`heads`, named by `names`) must be the N shards of one
 * run, each once. Each is read (`read`) and merged in shard order, one at a time, so memory holds
 * one partial's 8 MB whatever the number of shards.
 */
export async function combineOpePartials(
  heads: readonly PartialHead[],
  names: readonly string[],
  read: (index: number) => Promise<OpePartial>,
): Promise<{ run: OpeRun; tally: OpeTally }> {
  const order = checkShards(heads, names, runFacts);
  const { run } = heads[order[0]];
  const counts = emptyCounts(run.settings.folds);
  const buckets = new Float64Array(BUCKETS * BUCKET_COLUMNS);
  const all = Int32Array.from({ length: BUCKETS }, (_, bucket) => bucket);
  let lines = { decisionLines: 0, outcomeLines: 0 };
  for (const index of order) {
    const { tally } = await read(index);
    addCounts(counts, tally);
    addBucketSums(buckets, all, tally.buckets);
    lines = { decisionLines: tally.decisionLines, outcomeLines: tally.outcomeLines };
  }
  return { run, tally: { ...counts, ...lines, buckets } };
}
