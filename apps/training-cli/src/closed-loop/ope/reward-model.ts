import { Matrix, solve } from 'ml-matrix';
import { NUDGE_TYPES } from '@app/learner';
import { Random, RANDOM_STREAMS } from '../../cli/random';
import { CELLS_PER_SLOT } from './slate-weights';

/**
 * The doubly robust estimate's reward model: the logged outcome regressed on the decision's
 * features and the cells of the slate it sent (one indicator per slot and type, an empty slot
 * being the reference), by ridge least squares. Linear in the cells, like the pseudo-inverse
 * weights' own assumption, so a policy's expected prediction needs only its cell probabilities.
 * Cross-fitted (Chernozhukov et al. 2018): learners are split into k folds, and each decision is
 * predicted by the model fitted on the other folds, so no outcome predicts itself.
 */

/** One decision as the reward model sees it. */
export interface RewardRow {
  readonly learner: number;
  readonly features: Float64Array;
  /** The logged slate's cells (slot × CELLS_PER_SLOT + type index, or the empty cell). */
  readonly cells: readonly number[];
  readonly reward: number;
}

/** The ridge penalty on every coefficient but the intercept: the features are standardized. */
const RIDGE = 1;

const TYPES = NUDGE_TYPES.length;

/** The column of a slate cell, or -1 for an empty slot (the reference). */
function cellColumn(cell: number, featureCount: number): number {
  const slot = Math.floor(cell / CELLS_PER_SLOT);
  const type = cell % CELLS_PER_SLOT;
  return type === TYPES ? -1 : 1 + featureCount + slot * TYPES + type;
}

export class CrossFittedRewardModel {
  private constructor(
    private readonly coefficients: Float64Array[],
    private readonly foldOf: Int32Array,
    private readonly mean: Float64Array,
    private readonly scale: Float64Array,
    private readonly slots: number,
  ) {}

  /**
   * Fits k models, model f on every learner outside fold f. Folds are a seeded shuffle of the
   * learners dealt round-robin, so they differ in size by at most one learner.
   */
  static fit(
    rows: readonly RewardRow[],
    learners: number,
    folds: number,
    seed: number,
  ): CrossFittedRewardModel {
    const featureCount = rows[0]?.features.length ?? 0;
    // A loop, not Math.max(...): a spread of 280,000 rows overflows the call stack.
    const slots = rows.reduce((most, row) => Math.max(most, row.cells.length), 1);
    const { mean, scale } = standardization(rows, featureCount);
    const order = new Random(seed, RANDOM_STREAMS.folds).permutation(learners);
    const foldOf = new Int32Array(learners);
    order.forEach((learner, position) => (foldOf[learner] = position % folds));
    const width = 1 + featureCount + slots * TYPES;
    const gram = Array.from({ length: folds }, () => new Float64Array(width * width));
    const moment = Array.from({ length: folds }, () => new Float64Array(width));
    const x = new Float64Array(width);
    for (const row of rows) {
      design(row, mean, scale, x);
      const g = gram[foldOf[row.learner]];
      const m = moment[foldOf[row.learner]];
      for (let a = 0; a < width; a++) {
        if (x[a] === 0) continue;
        m[a] += x[a] * row.reward;
        for (let b = 0; b < width; b++) g[a * width + b] += x[a] * x[b];
      }
    }
    const total = (parts: Float64Array[]) =>
      parts.reduce(
        (sum, part) => sum.map((value, i) => value + part[i]),
        new Float64Array(parts[0].length),
      );
    const allGram = total(gram);
    const allMoment = total(moment);
    const coefficients = gram.map((foldGram, f) => {
      const a = Matrix.zeros(width, width);
      const y = Matrix.zeros(width, 1);
      for (let i = 0; i < width; i++) {
        y.set(i, 0, allMoment[i] - moment[f][i]);
        for (let j = 0; j < width; j++) {
          a.set(
            i,
            j,
            allGram[i * width + j] - foldGram[i * width + j] + (i === j && i > 0 ? RIDGE : 0),
          );
        }
      }
      return Float64Array.from(solve(a, y, true).to1DArray());
    });
    return new CrossFittedRewardModel(coefficients, foldOf, mean, scale, slots);
  }

  /**
   * The predicted outcome of a learner's decision with these features when each slate cell is
   * filled with the given probability: a logged slate's indicators give its prediction, a
   * policy's cell probabilities its expected prediction.
   */
  predict(
    learner: number,
    features: Float64Array,
    cellProbabilities: ReadonlyMap<number, number>,
  ): number {
    const beta = this.coefficients[this.foldOf[learner]];
    let prediction = beta[0];
    for (let i = 0; i < features.length; i++) {
      prediction += (beta[1 + i] * (features[i] - this.mean[i])) / this.scale[i];
    }
    for (const [cell, probability] of cellProbabilities) {
      const column = cellColumn(cell, features.length);
      if (column >= 0 && Math.floor(cell / CELLS_PER_SLOT) < this.slots) {
        prediction += beta[column] * probability;
      }
    }
    return prediction;
  }
}

/** Each feature's mean and standard deviation (1 for a constant feature). */
function standardization(rows: readonly RewardRow[], count: number) {
  const mean = new Float64Array(count);
  const scale = new Float64Array(count);
  for (const row of rows) for (let i = 0; i < count; i++) mean[i] += row.features[i];
  for (let i = 0; i < count; i++) mean[i] /= Math.max(1, rows.length);
  for (const row of rows)
    for (let i = 0; i < count; i++) scale[i] += (row.features[i] - mean[i]) ** 2;
  for (let i = 0; i < count; i++) scale[i] = Math.sqrt(scale[i] / Math.max(1, rows.length)) || 1;
  return { mean, scale };
}

/** A row's design vector: 1, the standardized features, the slate's type cells. */
function design(row: RewardRow, mean: Float64Array, scale: Float64Array, x: Float64Array): void {
  x.fill(0);
  x[0] = 1;
  const count = row.features.length;
  for (let i = 0; i < count; i++) x[1 + i] = (row.features[i] - mean[i]) / scale[i];
  for (const cell of row.cells) {
    const column = cellColumn(cell, count);
    if (column >= 0) x[column] = 1;
  }
}
