import { Matrix, solve } from 'ml-matrix';
import { NUDGE_TYPES } from '@app/learner';
import { keyHash } from '../../cli/learner-partitions';
import { CELLS_PER_SLOT } from './slate-weights';

/**
 * The doubly robust estimate's reward model: the logged outcome regressed on the decision's
 * features and the cells of the slate it sent (one indicator per slot and type, an empty slot
 * being the reference), by ridge least squares on standardized features. Linear in the cells,
 * like the pseudo-inverse weights' own assumption, so a policy's expected prediction needs only
 * its cell probabilities. Cross-fitted (Chernozhukov et al. 2018): learners are split into k
 * folds, and each decision is predicted by the model fitted on the other folds, so no outcome
 * predicts itself.
 *
 * Everything is kept as sums that add up across partitions, threads and shards: the raw design's
 * Gram matrix XᵀX and moment Xᵀy per fold. The standardization (each feature's mean and standard
 * deviation) is read off the Gram's first row and diagonal once all of it is in, and the
 * standardized system is that raw one transformed, so no decision is read twice.
 */

const TYPES = NUDGE_TYPES.length;
/** The most slots a slate fills: at most one nudge of each type. */
export const MAX_SLOTS = TYPES;

/** The ridge penalty on every coefficient but the intercept: the features are standardized. */
const RIDGE = 1;

/**
 * Learners are dealt into this many buckets by a seeded hash of their user_id: a bucket's
 * learners share a fold, and the bootstrap draws buckets (ope.ts).
 */
export const BUCKETS = 8192;

/** A learner's bucket: from its user_id and the seed alone, so every shard deals the same. */
export function bucketOf(userId: string, seed: number): number {
  let h = (keyHash(userId) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) % BUCKETS;
}

/** A bucket's fold: buckets are dealt round-robin, so folds differ by at most one bucket. */
export const foldOf = (bucket: number, folds: number): number => bucket % folds;

/** The design's width: 1, the features, a column per slot and type. */
export const designWidth = (featureCount: number): number => 1 + featureCount + MAX_SLOTS * TYPES;

/** The column of a slate cell, or -1 for an empty slot (the reference) or a slot past MAX_SLOTS. */
export function cellColumn(cell: number, featureCount: number): number {
  const slot = Math.floor(cell / CELLS_PER_SLOT);
  const type = cell % CELLS_PER_SLOT;
  return type === TYPES || slot >= MAX_SLOTS ? -1 : 1 + featureCount + slot * TYPES + type;
}

/** Per fold, the raw design's XᵀX (row-major, width², its upper triangle summed) and Xᵀy. */
export interface RewardSums {
  readonly featureCount: number;
  readonly folds: number;
  readonly gram: Float64Array;
  readonly moment: Float64Array;
}

export function emptyRewardSums(featureCount: number, folds: number): RewardSums {
  const width = designWidth(featureCount);
  return {
    featureCount,
    folds,
    gram: new Float64Array(folds * width * width),
    moment: new Float64Array(folds * width),
  };
}

/**
 * Adds one decision: `x` its raw design vector, the first `count` of `columns` the columns where
 * x is not 0 (the intercept and features, then the slate's cells). XᵀX is symmetric, so only its
 * upper triangle (row ≤ column) is summed: fitRewardModels reads the lower from it.
 */
export function addRewardRow(
  sums: RewardSums,
  fold: number,
  x: Float64Array,
  columns: ArrayLike<number>,
  reward: number,
  count = columns.length,
): void {
  const width = x.length;
  const gram = fold * width * width;
  const moment = fold * width;
  for (let i = 0; i < count; i++) {
    const a = columns[i];
    const xa = x[a];
    sums.moment[moment + a] += xa * reward;
    for (let j = i; j < count; j++) {
      const b = columns[j];
      sums.gram[gram + (a <= b ? a * width + b : b * width + a)] += xa * x[b];
    }
  }
}

export function addRewardSums(into: RewardSums, from: RewardSums): void {
  for (let i = 0; i < into.gram.length; i++) into.gram[i] += from.gram[i];
  for (let i = 0; i < into.moment.length; i++) into.moment[i] += from.moment[i];
}

/**
 * A feature whose spread is below this share of its size counts as constant: read off raw sums,
 * a constant feature's variance is rounding noise, not 0.
 */
const CONSTANT = 1e-12;

/**
 * The k cross-fitted models, model f fitted on every fold but f, each as coefficients of the raw
 * design vector: prediction = βᵀx. Each is fitted on standardized features (mean 0, standard
 * deviation 1, a constant feature left as is), which is the raw system transformed by
 * x_std = T·x, and turned back: β_raw = Tᵀ·β_std.
 */
export function fitRewardModels(sums: RewardSums): Float64Array[] {
  const { featureCount, folds } = sums;
  const width = designWidth(featureCount);
  const gram = new Float64Array(width * width);
  const moment = new Float64Array(width);
  /** Fold f's XᵀX at (i, j), from its upper triangle (addRewardRow). */
  const foldGram = (f: number, i: number, j: number) =>
    sums.gram[f * gram.length + (i <= j ? i * width + j : j * width + i)];
  for (let f = 0; f < folds; f++) {
    for (let i = 0; i < width; i++) {
      for (let j = 0; j < width; j++) gram[i * width + j] += foldGram(f, i, j);
    }
    for (let i = 0; i < width; i++) moment[i] += sums.moment[f * width + i];
  }
  const n = gram[0];
  const mean = new Float64Array(width);
  const scale = new Float64Array(width).fill(1);
  for (let i = 1; i <= featureCount; i++) {
    mean[i] = gram[i] / n;
    const variance = gram[i * width + i] / n - mean[i] ** 2;
    if (variance > CONSTANT * Math.max(1, mean[i] ** 2)) scale[i] = Math.sqrt(variance);
  }
  // T is the identity but for the feature rows: T[i][0] = −mean/scale, T[i][i] = 1/scale.
  const t = Matrix.eye(width, width);
  for (let i = 1; i <= featureCount; i++) {
    t.set(i, 0, -mean[i] / scale[i]);
    t.set(i, i, 1 / scale[i]);
  }
  return Array.from({ length: folds }, (_, f) => {
    const a = Matrix.zeros(width, width);
    const y = Matrix.zeros(width, 1);
    for (let i = 0; i < width; i++) {
      y.set(i, 0, moment[i] - sums.moment[f * width + i]);
      for (let j = 0; j < width; j++) {
        a.set(i, j, gram[i * width + j] - foldGram(f, i, j));
      }
    }
    const standardized = t.mmul(a).mmul(t.transpose());
    for (let i = 1; i < width; i++) standardized.set(i, i, standardized.get(i, i) + RIDGE);
    const beta = solve(standardized, t.mmul(y), true);
    return Float64Array.from(t.transpose().mmul(beta).to1DArray());
  });
}
