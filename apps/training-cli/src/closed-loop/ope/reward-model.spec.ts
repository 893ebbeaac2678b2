import { Random } from '../../cli/random';
import {
  addRewardRow,
  addRewardSums,
  BUCKETS,
  bucketOf,
  cellColumn,
  designWidth,
  emptyRewardSums,
  fitRewardModels,
  foldOf,
  RewardSums,
} from './reward-model';
import { cellOf } from './slate-weights';

const FEATURES = 2;
const WIDTH = designWidth(FEATURES);
const QUIZ = cellColumn(cellOf(0, 'quiz'), FEATURES);
const RESUME = cellColumn(cellOf(0, 'resume'), FEATURES);

/** A raw design vector: 1, the features, the given cells filled with their probabilities. */
function design(features: number[], cells: [column: number, value: number][] = []): Float64Array {
  const x = new Float64Array(WIDTH);
  x.set([1, ...features]);
  for (const [column, value] of cells) x[column] = value;
  return x;
}

const predict = (beta: Float64Array, x: Float64Array) =>
  beta.reduce((sum, b, i) => sum + b * x[i], 0);

/**
 * 400 learners, one decision each, learner i in fold i mod `folds`: outcome 0.1 + 0.3·[quiz
 * first] + 0.05·x, exactly, the second feature a constant 7.
 */
function sums(folds: number, change?: (learner: number) => number | undefined): RewardSums {
  const random = new Random(3);
  const result = emptyRewardSums(FEATURES, folds);
  for (let learner = 0; learner < 400; learner++) {
    const x = random.normal();
    const quiz = learner % 2 === 0;
    const row = design([x, 7], [[quiz ? QUIZ : RESUME, 1]]);
    const reward = change?.(learner) ?? 0.1 + (quiz ? 0.3 : 0) + 0.05 * x;
    addRewardRow(result, learner % folds, row, [0, 1, 2, quiz ? QUIZ : RESUME], reward);
  }
  return result;
}

describe(fitRewardModels.name, () => {
  it("recovers a linear outcome in the features and the slate's cells", () => {
    const [beta] = fitRewardModels(sums(5));
    expect(predict(beta, design([1, 7], [[QUIZ, 1]]))).toBeCloseTo(0.45, 2);
    expect(predict(beta, design([1, 7], [[RESUME, 1]]))).toBeCloseTo(0.15, 2);
  });

  it('is linear in the cell probabilities: a policy gets the mix of its slates', () => {
    const [, beta] = fitRewardModels(sums(5));
    const quiz = predict(beta, design([0.5, 7], [[QUIZ, 1]]));
    const resume = predict(beta, design([0.5, 7], [[RESUME, 1]]));
    const mix = predict(
      beta,
      design(
        [0.5, 7],
        [
          [QUIZ, 0.25],
          [RESUME, 0.75],
        ],
      ),
    );
    expect(mix).toBeCloseTo(0.25 * quiz + 0.75 * resume, 12);
    // An empty slot is the reference: it has no column.
    expect(cellColumn(cellOf(0, undefined), FEATURES)).toBe(-1);
  });

  it('fits model f without fold f: its outcomes never count in their own predictions', () => {
    const before = fitRewardModels(sums(4));
    const after = fitRewardModels(sums(4, (learner) => (learner === 10 ? 100 : undefined)));
    // Learner 10 is in fold 2: its model moves by no more than the sums' rounding.
    after[2].forEach((b, i) => expect(b).toBeCloseTo(before[2][i], 12));
    for (const fold of [0, 1, 3]) expect(after[fold]).not.toEqual(before[fold]);
  });

  it('gives the same models for sums added in parts', () => {
    const whole = sums(3);
    const parts = [emptyRewardSums(FEATURES, 3), emptyRewardSums(FEATURES, 3)];
    const random = new Random(3);
    for (let learner = 0; learner < 400; learner++) {
      const x = random.normal();
      const quiz = learner % 2 === 0;
      const row = design([x, 7], [[quiz ? QUIZ : RESUME, 1]]);
      const reward = 0.1 + (quiz ? 0.3 : 0) + 0.05 * x;
      const cell = quiz ? QUIZ : RESUME;
      addRewardRow(parts[learner < 150 ? 0 : 1], learner % 3, row, [0, 1, 2, cell], reward);
    }
    addRewardSums(parts[0], parts[1]);
    const merged = fitRewardModels(parts[0]);
    fitRewardModels(whole).forEach((beta, fold) => {
      beta.forEach((b, i) => expect(merged[fold][i]).toBeCloseTo(b, 10));
    });
  });
});

describe(addRewardRow.name, () => {
  it('sums the upper triangle of XᵀX, in whatever order the columns come', () => {
    const x = design([2, 7], [[QUIZ, 1]]);
    const ascending = emptyRewardSums(FEATURES, 1);
    const shuffled = emptyRewardSums(FEATURES, 1);
    addRewardRow(ascending, 0, x, [0, 1, 2, QUIZ], 1);
    addRewardRow(shuffled, 0, x, [QUIZ, 2, 0, 1], 1);
    expect(shuffled.gram).toEqual(ascending.gram);
    const at = (i: number, j: number) => ascending.gram[i * WIDTH + j];
    expect([at(0, 0), at(0, 1), at(1, 1), at(1, 2), at(2, QUIZ), at(QUIZ, QUIZ)]).toEqual([
      1, 2, 4, 14, 7, 1,
    ]);
    // The lower triangle stays 0: fitRewardModels mirrors the upper one.
    expect([at(1, 0), at(2, 1), at(QUIZ, 2)]).toEqual([0, 0, 0]);
    // Only the first `count` columns count.
    const two = emptyRewardSums(FEATURES, 1);
    addRewardRow(two, 0, x, [0, 1, 2, QUIZ], 1, 2);
    expect(two.gram.reduce((sum, v) => sum + v, 0)).toBe(1 + 2 + 4);
  });
});

describe(bucketOf.name, () => {
  it('deals learners into buckets by their id and the seed alone, and buckets into folds', () => {
    expect(bucketOf('stu_00001', 1)).toBe(bucketOf('stu_00001', 1));
    const ids = Array.from({ length: 20_000 }, (_, i) => `stu_${i}`);
    const buckets = ids.map((id) => bucketOf(id, 1));
    expect(Math.min(...buckets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...buckets)).toBeLessThan(BUCKETS);
    // Another seed deals otherwise.
    expect(ids.filter((id, i) => bucketOf(id, 2) === buckets[i]).length).toBeLessThan(20);
    // Each fold of 5 gets a fifth of the learners, to within 3%.
    const perFold = [0, 0, 0, 0, 0];
    for (const bucket of buckets) perFold[foldOf(bucket, 5)]++;
    for (const count of perFold) expect(Math.abs(count - 4000)).toBeLessThan(120);
  });
});
