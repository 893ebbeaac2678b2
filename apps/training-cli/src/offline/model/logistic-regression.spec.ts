import { tfRuntime } from '@app/ml';
import { fitLogisticRegression, solveSymmetric } from './logistic-regression';

describe(solveSymmetric.name, () => {
  it('solves a symmetric positive definite system', () => {
    // [[4, 2], [2, 3]]·[1, 2] = [8, 8]
    const sut = solveSymmetric(Float64Array.of(4, 2, 2, 3), Float64Array.of(8, 8));
    expect(sut[0]).toBeCloseTo(1, 12);
    expect(sut[1]).toBeCloseTo(2, 12);
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => solveSymmetric(Float64Array.of(1, 2, 2, 1), Float64Array.of(1, 1))).toThrow(
      'Hessian is not positive definite',
    );
  });
});

describe(fitLogisticRegression.name, () => {
  // 40 rows made by a formula, so scikit-learn could fit the very same numbers.
  const rows = Array.from({ length: 40 }, (_, i) => {
    const x1 = ((i * 37) % 17) / 8 - 1;
    const x2 = ((i * 11) % 13) / 6 - 1;
    const y = x1 + 0.5 * x2 + (((i * 3) % 5) - 2) / 2 > 0 ? 1 : 0;
    return { x1, x2, y };
  });

  it("matches scikit-learn's LogisticRegression(C=1) coefficients and intercept", () => {
    const { tf } = tfRuntime();
    const design = tf.tensor2d(
      rows.flatMap((r) => [r.x1, r.x2, 1]),
      [rows.length, 3],
    );
    const labels = tf.tensor2d(
      rows.map((r) => r.y),
      [rows.length, 1],
    );

    const sut = fitLogisticRegression(tf, design, labels, { l2: 1 });

    // LogisticRegression(tol=1e-10).fit(X, y): coef_ [[1.15789848, 0.2724536]], intercept_ [0.13008442]
    expect(sut.coefficients[0]).toBeCloseTo(1.15789848, 5);
    expect(sut.coefficients[1]).toBeCloseTo(0.2724536, 5);
    expect(sut.coefficients[2]).toBeCloseTo(0.13008442, 5);
    expect(sut.iterations).toBeLessThanOrEqual(8);
    design.dispose();
    labels.dispose();
  });

  it('converges at once from the optimum', () => {
    const { tf } = tfRuntime();
    const design = tf.tensor2d(
      rows.flatMap((r) => [r.x1, r.x2, 1]),
      [rows.length, 3],
    );
    const labels = tf.tensor2d(
      rows.map((r) => r.y),
      [rows.length, 1],
    );
    const optimum = fitLogisticRegression(tf, design, labels, { l2: 1 }).coefficients;

    const sut = fitLogisticRegression(tf, design, labels, { l2: 1, start: optimum });

    expect(sut.iterations).toBe(1);
    design.dispose();
    labels.dispose();
  });
});

describe(`${fitLogisticRegression.name} with weights`, () => {
  // The rows above, each weighted 1, 2 or 3.
  const rows = Array.from({ length: 40 }, (_, i) => {
    const x1 = ((i * 37) % 17) / 8 - 1;
    const x2 = ((i * 11) % 13) / 6 - 1;
    const y = x1 + 0.5 * x2 + (((i * 3) % 5) - 2) / 2 > 0 ? 1 : 0;
    return { x1, x2, y, weight: (i % 3) + 1 };
  });
  type Row = (typeof rows)[number];

  function fit(data: readonly Row[], weights: Float64Array | undefined) {
    const { tf } = tfRuntime();
    const design = tf.tensor2d(
      data.flatMap((r) => [r.x1, r.x2, 1]),
      [data.length, 3],
    );
    const labels = tf.tensor2d(
      data.map((r) => r.y),
      [data.length, 1],
    );
    try {
      return fitLogisticRegression(tf, design, labels, { l2: 1, weights, tolerance: 1e-10 });
    } finally {
      design.dispose();
      labels.dispose();
    }
  }

  const ones = (n: number) => new Float64Array(n).fill(1);
  const repeated = rows.flatMap((r) => Array.from({ length: r.weight }, () => r));

  it('weights a row as that many copies of it, to 1e-8', () => {
    const weighted = fit(
      rows,
      Float64Array.from(rows, (r) => r.weight),
    );
    const copies = fit(repeated, ones(repeated.length));

    expect(repeated).toHaveLength(79);
    weighted.coefficients.forEach((c, j) => {
      expect(Math.abs(c - copies.coefficients[j])).toBeLessThan(1e-8);
    });
    // Not the unweighted fit: the weights moved it.
    expect(
      Math.abs(weighted.coefficients[0] - fit(rows, undefined).coefficients[0]),
    ).toBeGreaterThan(0.02);
  });

  it('agrees with the float32 tensor fit when every weight is 1, to its rounding', () => {
    const weighted = fit(repeated, ones(repeated.length));
    const unweighted = fit(repeated, undefined);

    weighted.coefficients.forEach((c, j) => {
      expect(Math.abs(c - unweighted.coefficients[j])).toBeLessThan(1e-6);
    });
  });

  it('drops a row of weight 0', () => {
    const kept = rows.filter((_, i) => i % 4 !== 0);
    const zeroed = fit(
      rows,
      Float64Array.from(rows, (_, i) => (i % 4 === 0 ? 0 : 1)),
    );
    const without = fit(kept, ones(kept.length));

    zeroed.coefficients.forEach((c, j) => {
      expect(Math.abs(c - without.coefficients[j])).toBeLessThan(1e-8);
    });
  });

  it('refuses weights that do not match the rows', () => {
    expect(() => fit(rows, ones(3))).toThrow('3 weights for 40 rows');
  });
});
