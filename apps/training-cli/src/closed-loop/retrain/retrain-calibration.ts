/** The bins of every calibration table: quintiles of the prediction. */
export const CALIBRATION_BINS = 5;

/**
 * Row indices ordered by value (ties by index, so the bins never depend on sort stability),
 * dealt into `bins` runs of equal count: bin b takes positions ⌊b·n/bins⌋ to ⌊(b+1)·n/bins⌋.
 * Bins left empty by fewer rows than bins are dropped.
 */
export function quantileBins(values: ArrayLike<number>, bins: number): Uint32Array[] {
  const n = values.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => values[a] - values[b] || a - b,
  );
  return Array.from({ length: bins }, (_, b) =>
    order.subarray(Math.floor((b * n) / bins), Math.floor(((b + 1) * n) / bins)),
  ).filter((bin) => bin.length > 0);
}

/** Σ w·v / Σ w over `rows` (every row when omitted); NaN without weight. */
export function weightedMean(
  values: ArrayLike<number>,
  weights: ArrayLike<number>,
  rows?: ArrayLike<number>,
): number {
  let sum = 0;
  let total = 0;
  const count = rows === undefined ? values.length : rows.length;
  for (let k = 0; k < count; k++) {
    const i = rows === undefined ? k : rows[k];
    sum += weights[i] * values[i];
    total += weights[i];
  }
  return total === 0 ? Number.NaN : sum / total;
}

/** Rows' predicted probabilities (or uplifts), labels and weights. */
export interface ScoredRows {
  readonly predicted: Float64Array;
  readonly labels: Uint8Array;
  readonly weights: Float64Array;
}

/** One bin of a reliability table: weighted mean prediction against weighted action rate. */
export interface ReliabilityBin {
  readonly rows: number;
  readonly predicted: number;
  readonly observed: number;
}

/** A model's calibration on its test rows. */
export interface Calibration {
  readonly rows: number;
  /** The weighted mean prediction and the weighted rate of label 1. */
  readonly predicted: number;
  readonly observed: number;
  /** predicted − observed: above 0 the model promises more actions than the rows show. */
  readonly inTheLarge: number;
  readonly bins: readonly ReliabilityBin[];
}

/**
 * The reliability table (quintiles of the prediction) and calibration in the large, every mean
 * weighted as the fit weighs rows: the weights stand each logged row for the decisions it
 * represents, so a weighted rate is what the model is asked to predict.
 */
export function calibration({ predicted, labels, weights }: ScoredRows): Calibration {
  const meanPredicted = weightedMean(predicted, weights);
  const observed = weightedMean(labels, weights);
  return {
    rows: predicted.length,
    predicted: meanPredicted,
    observed,
    inTheLarge: meanPredicted - observed,
    bins: quantileBins(predicted, CALIBRATION_BINS).map((rows) => ({
      rows: rows.length,
      predicted: weightedMean(predicted, weights, rows),
      observed: weightedMean(labels, weights, rows),
    })),
  };
}

/** `first` then `second` in one new array, made by `make`. */
function joined<T extends Float64Array | Uint8Array>(
  first: T,
  second: T,
  make: (length: number) => T,
): T {
  const result = make(first.length + second.length);
  result.set(first);
  result.set(second, first.length);
  return result;
}

/** One bin of an uplift calibration table. */
export interface UpliftBin {
  readonly treatedRows: number;
  readonly controlRows: number;
  /** The weighted mean predicted uplift over the bin's rows of both arms. */
  readonly predicted: number;
  /** Weighted treated rate − weighted control rate; null when the bin lacks an arm. */
  readonly observed: number | null;
}

/**
 * An uplift model's calibration on the test split: the treated and the control rows, each
 * scored with the predicted uplift of its features, binned together by it (quintiles); per bin
 * the mean predicted uplift against the observed one, the difference of the arms' weighted
 * rates. Rows of one arm never share a decision with the other (a control row sent nothing).
 */
export function upliftCalibration(treated: ScoredRows, control: ScoredRows): UpliftBin[] {
  const pooled: ScoredRows = {
    predicted: joined(treated.predicted, control.predicted, (n) => new Float64Array(n)),
    labels: joined(treated.labels, control.labels, (n) => new Uint8Array(n)),
    weights: joined(treated.weights, control.weights, (n) => new Float64Array(n)),
  };
  const treatedCount = treated.predicted.length;
  return quantileBins(pooled.predicted, CALIBRATION_BINS).map((rows) => {
    const treatedRows = rows.filter((row) => row < treatedCount);
    const controlRows = rows.filter((row) => row >= treatedCount);
    const rate = (arm: Uint32Array) => weightedMean(pooled.labels, pooled.weights, arm);
    return {
      treatedRows: treatedRows.length,
      controlRows: controlRows.length,
      predicted: weightedMean(pooled.predicted, pooled.weights, rows),
      observed:
        treatedRows.length === 0 || controlRows.length === 0
          ? null
          : rate(treatedRows) - rate(controlRows),
    };
  });
}
