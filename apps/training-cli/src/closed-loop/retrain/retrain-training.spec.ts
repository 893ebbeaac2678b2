import { FEATURE_COUNT, FEATURE_NAMES, linearProbability, tfRuntime } from '@app/ml';
import { RowSet } from './retrain-rows';
import { weightedMean } from './retrain-calibration';
import { fitFromRows, holdoutAuc, scoreRows } from './retrain-training';
import { fitScaling } from '../../offline/model/standardization';

/** Decision i's features: feature 0 is i, every other one is i mod 3. */
const DECISIONS = 12;
const features = Float64Array.from({ length: DECISIONS * FEATURE_COUNT }, (_, cell) => {
  const [decision, feature] = [Math.floor(cell / FEATURE_COUNT), cell % FEATURE_COUNT];
  return feature === 0 ? decision : decision % 3;
});

const rowSet = (decisions: number[], labels: number[], weights: number[]): RowSet => ({
  decisions: Uint32Array.from(decisions),
  labels: Uint8Array.from(labels),
  weights: Float64Array.from(weights),
  positives: labels.filter((label) => label === 1).length,
});

describe(scoreRows.name, () => {
  it("scores each row's decision by its features", () => {
    const sut = scoreRows(features, rowSet([7, 2, 7], [0, 0, 1], [1, 1, 1]), (x) => x[0] + x[1]);

    // Feature 0 is the decision's number, feature 1 that number mod 3.
    expect(Array.from(sut)).toEqual([8, 4, 8]);
  });
});

describe(holdoutAuc.name, () => {
  it("ranks the test rows' decisions by the score of their features, weighted and not", () => {
    // Scored by feature 0 (the decision's number): rows of decisions 2, 5 (positive), 3, 7.
    const test = rowSet([2, 5, 3, 7], [0, 1, 1, 0], [1, 1, 3, 1]);

    const sut = holdoutAuc(features, test, (x) => x[0]);

    // Decision 5 beats 2 not 7; decision 3 beats 2 not 7: 2 of 4 pairs, or (1 + 3) of 8 weighted.
    expect(sut).toEqual({ unweighted: 0.5, weighted: 0.5 });
    // Decision 2 weighing 3 instead: both positives beat it, (3 + 3) of 8 weighted pairs.
    expect(
      holdoutAuc(features, rowSet([2, 5, 3, 7], [0, 1, 1, 0], [3, 1, 1, 1]), (x) => x[0]),
    ).toEqual({ unweighted: 0.5, weighted: 0.75 });
  });
});

describe(fitFromRows.name, () => {
  it('learns that a learner acts the more, the higher the feature that decides it', () => {
    const { tf } = tfRuntime();
    const all = Uint32Array.from({ length: DECISIONS }, (_, i) => i);
    const scaling = fitScaling(features, FEATURE_COUNT, all);
    // Decisions 0–5 did not act, 6–11 did, except 4 and 7, which flip: not separable.
    const labels = Array.from(all, (i) => (i >= 6 ? 1 : 0) ^ (i === 4 || i === 7 ? 1 : 0));

    const sut = fitFromRows(
      tf,
      features,
      scaling,
      rowSet(
        [...all],
        labels,
        labels.map(() => 2),
      ),
    );

    expect(sut.weights).toHaveLength(FEATURE_NAMES.length);
    expect(sut.weights[0]).toBeGreaterThan(0.2);
    const low = linearProbability(sut, features.subarray(0, FEATURE_COUNT));
    const high = linearProbability(sut, features.subarray(11 * FEATURE_COUNT, 12 * FEATURE_COUNT));
    expect(low).toBeLessThan(0.3);
    expect(high).toBeGreaterThan(0.7);
    // Saved as float32, as a Dense layer holds it.
    expect(Array.from(sut.weights)).toEqual(Array.from(Float32Array.from(sut.weights)));
  });
});

describe('calibration in the large of a weighted fit', () => {
  it('predicts, weighted, the weighted rate of its own training rows', () => {
    const { tf } = tfRuntime();
    const all = Uint32Array.from({ length: DECISIONS }, (_, i) => i);
    const scaling = fitScaling(features, FEATURE_COUNT, all);
    // Acting is unrelated to the features here; the weights make the rate 5.5 of 21.
    const labels = Array.from(all, (i) => (i % 4 === 1 || i === 6 ? 1 : 0));
    const weights = Array.from(all, (i) => (i % 2 === 0 ? 2.5 : 1));
    const train = rowSet([...all], labels, weights);

    const sut = fitFromRows(tf, features, scaling, train);

    const predicted = scoreRows(features, train, (x) => linearProbability(sut, x));
    expect(weightedMean(labels, weights)).toBe(5.5 / 21);
    // The intercept's score equation, up to the float32 rounding of the saved weights.
    expect(weightedMean(predicted, weights)).toBeCloseTo(5.5 / 21, 5);
  });
});
