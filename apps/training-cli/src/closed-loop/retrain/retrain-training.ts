import { FEATURE_COUNT, Tf } from '@app/ml';
import { RowSet } from './retrain-rows';
import { fitLogisticRegression } from '../../offline/model/logistic-regression';
import { rocAuc, weightedRocAuc } from '../../offline/model/metrics';
import { L2_PENALTY } from '../../offline/model/model-training';
import {
  designMatrix,
  foldScaling,
  RawLinearWeights,
  Scaling,
  toFloat32,
} from '../../offline/model/standardization';

/** A test split's AUC with each row weighted as it was trained, and with every row once. */
export interface HoldoutAuc {
  readonly weighted: number;
  readonly unweighted: number;
}

/**
 * Fits one model on its train rows, weighted, standardised with the set's scaling, and
 * returns the float32 weights over raw features that will be saved.
 */
export function fitFromRows(
  tf: Tf,
  features: Float64Array,
  scaling: Scaling,
  train: RowSet,
): RawLinearWeights {
  const n = train.decisions.length;
  const design = tf.tensor2d(designMatrix(features, FEATURE_COUNT, train.decisions, scaling), [
    n,
    FEATURE_COUNT + 1,
  ]);
  const labels = tf.tensor2d(Float32Array.from(train.labels), [n, 1]);
  try {
    const fit = fitLogisticRegression(tf, design, labels, {
      l2: L2_PENALTY,
      weights: train.weights,
    });
    return toFloat32(foldScaling(fit.coefficients, scaling));
  } finally {
    design.dispose();
    labels.dispose();
  }
}

/** `score` (a decision's feature vector to a number) of each row's decision. */
export function scoreRows(
  features: Float64Array,
  rows: Pick<RowSet, 'decisions'>,
  score: (x: Float64Array) => number,
): Float64Array {
  return Float64Array.from(rows.decisions, (decision) =>
    score(features.subarray(decision * FEATURE_COUNT, (decision + 1) * FEATURE_COUNT)),
  );
}

/** The AUC of `score` (a learner's feature vector to a probability) on a model's test rows. */
export function holdoutAuc(
  features: Float64Array,
  test: RowSet,
  score: (x: Float64Array) => number,
): HoldoutAuc {
  return rowsAuc(scoreRows(features, test, score), test);
}

/** The AUC of the rows' `scores`, weighted and not. */
export function rowsAuc(
  scores: Float64Array,
  rows: Pick<RowSet, 'labels' | 'weights'>,
): HoldoutAuc {
  return {
    weighted: weightedRocAuc(scores, rows.labels, rows.weights),
    unweighted: rocAuc(scores, rows.labels),
  };
}
