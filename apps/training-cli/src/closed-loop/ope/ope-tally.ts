import { FEATURE_COUNT } from '@app/ml';
import { CalendarDay } from '@app/learner';
import { GrowingArray } from '../../cli/growing-array';
import { CopyCount, isBefore } from '../uplift/uplift-tally';
import { actedWithin } from '../uplift/uplift';
import { joinPartition, PartitionJoin } from '../uplift/partition-tally';
import { CellProbabilities, numbersReader, WeighedJson } from './ope-line';
import {
  addRewardRow,
  addRewardSums,
  bucketOf,
  cellColumn,
  designWidth,
  emptyRewardSums,
  foldOf,
  RewardSums,
} from './reward-model';
import { addSupport, addSupportNote, emptySupport, SupportSums } from './support';

/**
 * What `ope` knows of a set of learners once their decisions and outcomes are read: sums that
 * merge by adding (or, for the first of something, by taking the earlier). One process tallies
 * every learner; a shard those whose hash falls in it; the shards' tallies, merged, are the
 * one-process tally but for the order of the additions.
 *
 * The estimates are ratios of per-decision sums, and the doubly robust term is linear in the
 * reward model's coefficients β, which are only known once every decision is in: a decision's
 * DR term is β·z + w·(r − β·x), with x its raw design vector (1, its features, the cells of the
 * slate sent) and z the policy's expected design (1, the features, the policy's cell
 * probabilities), so a set of decisions' DR sum is β·Σ(z − w·x) + Σw·r. Each bucket of learners
 * (reward-model.ts) keeps these sums, and the bootstrap draws buckets (ope.ts).
 */

/** Per bucket: decisions, Σw, Σw·r and V = Σ(z − w·x) for the candidate, then the baseline. */
export const BUCKET_DECISIONS = 0;
export const CANDIDATE_SUMS = 1;
export const BASELINE_SUMS = 3;
export const V_CANDIDATE = 5;
/**
 * FEATURE_COUNT as a constant of this module: read through the library's index it is a getter,
 * called on every pass of the per-decision loops below.
 */
const FEATURES = FEATURE_COUNT;
const WIDTH = designWidth(FEATURES);
export const V_BASELINE = V_CANDIDATE + WIDTH;
export const BUCKET_COLUMNS = V_BASELINE + WIDTH;

/** The candidate's weights over decisions, unclipped: for the diagnostics. */
export interface WeightSums {
  sum: number;
  squares: number;
  largest: number;
  /** Decisions whose |w| was above the clip. */
  clipped: number;
}

export interface OpeTally extends OpeCounts {
  /** Lines in the whole decisions and outcomes logs: every shard reads them all. */
  readonly decisionLines: number;
  readonly outcomeLines: number;
  /** Each bucket's sums (BUCKET_COLUMNS a bucket), in bucket order. */
  readonly buckets: Float64Array;
}

/** A partition's or a shard's counts and sums, beside the buckets. */
export interface OpeCounts {
  /** Decisions, copies skipped. */
  decisions: number;
  heldOut: number;
  /** Learners with a decision not held out. */
  learners: number;
  /** Outcomes by a learner on or after its first decision. */
  following: number;
  copies: CopyCount | undefined;
  /** Σr over decisions not held out. */
  rewards: number;
  historyDependent: number;
  readonly weights: WeightSums;
  readonly support: SupportSums;
  readonly reward: RewardSums;
}

export function emptyCounts(folds: number): OpeCounts {
  return {
    decisions: 0,
    heldOut: 0,
    learners: 0,
    following: 0,
    copies: undefined,
    rewards: 0,
    historyDependent: 0,
    weights: { sum: 0, squares: 0, largest: 0, clipped: 0 },
    support: emptySupport(),
    reward: emptyRewardSums(FEATURES, folds),
  };
}

/** Decisions not held out: the unit every estimate averages over. */
export const served = (counts: OpeCounts): number => counts.decisions - counts.heldOut;

export function addCounts(into: OpeCounts, from: OpeCounts): void {
  into.decisions += from.decisions;
  into.heldOut += from.heldOut;
  into.learners += from.learners;
  into.following += from.following;
  into.rewards += from.rewards;
  into.historyDependent += from.historyDependent;
  into.weights.sum += from.weights.sum;
  into.weights.squares += from.weights.squares;
  into.weights.largest = Math.max(into.weights.largest, from.weights.largest);
  into.weights.clipped += from.weights.clipped;
  if (from.copies !== undefined) {
    const copies = into.copies;
    into.copies = {
      lines: (copies?.lines ?? 0) + from.copies.lines,
      first:
        copies === undefined || isBefore(from.copies.first, copies.first)
          ? from.copies.first
          : copies.first,
    };
  }
  addSupport(into.support, from.support);
  addRewardSums(into.reward, from.reward);
}

/** A partition's tally: its counts, and the sums of the buckets its learners fall in. */
export interface OpePartitionTally {
  readonly counts: OpeCounts;
  /** The buckets met, ascending, and their sums (BUCKET_COLUMNS each), in that order. */
  readonly buckets: Int32Array;
  readonly sums: Float64Array;
}

/** Adds a partition's (or a shard's) bucket sums into a whole table. */
export function addBucketSums(into: Float64Array, buckets: Int32Array, sums: Float64Array): void {
  buckets.forEach((bucket, i) => {
    const at = bucket * BUCKET_COLUMNS;
    for (let c = 0; c < BUCKET_COLUMNS; c++) into[at + c] += sums[i * BUCKET_COLUMNS + c];
  });
}

/** What tallying a partition for `ope` needs beside the join. */
export interface OpePartitionJob extends PartitionJoin {
  readonly clip: number;
  readonly rewardDays: number;
  readonly folds: number;
  readonly seed: number;
}

/**
 * A partition's decisions not held out, until their learners' outcomes are read: in columns,
 * decoded from their records as they are read, so that no record outlives its reading. A thread
 * keeps one, cleared for each partition, so the columns' memory is not made again each time.
 */
class PendingDecisions {
  readonly learner = new GrowingArray((length) => new Int32Array(length));
  readonly day = new GrowingArray((length) => new Int32Array(length));
  /** FEATURES a decision. */
  readonly features = new GrowingArray((length) => new Float64Array(length));
  /** The design columns of each decision's slate cells, from cellsStart[i] to cellsStart[i + 1]. */
  readonly cellColumns = new GrowingArray((length) => new Int32Array(length));
  readonly cellsStart = new GrowingArray((length) => new Int32Array(length));
  readonly candidateWeight = new GrowingArray((length) => new Float64Array(length));
  readonly baselineWeight = new GrowingArray((length) => new Float64Array(length));
  /** Each policy's cell probabilities, as numbered in `marginals`. */
  readonly candidatePolicy = new GrowingArray((length) => new Int32Array(length));
  readonly baselinePolicy = new GrowingArray((length) => new Int32Array(length));
  readonly marginals: (readonly number[])[] = [];
  private readonly marginalsNumber = new Map<readonly number[], number>();
  /** A record's numbers: its features, then the candidate's and the baseline's weights. */
  private readonly numbers = new Float64Array(FEATURES + 2);
  private readonly numbersFeatures = this.numbers.subarray(0, FEATURES);
  private readonly readNumbers = numbersReader(this.numbers);

  constructor() {
    this.cellsStart.push(0);
  }

  /** Empties the columns (the policies' numbers stay: the lists are the thread's). */
  clear(): void {
    for (const field of Object.values(this)) if (field instanceof GrowingArray) field.clear();
    this.cellsStart.push(0);
  }

  get length(): number {
    return this.learner.length;
  }

  add(learner: number, day: CalendarDay, weighed: WeighedJson): void {
    const [numbers, cells, logging, candidate, baseline] = weighed;
    this.learner.push(learner);
    this.day.push(day);
    this.readNumbers(numbers);
    this.features.pushAll(this.numbersFeatures);
    for (const cell of cells) {
      const column = cellColumn(cell, FEATURES);
      if (column >= 0) this.cellColumns.push(column);
    }
    this.cellsStart.push(this.cellColumns.length);
    this.candidateWeight.push(this.numbers[FEATURES]);
    this.baselineWeight.push(this.numbers[FEATURES + 1]);
    this.candidatePolicy.push(this.numberOf(cellProbabilities.of(logging, candidate)));
    this.baselinePolicy.push(this.numberOf(cellProbabilities.of(logging, baseline)));
  }

  /** Each learner's decisions (by number, from 0 to `learners` − 1), in the order added. */
  byLearner(learners: number): { order: Int32Array; start: Int32Array } {
    const start = new Int32Array(learners + 1);
    for (let i = 0; i < this.length; i++) start[this.learner.at(i) + 1]++;
    for (let l = 0; l < learners; l++) start[l + 1] += start[l];
    const next = start.slice(0, learners);
    const order = new Int32Array(this.length);
    for (let i = 0; i < this.length; i++) order[next[this.learner.at(i)]++] = i;
    return { order, start };
  }

  private numberOf(marginals: readonly number[]): number {
    let number = this.marginalsNumber.get(marginals);
    if (number === undefined) {
      this.marginalsNumber.set(marginals, (number = this.marginals.length));
      this.marginals.push(marginals);
    }
    return number;
  }
}

/** The columns of a design vector that are not 0: the intercept, the features, the slate's cells. */
interface Columns {
  readonly at: Int32Array;
  count: number;
}

/** Adds a policy's terms of one decision to its bucket's row (at `sums` and `v`). */
function addPolicy(
  row: Float64Array,
  x: Float64Array,
  columns: Columns,
  reward: number,
  w: number,
  marginals: readonly number[],
  sums: number,
  v: number,
): void {
  row[sums] += w;
  row[sums + 1] += w * reward;
  // z − w·x: z and x share the intercept and the features; z has the policy's cells.
  for (let k = 0; k < columns.count; k++) row[v + columns.at[k]] -= w * x[columns.at[k]];
  for (let i = 0; i <= FEATURES; i++) row[v + i] += x[i];
  for (let i = 0; i < marginals.length; i += 2) {
    const column = cellColumn(marginals[i], FEATURES);
    if (column >= 0) row[v + column] += marginals[i + 1];
  }
}

/** The policies' cell probabilities a thread has met, kept from partition to partition. */
const cellProbabilities = new CellProbabilities();

/** The thread's pending decisions, cleared for each partition. */
const pendingDecisions = new PendingDecisions();

/**
 * Adds decision `i` of `pending` to its bucket's sums and its fold's reward sums: `x` is filled
 * with its raw design vector, `columns` with its columns that are not 0.
 */
function addDecision(
  job: OpePartitionJob,
  counts: OpeCounts,
  row: Float64Array,
  fold: number,
  pending: PendingDecisions,
  i: number,
  reward: number,
  x: Float64Array,
  columns: Columns,
): void {
  x.fill(0);
  x[0] = 1;
  for (let f = 0; f < FEATURES; f++) x[1 + f] = pending.features.at(i * FEATURES + f);
  columns.count = 1 + FEATURES;
  for (let c = pending.cellsStart.at(i); c < pending.cellsStart.at(i + 1); c++) {
    const column = pending.cellColumns.at(c);
    x[column] = 1;
    columns.at[columns.count++] = column;
  }
  addRewardRow(counts.reward, fold, x, columns.at, reward, columns.count);
  const { clip } = job;
  const clipped = (weight: number) => Math.max(-clip, Math.min(clip, weight));
  const candidateWeight = pending.candidateWeight.at(i);
  row[BUCKET_DECISIONS]++;
  addPolicy(
    row,
    x,
    columns,
    reward,
    clipped(candidateWeight),
    pending.marginals[pending.candidatePolicy.at(i)],
    CANDIDATE_SUMS,
    V_CANDIDATE,
  );
  addPolicy(
    row,
    x,
    columns,
    reward,
    clipped(pending.baselineWeight.at(i)),
    pending.marginals[pending.baselinePolicy.at(i)],
    BASELINE_SUMS,
    V_BASELINE,
  );
  const weights = counts.weights;
  weights.sum += candidateWeight;
  weights.squares += candidateWeight ** 2;
  weights.largest = Math.max(weights.largest, Math.abs(candidateWeight));
  if (Math.abs(candidateWeight) > clip) weights.clipped++;
  counts.rewards += reward;
}

/**
 * Tallies one partition's learners for `ope`: their decisions and outcomes joined
 * (joinPartition), each decision not held out earning 1 when its learner did any nudgeable
 * action within `rewardDays` of its day (docs/closed-loop.md "What a decision earns"), and its
 * terms added to its learner's bucket.
 */
export function tallyOpePartition(
  job: OpePartitionJob,
  partition: number,
  spare?: ArrayBuffer,
): OpePartitionTally {
  const counts = emptyCounts(job.folds);
  const pending = pendingDecisions;
  pending.clear();
  const { learners, actionDays } = joinPartition(job, partition, counts, (record, place, n) => {
    const weighed = record[7] as WeighedJson | undefined;
    if (weighed === undefined) {
      counts.heldOut++;
      return;
    }
    pending.add(n, record[2], weighed);
    const [, , , , , history, candidateNote, baselineNote] = weighed;
    if (history === 1) counts.historyDependent++;
    if (candidateNote !== null) addSupportNote(counts.support, 'candidate', candidateNote, place);
    if (baselineNote !== null) addSupportNote(counts.support, 'baseline', baselineNote, place);
  });
  const rows = new Map<number, Float64Array>();
  const x = new Float64Array(WIDTH);
  const columns: Columns = { at: Int32Array.from({ length: WIDTH }, (_, i) => i), count: 0 };
  const { order, start } = pending.byLearner(learners.userIds.length);
  learners.userIds.forEach((userId, learner) => {
    if (start[learner] === start[learner + 1]) return;
    counts.learners++;
    const bucket = bucketOf(userId, job.seed);
    let row = rows.get(bucket);
    if (row === undefined) rows.set(bucket, (row = new Float64Array(BUCKET_COLUMNS)));
    const fold = foldOf(bucket, job.folds);
    for (let k = start[learner]; k < start[learner + 1]; k++) {
      const i = order[k];
      const reward = actedWithin(actionDays[learner], pending.day.at(i), job.rewardDays) ? 1 : 0;
      addDecision(job, counts, row, fold, pending, i, reward, x, columns);
    }
  });
  const buckets = Int32Array.from([...rows.keys()].sort((a, b) => a - b));
  const sums = sumsBuffer(buckets.length * BUCKET_COLUMNS, spare);
  buckets.forEach((bucket, i) => sums.set(rows.get(bucket)!, i * BUCKET_COLUMNS));
  return { counts, buckets, sums };
}

/**
 * `length` doubles, in `spare` if it has room, or else in a buffer with room for half as many
 * again: partitions are about the same size, so the buffers given back soon fit them all.
 */
export function sumsBuffer(length: number, spare: ArrayBuffer | undefined): Float64Array {
  const bytes = length * Float64Array.BYTES_PER_ELEMENT;
  const buffer =
    spare !== undefined && spare.byteLength >= bytes
      ? spare
      : new ArrayBuffer(Math.ceil(1.5 * bytes));
  return new Float64Array(buffer, 0, length);
}

/** The buffer of a partition's tally that moves between threads (TallyBuffers). */
export const opeTallyBuffers = (tally: OpePartitionTally): ArrayBuffer[] => [
  tally.sums.buffer as ArrayBuffer,
];
