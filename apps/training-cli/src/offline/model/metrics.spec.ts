import {
  assignFolds,
  classificationMetrics,
  meanAndStd,
  rocAuc,
  roundMetric,
  weightedRocAuc,
} from './metrics';

describe(rocAuc.name, () => {
  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it("counts ties as half, as scikit-learn's roc_auc_score", () => {
    // roc_auc_score([0, 1, 0, 1, 1], [0.5, 0.5, 0.2, 0.9, 0.1]) == 0.5833333
    expect(rocAuc([0.5, 0.5, 0.2, 0.9, 0.1], [0, 1, 0, 1, 1])).toBeCloseTo(7 / 12, 12);
  });

  it('is NaN when a class is missing', () => {
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNaN();
  });
});

describe(weightedRocAuc.name, () => {
  const scores = [0.5, 0.5, 0.2, 0.9, 0.1, 0.3];
  const labels = [0, 1, 0, 1, 1, 0];

  it('equals the unweighted AUC when every weight is 1', () => {
    expect(weightedRocAuc(scores, labels, [1, 1, 1, 1, 1, 1])).toBe(rocAuc(scores, labels));
  });

  it('counts an integer weight as that many copies of the row, ties half', () => {
    const weights = [2, 1, 3, 1, 2, 1];
    const copies = (values: number[]) => values.flatMap((v, i) => Array(weights[i]).fill(v));

    // Positives 0.5, 0.9 and 0.1 ×2 (weight 4) against negatives 0.5 ×2, 0.2 ×3 and 0.3 (weight
    // 6): 0.5 beats 4 and ties 2, 0.9 beats 6, each 0.1 beats none: (5 + 6) / 24.
    expect(weightedRocAuc(scores, labels, weights)).toBeCloseTo(11 / 24, 12);
    expect(weightedRocAuc(scores, labels, weights)).toBeCloseTo(
      rocAuc(copies(scores), copies(labels)),
      12,
    );
  });

  it('is NaN when a class has no weight', () => {
    expect(weightedRocAuc([0.1, 0.2], [1, 0], [1, 0])).toBeNaN();
  });
});

describe(classificationMetrics.name, () => {
  it('gives per-class precision, recall, F1, accuracy and averages at the threshold', () => {
    // predictions at 0.5: 1, 1, 0, 0, 1 against labels 1, 0, 0, 1, 1 → tp 2, fp 1, tn 1, fn 1
    const sut = classificationMetrics([0.9, 0.6, 0.4, 0.2, 0.5], [1, 0, 0, 1, 1], 0.5);

    expect(sut.classes[1]).toEqual({ precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 });
    expect(sut.classes[0]).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(sut.accuracy).toBe(0.6);
    expect(sut.macro.f1).toBeCloseTo((2 / 3 + 0.5) / 2, 12);
    expect(sut.weighted.f1).toBeCloseTo((3 * (2 / 3) + 2 * 0.5) / 5, 12);
  });

  it('reports 0 rather than NaN for a class never predicted', () => {
    const sut = classificationMetrics([0.1, 0.2], [0, 1], 0.5);
    expect(sut.classes[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
  });
});

describe(meanAndStd.name, () => {
  it('uses the population standard deviation', () => {
    expect(meanAndStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(1.25) });
  });
});

describe(roundMetric.name, () => {
  it('keeps six decimals', () => {
    expect(roundMetric(0.123456789)).toBe(0.123457);
  });
});

describe(assignFolds.name, () => {
  it('deals the permutation round-robin into folds of equal size', () => {
    const sut = assignFolds(10, 5, Uint32Array.of(9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
    expect(Array.from(sut)).toEqual([4, 3, 2, 1, 0, 4, 3, 2, 1, 0]);
  });
});
