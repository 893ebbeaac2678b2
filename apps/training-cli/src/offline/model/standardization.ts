/** Per-feature mean and standard deviation of the training rows (population sd, as sklearn). */
export interface Scaling {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

/** A linear model on raw features: what a Dense(1) layer holds. */
export interface RawLinearWeights {
  readonly weights: Float64Array;
  readonly bias: number;
}

export function fitScaling(x: Float64Array, d: number, rows: Uint32Array): Scaling {
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (const row of rows) for (let j = 0; j < d; j++) mean[j] += x[row * d + j];
  for (let j = 0; j < d; j++) mean[j] /= rows.length;
  for (const row of rows) {
    for (let j = 0; j < d; j++) {
      const centred = x[row * d + j] - mean[j];
      std[j] += centred * centred;
    }
  }
  // A constant feature keeps scale 1: dividing by zero would poison every weight.
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j] / rows.length) || 1;
  return { mean, std };
}

/**
 * The standardised rows with a trailing column of ones for the intercept, row-major float32:
 * the design matrix the Newton steps multiply.
 */
export function designMatrix(
  x: Float64Array,
  d: number,
  rows: Uint32Array,
  scaling: Scaling,
): Float32Array {
  const width = d + 1;
  const design = new Float32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const source = rows[i] * d;
    const target = i * width;
    for (let j = 0; j < d; j++) {
      design[target + j] = (x[source + j] - scaling.mean[j]) / scaling.std[j];
    }
    design[target + d] = 1;
  }
  return design;
}

/**
 * Folds the standardisation into the weights, so the saved model takes raw features:
 * w·(x − μ)/σ + b = (w/σ)·x + (b − Σ w·μ/σ).
 */
export function foldScaling(standardised: Float64Array, scaling: Scaling): RawLinearWeights {
  const d = scaling.mean.length;
  const weights = new Float64Array(d);
  let bias = standardised[d];
  for (let j = 0; j < d; j++) {
    weights[j] = standardised[j] / scaling.std[j];
    bias -= weights[j] * scaling.mean[j];
  }
  return { weights, bias };
}

/** The float32 values a saved Dense layer holds: scoring with these matches any loaded model. */
export function toFloat32(model: RawLinearWeights): RawLinearWeights {
  return {
    weights: Float64Array.from(Float32Array.from(model.weights)),
    bias: Math.fround(model.bias),
  };
}
