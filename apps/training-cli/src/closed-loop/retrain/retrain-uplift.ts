import { NUDGE_TYPES } from '@app/learner';
import { linearProbability, ModelSet, Tf } from '@app/ml';
import { NUDGE_ACTIONS, OUTCOME_ACTIONS } from '@app/contract';
import { calibration, ScoredRows, upliftCalibration } from './retrain-calibration';
import { RowSet } from './retrain-rows';
import { fitFromRows, holdoutAuc, rowsAuc, scoreRows } from './retrain-training';
import { ControlRows, UpliftRows } from './retrain-uplift-rows';
import {
  TrainedUpliftModel,
  TrainedUpliftSet,
  TypeUpliftCalibration,
} from './retrain-uplift-report';
import { RawLinearWeights, Scaling } from '../../offline/model/standardization';

/** What fitting an uplift set needs besides its rows. */
export interface UpliftFitContext {
  readonly tf: Tf;
  /** Every decision's features, row-major. */
  readonly features: Float64Array;
  readonly scaling: Scaling;
  /** Called after each model, for progress. */
  readonly fitted: () => void;
}

/** `score` of each test row, with the row's label and weight. */
function scored(
  features: Float64Array,
  rows: RowSet,
  score: (x: Float64Array) => number,
): ScoredRows {
  return {
    predicted: scoreRows(features, rows, score),
    labels: rows.labels,
    weights: rows.weights,
  };
}

/** Fits one treated or control model and measures its AUC and calibration on its test rows. */
function fitModel(
  context: UpliftFitContext,
  name: string,
  rows: Pick<ControlRows, 'train' | 'test'>,
): TrainedUpliftModel {
  const model = fitFromRows(context.tf, context.features, context.scaling, rows.train);
  const test = scored(context.features, rows.test, (x) => linearProbability(model, x));
  context.fitted();
  return {
    model,
    outcome: {
      name,
      train: rows.train,
      test: rows.test,
      auc: rowsAuc(test.predicted, test),
      calibration: calibration(test),
    },
  };
}

/**
 * A type's uplift calibration: its treated test rows and its action's control test rows, each
 * scored with the predicted uplift treated(x) − control(x) of the saved (float32) weights.
 */
function typeUplift(
  features: Float64Array,
  treated: { readonly model: RawLinearWeights; readonly test: RowSet },
  control: { readonly model: RawLinearWeights; readonly test: RowSet },
): TypeUpliftCalibration['bins'] {
  const uplift = (x: Float64Array) =>
    linearProbability(treated.model, x) - linearProbability(control.model, x);
  return upliftCalibration(
    scored(features, treated.test, uplift),
    scored(features, control.test, uplift),
  );
}

/**
 * Fits the control model of every action and the treated model of every type, checks each on
 * its test rows (the treated ones beside the deployed model of their type, when it has one),
 * and calibrates every type's uplift.
 */
export function fitUpliftSet(
  context: UpliftFitContext,
  rows: UpliftRows,
  deployed: ModelSet,
): TrainedUpliftSet {
  const controls = rows.controls.map((control) => ({
    action: control.action,
    ...fitModel(context, `control ${control.action}`, control),
  }));
  const treated = rows.treated.map((typeRows) => {
    const { type } = typeRows;
    const fitted = fitModel(context, `treated ${type}`, typeRows);
    const deployedAuc = deployed.has(type)
      ? holdoutAuc(context.features, typeRows.test, (x) => deployed.probability(type, x)!)
      : undefined;
    return { type, model: fitted.model, outcome: { ...fitted.outcome, deployed: deployedAuc } };
  });
  const uplift = treated.map(({ type, model, outcome }) => {
    const action = NUDGE_ACTIONS[type];
    const control = controls[OUTCOME_ACTIONS.indexOf(action)];
    const bins = typeUplift(
      context.features,
      { model, test: outcome.test },
      { model: control.model, test: control.outcome.test },
    );
    return { type, action, bins };
  });
  return { holdoutShare: rows.holdoutShare, treated, controls, uplift };
}

/** The models an uplift set fits: one treated per type, one control per action. */
export const UPLIFT_MODEL_COUNT = NUDGE_TYPES.length + OUTCOME_ACTIONS.length;
