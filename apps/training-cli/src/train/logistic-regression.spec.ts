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
