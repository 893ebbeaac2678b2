import type { Tensor2D } from '@tensorflow/tfjs';
import { NUDGE_TYPES, NudgeType } from '@app/learner';
import { FEATURE_COUNT, linearProbability, Tf } from '@app/ml';
import { DatasetMatrix } from '../dataset/dataset-file';
import { Random, RANDOM_STREAMS } from '../../cli/random';
import { fitLogisticRegression } from './logistic-regression';
import { assignFolds, classificationMetrics, meanAndStd, rocAuc } from './metrics';
import {
  designMatrix,
  fitScaling,
  foldScaling,
  RawLinearWeights,
  Scaling,
  toFloat32,
} from './standardization';

/** The pure-JS backend gives the same bits everywhere; the native one may round differently. */
export const TRAINING_BACKEND = 'cpu';

export const CV_FOLDS = 5;
/** scikit-learn's default LogisticRegression penalty (C = 1), for a like-for-like baseline. */
export const L2_PENALTY = 1;
/** The models' decision threshold for the classification metrics (predict() of any classifier). */
export const DECISION_THRESHOLD = 0.5;

export interface ModelEvaluation {
  readonly auc: number;
  readonly accuracy: number;
}

export interface TrainedType {
  readonly type: NudgeType;
  /** The model as saved: float32 weights over raw features. */
  readonly model: RawLinearWeights;
  readonly test: ModelEvaluation;
  readonly oracleAuc: number;
  readonly cv: readonly ModelEvaluation[];
  readonly trainPositiveRate: number;
  readonly testPositiveRate: number;
}

export interface TrainingResult {
  readonly scaling: Scaling;
  readonly trainRows: number;
  readonly testRows: number;
  readonly types: readonly TrainedType[];
}

/** Scores `rows` with a model in float64, as the API does with the loaded weights. */
export function predict(
  dataset: DatasetMatrix,
  rows: Uint32Array,
  model: RawLinearWeights,
): Float64Array {
  const scores = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const start = rows[i] * FEATURE_COUNT;
    scores[i] = linearProbability(model, dataset.x.subarray(start, start + FEATURE_COUNT));
  }
  return scores;
}

export function pick(column: Uint8Array | Float64Array, rows: Uint32Array): Float64Array {
  return Float64Array.from(rows, (row) => column[row]);
}

function evaluate(
  dataset: DatasetMatrix,
  rows: Uint32Array,
  labels: Uint8Array,
  model: RawLinearWeights,
): ModelEvaluation {
  const scores = predict(dataset, rows, model);
  const truth = pick(labels, rows);
  return {
    auc: rocAuc(scores, truth),
    accuracy: classificationMetrics(scores, truth, DECISION_THRESHOLD).accuracy,
  };
}

function positiveRate(labels: Uint8Array, rows: Uint32Array): number {
  let positives = 0;
  for (const row of rows) positives += labels[row];
  return positives / rows.length;
}

/** A standardised design and one label column per nudge type, as tensors; dispose() frees them. */
interface TrainingTensors {
  readonly scaling: Scaling;
  readonly design: Tensor2D;
  readonly labels: readonly Tensor2D[];
  dispose(): void;
}

function trainingTensors(tf: Tf, dataset: DatasetMatrix, rows: Uint32Array): TrainingTensors {
  const scaling = fitScaling(dataset.x, FEATURE_COUNT, rows);
  const design = tf.tensor2d(designMatrix(dataset.x, FEATURE_COUNT, rows, scaling), [
    rows.length,
    FEATURE_COUNT + 1,
  ]);
  const labels = dataset.labels.map((column) =>
    tf.tensor2d(
      Float32Array.from(rows, (row) => column[row]),
      [rows.length, 1],
    ),
  );
  return {
    scaling,
    design,
    labels,
    dispose: () => {
      design.dispose();
      for (const label of labels) label.dispose();
    },
  };
}

/**
 * Fits one model per nudge type on the train split, 5-fold cross-validates on the train split
 * (each fold warm-started from the full fit, standardised on its own rows), and scores the test
 * split with the float32 weights that will be saved. `onFit` reports progress after each fit.
 */
export function trainModels(
  tf: Tf,
  dataset: DatasetMatrix,
  trainRows: Uint32Array,
  testRows: Uint32Array,
  seed: number,
  onFit: () => void,
): TrainingResult {
  const full = trainingTensors(tf, dataset, trainRows);
  const fits: Float64Array[] = [];
  const models: RawLinearWeights[] = [];
  try {
    NUDGE_TYPES.forEach((_, t) => {
      const fit = fitLogisticRegression(tf, full.design, full.labels[t], { l2: L2_PENALTY });
      fits.push(fit.coefficients);
      models.push(toFloat32(foldScaling(fit.coefficients, full.scaling)));
      onFit();
    });
  } finally {
    full.dispose();
  }

  const folds = assignFolds(
    trainRows.length,
    CV_FOLDS,
    new Random(seed, RANDOM_STREAMS.folds).permutation(trainRows.length),
  );
  const cv: ModelEvaluation[][] = NUDGE_TYPES.map(() => []);
  for (let k = 0; k < CV_FOLDS; k++) {
    const fitRows = trainRows.filter((_, i) => folds[i] !== k);
    const heldOut = trainRows.filter((_, i) => folds[i] === k);
    const fold = trainingTensors(tf, dataset, fitRows);
    try {
      NUDGE_TYPES.forEach((_, t) => {
        const fit = fitLogisticRegression(tf, fold.design, fold.labels[t], {
          l2: L2_PENALTY,
          start: fits[t],
        });
        const model = toFloat32(foldScaling(fit.coefficients, fold.scaling));
        cv[t].push(evaluate(dataset, heldOut, dataset.labels[t], model));
        onFit();
      });
    } finally {
      fold.dispose();
    }
  }

  const types = NUDGE_TYPES.map((type, t): TrainedType => ({
    type,
    model: models[t],
    test: evaluate(dataset, testRows, dataset.labels[t], models[t]),
    oracleAuc: rocAuc(pick(dataset.pTrue[t], testRows), pick(dataset.labels[t], testRows)),
    cv: cv[t],
    trainPositiveRate: positiveRate(dataset.labels[t], trainRows),
    testPositiveRate: positiveRate(dataset.labels[t], testRows),
  }));
  return { scaling: full.scaling, trainRows: trainRows.length, testRows: testRows.length, types };
}

export function cvSummary(cv: readonly ModelEvaluation[]): {
  auc: { mean: number; std: number };
  accuracy: { mean: number; std: number };
} {
  return {
    auc: meanAndStd(cv.map((fold) => fold.auc)),
    accuracy: meanAndStd(cv.map((fold) => fold.accuracy)),
  };
}
