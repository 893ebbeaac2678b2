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
  /**
   * A non-negative weight per row, as scikit-learn's `sample_weight`: a row's log-loss counts
   * that many times, so an integer weight is the row repeated. Without it every row counts once.
   */
  readonly weights?: Float64Array;
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

/** One Newton step's log-loss, gradient and Hessian at `beta`, before the penalty. */
type LogLossTerms = (beta: Float64Array) => NewtonTerms;

/**
 * The summed log-loss, its gradient and Hessian, with the n-sized work done by tensor ops: one
 * pass over the data per Newton step instead of thousands of SGD batches.
 */
function tensorTerms(
  tf: Tf,
  design: Tensor2D,
  hessianDesign: Tensor2D,
  labels: Tensor2D,
): LogLossTerms {
  const [n, k] = design.shape;
  const m = hessianDesign.shape[0];
  return (beta) => {
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
      return {
        loss: lossTensor.dataSync()[0],
        gradient: Float64Array.from(gradientTensor.dataSync()),
        hessian: Float64Array.from(hessianTensor.dataSync()),
      };
    } finally {
      lossTensor.dispose();
      gradientTensor.dispose();
      hessianTensor.dispose();
    }
  };
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/**
 * The weighted log-loss Σ wᵢ·ℓᵢ, its gradient and Hessian, in float64 JavaScript. Float32 tensor
 * sums round differently for a weighted row and its copies, so weighted fits would agree with
 * the repeated rows only to ~1e-7; in float64 the weights mean exactly what they say. The
 * Hessian comes from the first `hessianRows` rows, scaled by their share of the total weight.
 */
function weightedTerms(
  design: Tensor2D,
  labels: Tensor2D,
  weights: Float64Array,
  hessianRows: number,
): LogLossTerms {
  const [n, k] = design.shape;
  if (weights.length !== n) throw new Error(`${weights.length} weights for ${n} rows`);
  const x = design.dataSync();
  const y = labels.dataSync();
  let total = 0;
  let sampled = 0;
  for (let i = 0; i < n; i++) {
    total += weights[i];
    if (i < hessianRows) sampled += weights[i];
  }
  const scale = total / sampled;
  return (beta) => {
    let loss = 0;
    const gradient = new Float64Array(k);
    const hessian = new Float64Array(k * k);
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (w === 0) continue;
      const row = i * k;
      let z = 0;
      for (let j = 0; j < k; j++) z += x[row + j] * beta[j];
      const p = 1 / (1 + Math.exp(-z));
      loss += w * (softplus(z) - y[i] * z);
      const residual = w * (p - y[i]);
      for (let j = 0; j < k; j++) gradient[j] += residual * x[row + j];
      if (i >= hessianRows) continue;
      const curvature = scale * w * p * (1 - p);
      for (let a = 0; a < k; a++) {
        const xa = curvature * x[row + a];
        for (let b = 0; b <= a; b++) hessian[a * k + b] += xa * x[row + b];
      }
    }
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) hessian[b * k + a] = hessian[a * k + b];
    return { loss, gradient, hessian };
  };
}

/** Adds l2/2·‖w‖² to the terms; the intercept (last) stays unpenalised. */
function penalise(terms: NewtonTerms, beta: Float64Array, l2: number): NewtonTerms {
  const k = beta.length;
  let loss = terms.loss;
  for (let j = 0; j < k - 1; j++) {
    loss += 0.5 * l2 * beta[j] * beta[j];
    terms.gradient[j] += l2 * beta[j];
    terms.hessian[j * k + j] += l2;
  }
  return { loss, gradient: terms.gradient, hessian: terms.hessian };
}

/**
 * L2-penalised logistic regression by Newton's method (IRLS) on a design whose last column is
 * ones. The objective is scikit-learn's: Σ wᵢ·log-loss + l2/2·‖w‖² (wᵢ = 1 unweighted),
 * intercept unpenalised. A step that raises the loss is halved, which keeps Newton safe far from
 * the optimum.
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
  const hessianDesign =
    options.weights !== undefined || hessianRows === n
      ? design
      : tf.slice(design, [0, 0], [hessianRows, k]);
  const logLoss =
    options.weights === undefined
      ? tensorTerms(tf, design, hessianDesign, labels)
      : weightedTerms(design, labels, options.weights, hessianRows);
  let beta = options.start === undefined ? new Float64Array(k) : Float64Array.from(options.start);
  let previous: { beta: Float64Array; loss: number; step: Float64Array } | undefined;
  try {
    for (let iteration = 1; iteration <= maxIterations; iteration++) {
      const terms = penalise(logLoss(beta), beta, options.l2);
      if (!Number.isFinite(terms.loss)) throw new Error('logistic regression diverged');
      // Unweighted, the loss is summed in float32: only a rise beyond its rounding overshoots.
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
