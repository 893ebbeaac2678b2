import type { Tensor2D } from '@tensorflow/tfjs';
import { Tf } from '@app/ml';

export interface LogisticOptions {
  /** L2 penalty on the coefficients (not the intercept); 1 is scikit-learn's default C = 1. */
  readonly l2: number;
  /** Warm start, e.g. the full-data fit when fitting a cross-validation fold. */
  readonly start?: Float64Array;
  readonly maxIterations?: number;
  readonly tolerance?: number;
  /** Rows the Hessian is computed on; the gradient always uses every row. */
  readonly hessianRows?: number;
}

/**
 * Above this many rows the Hessian comes from the first rows only (the rows are in random order)
 * and is scaled up. The gradient stays exact, so the fit converges to the same optimum; the
 * approximate curvature costs a step or two more but saves most of the work at a million rows.
 */
export const HESSIAN_SAMPLE_ROWS = 20_000;

export interface LogisticFit {
  /** Coefficients of the design's columns, the intercept last. */
  readonly coefficients: Float64Array;
  readonly iterations: number;
}

/**
 * Solves H·δ = g for a symmetric positive definite H (k×k, row-major) by Cholesky in float64.
 * k is the feature count plus one, so plain JavaScript beats any tensor op here.
 */
export function solveSymmetric(h: Float64Array, g: Float64Array): Float64Array {
  const k = g.length;
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = h[i * k + j];
      for (let m = 0; m < j; m++) sum -= l[i * k + m] * l[j * k + m];
      if (i === j) {
        if (!(sum > 0)) throw new Error('Hessian is not positive definite');
        l[i * k + i] = Math.sqrt(sum);
      } else {
        l[i * k + j] = sum / l[j * k + j];
      }
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let sum = g[i];
    for (let m = 0; m < i; m++) sum -= l[i * k + m] * y[m];
    y[i] = sum / l[i * k + i];
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let sum = y[i];
    for (let m = i + 1; m < k; m++) sum -= l[m * k + i] * x[m];
    x[i] = sum / l[i * k + i];
  }
  return x;
}

interface NewtonTerms {
  readonly loss: number;
  readonly gradient: Float64Array;
  readonly hessian: Float64Array;
}

/**
 * The penalised log-loss, its gradient and Hessian at `beta`, with the n-sized work done by
 * tensor ops: one pass over the data per Newton step instead of thousands of SGD batches.
 */
function newtonTerms(
  tf: Tf,
  design: Tensor2D,
  hessianDesign: Tensor2D,
  labels: Tensor2D,
  beta: Float64Array,
  l2: number,
): NewtonTerms {
  const k = beta.length;
  const [n, m] = [design.shape[0], hessianDesign.shape[0]];
  const [lossTensor, gradientTensor, hessianTensor] = tf.tidy(() => {
    const z = tf.matMul(design, tf.tensor2d(Float32Array.from(beta), [k, 1]));
    const p = tf.sigmoid(z);
    // log(1 + e^z) − y·z is the log-loss of a logit z.
    const loss = tf.sum(tf.sub(tf.softplus(z), tf.mul(labels, z)));
    const gradient = tf.matMul(design, tf.sub(p, labels), true, false);
    const sampled = m < n ? tf.slice(p, [0, 0], [m, 1]) : p;
    const weights = tf.mul(sampled, tf.sub(1, sampled));
    // Broadcasting a column across the design is slow on the cpu backend; an outer product is not.
    const spread = tf.matMul(weights, tf.fill([1, k], n / m));
    const hessian = tf.matMul(tf.mul(hessianDesign, spread), hessianDesign, true, false);
    return [loss, gradient, hessian];
  });
  try {
    const gradient = Float64Array.from(gradientTensor.dataSync());
    const hessian = Float64Array.from(hessianTensor.dataSync());
    let loss = lossTensor.dataSync()[0];
    for (let j = 0; j < k - 1; j++) {
      loss += 0.5 * l2 * beta[j] * beta[j];
      gradient[j] += l2 * beta[j];
      hessian[j * k + j] += l2;
    }
    return { loss, gradient, hessian };
  } finally {
    lossTensor.dispose();
    gradientTensor.dispose();
    hessianTensor.dispose();
  }
}

/**
 * L2-penalised logistic regression by Newton's method (IRLS) on a design whose last column is
 * ones. The objective is scikit-learn's: Σ log-loss + l2/2·‖w‖², intercept unpenalised. A step
 * that raises the loss is halved, which keeps Newton safe far from the optimum.
 */
export function fitLogisticRegression(
  tf: Tf,
  design: Tensor2D,
  labels: Tensor2D,
  options: LogisticOptions,
): LogisticFit {
  const [n, k] = design.shape;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-6;
  const hessianRows = Math.min(n, options.hessianRows ?? HESSIAN_SAMPLE_ROWS);
  // Simulated learners are independent draws, so the first rows are a random sample.
  const hessianDesign = hessianRows < n ? tf.slice(design, [0, 0], [hessianRows, k]) : design;
  let beta = options.start === undefined ? new Float64Array(k) : Float64Array.from(options.start);
  let previous: { beta: Float64Array; loss: number; step: Float64Array } | undefined;
  try {
    for (let iteration = 1; iteration <= maxIterations; iteration++) {
      const terms = newtonTerms(tf, design, hessianDesign, labels, beta, options.l2);
      if (!Number.isFinite(terms.loss)) throw new Error('logistic regression diverged');
      // The loss is summed in float32: only a rise beyond its rounding counts as overshooting.
      if (previous !== undefined && terms.loss > previous.loss + 1e-6 * Math.abs(previous.loss)) {
        const half = previous.step.map((s) => s / 2);
        beta = previous.beta.map((b, j) => b - half[j]);
        previous = { ...previous, step: half };
        continue;
      }
      const step = solveSymmetric(terms.hessian, terms.gradient);
      previous = { beta, loss: terms.loss, step };
      beta = beta.map((b, j) => b - step[j]);
      if (step.every((s) => Math.abs(s) < tolerance)) {
        return { coefficients: beta, iterations: iteration };
      }
    }
    return { coefficients: beta, iterations: maxIterations };
  } finally {
    if (hessianDesign !== design) hessianDesign.dispose();
  }
}
