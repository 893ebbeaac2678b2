import { formatCalendarDate, NudgeType } from '@app/learner';
import { FEATURE_NAMES, ModelManifest } from '@app/ml';
import { plural, table, withSign } from '../../cli/format';
import { controlModelPath, treatedModelPath, UPLIFT_REPORT_FILE } from '../../cli/file-names';
import { NUDGE_ACTIONS, OutcomeAction } from '@app/contract';
import { Calibration, UpliftBin } from './retrain-calibration';
import {
  FromLogMetrics,
  manifestScaling,
  ManifestSourceFields,
  manifestSourceFields,
  ManifestSources,
  fromLogMetrics,
} from './retrain-report';
import { RowSet, TimeSplit } from './retrain-rows';
import { HoldoutAuc } from './retrain-training';
import { roundMetric } from '../../offline/model/metrics';
import { L2_PENALTY } from '../../offline/model/model-training';
import { RawLinearWeights } from '../../offline/model/standardization';
import { modelSetVersion } from '../../offline/model/training-manifest';

export const UPLIFT_TRAINER_METHOD =
  'L2 logistic regression per treated and control model, rows weighted by the inverse chance of their logged arm: treated (type k in slot 1) min(1/((1 − ĥ)·p1), clip), control held out min(1/ĥ, clip), control served and sent nothing min(1/((1 − ĥ)·slate_propensity), clip); full-batch Newton (IRLS) steps in float64';

/** How one treated or control model did on its test rows. */
export interface UpliftModelOutcome {
  /** `treated <type>` or `control <action>`. */
  readonly name: string;
  readonly train: RowSet;
  readonly test: RowSet;
  readonly auc: HoldoutAuc;
  readonly calibration: Calibration;
  /** A treated model's: the deployed model of its type on the same rows; undefined otherwise. */
  readonly deployed?: HoldoutAuc;
}

/** A model as it will be saved, and how it did. */
export interface TrainedUpliftModel {
  readonly model: RawLinearWeights;
  readonly outcome: UpliftModelOutcome;
}

/** A type's uplift calibration: its treated model against its action's control model. */
export interface TypeUpliftCalibration {
  readonly type: NudgeType;
  readonly action: OutcomeAction;
  readonly bins: readonly UpliftBin[];
}

/** An uplift set as trained: NUDGE_TYPES order for the treated, OUTCOME_ACTIONS for the controls. */
export interface TrainedUpliftSet {
  readonly holdoutShare: number;
  readonly treated: readonly (TrainedUpliftModel & { readonly type: NudgeType })[];
  readonly controls: readonly (TrainedUpliftModel & { readonly action: OutcomeAction })[];
  readonly uplift: readonly TypeUpliftCalibration[];
}

/** What the manifest records of a model: rows, positives, test AUC, calibration in the large. */
export interface UpliftMetrics extends FromLogMetrics {
  readonly test_calibration_in_the_large: number;
}

/**
 * `manifest.json` of an uplift set: what the API reads (version, objective, feature names,
 * scaling, every treated model with its action's control, every control model, the reward
 * window), then where the rows came from. Nothing in it depends on when or where it ran.
 */
export interface UpliftManifest
  extends Pick<ModelManifest, 'feature_names' | 'scaling'>, ManifestSourceFields {
  readonly version: string;
  readonly objective: 'uplift';
  /** ĥ, rounded to 6 decimals. */
  readonly holdout_share: number;
  readonly trainer: { readonly method: string; readonly l2: number };
  readonly models: Readonly<
    Record<
      NudgeType,
      { readonly path: string; readonly control: OutcomeAction; readonly metrics: UpliftMetrics }
    >
  >;
  readonly controls: Readonly<
    Record<OutcomeAction, { readonly path: string; readonly metrics: UpliftMetrics }>
  >;
}

function upliftMetrics({ train, test, auc, calibration }: UpliftModelOutcome): UpliftMetrics {
  return {
    ...fromLogMetrics({ train, test }, auc),
    test_calibration_in_the_large: roundMetric(calibration.inTheLarge),
  };
}

/**
 * The set's version: `uplift-` and the content hash `train` uses, over the treated models
 * (`treated/<type>`, NUDGE_TYPES order) then the control models (`control/<action>`).
 */
export function upliftSetVersion(sources: ManifestSources, set: TrainedUpliftSet): string {
  return `uplift-${modelSetVersion(FEATURE_NAMES, manifestScaling(sources.scaling), [
    ...set.treated.map(({ type, model }) => [`treated/${type}`, model] as const),
    ...set.controls.map(({ action, model }) => [`control/${action}`, model] as const),
  ])}`;
}

export function upliftManifest(sources: ManifestSources, set: TrainedUpliftSet): UpliftManifest {
  return {
    version: upliftSetVersion(sources, set),
    objective: 'uplift',
    ...manifestSourceFields(sources),
    holdout_share: roundMetric(set.holdoutShare),
    feature_names: FEATURE_NAMES,
    scaling: manifestScaling(sources.scaling),
    trainer: { method: UPLIFT_TRAINER_METHOD, l2: L2_PENALTY },
    models: Object.fromEntries(
      set.treated.map(({ type, outcome }) => [
        type,
        {
          path: treatedModelPath(type),
          control: NUDGE_ACTIONS[type],
          metrics: upliftMetrics(outcome),
        },
      ]),
    ) as UpliftManifest['models'],
    controls: Object.fromEntries(
      set.controls.map(({ action, outcome }) => [
        action,
        { path: controlModelPath(action), metrics: upliftMetrics(outcome) },
      ]),
    ) as UpliftManifest['controls'],
  };
}

/** Everything the summary and the report say about one run. */
export interface UpliftRun {
  readonly decisionsPath: string;
  readonly outcomesPath: string;
  readonly split: TimeSplit;
  readonly decisions: number;
  readonly heldOut: number;
  /** Decisions on either side of the split. */
  readonly trainDecisions: number;
  readonly testDecisions: number;
  readonly rewardDays: number;
  readonly clip: number;
  readonly holdoutDays: number;
  readonly set: TrainedUpliftSet;
  readonly deployed: { readonly dir: string; readonly version: string };
  readonly version: string;
  readonly modelsDir: string;
}

export const probability = (value: number): string => value.toFixed(4);
export const upliftValue = (value: number): string => withSign(value, 4);

const auc = (value: HoldoutAuc): string =>
  `${value.weighted.toFixed(3)} weighted, ${value.unweighted.toFixed(3)} unweighted`;

/** Every model of the set, treated then control. */
export function upliftOutcomes(set: TrainedUpliftSet): UpliftModelOutcome[] {
  return [...set.treated, ...set.controls].map(({ outcome }) => outcome);
}

function modelLine(outcome: UpliftModelOutcome): string {
  const { name, train, test, calibration } = outcome;
  const deployed = outcome.deployed === undefined ? '' : `; deployed ${auc(outcome.deployed)}`;
  return `${name}: ${plural(train.labels.length, 'train row')} (${train.positives} positive), ${plural(test.labels.length, 'test row')} (${test.positives} positive); test AUC ${auc(outcome.auc)}; calibration in the large ${upliftValue(calibration.inTheLarge)}${deployed}`;
}

/** The reliability tables, one line per model: each bin's rows, mean predicted → observed rate. */
function reliabilityLines(outcomes: readonly UpliftModelOutcome[]): string[] {
  return table(
    outcomes.map(({ name, calibration }) => [
      name,
      ...calibration.bins.map(
        (bin) => `${bin.rows}: ${probability(bin.predicted)} → ${probability(bin.observed)}`,
      ),
    ]),
  ).map((line) => `  ${line.trimEnd()}`);
}

/** One line per type: each bin's treated/control rows, mean predicted → observed uplift. */
function upliftLines(uplift: readonly TypeUpliftCalibration[]): string[] {
  return table(
    uplift.map(({ type, action, bins }) => [
      `${type} (${action})`,
      ...bins.map(
        (bin) =>
          `${bin.treatedRows}/${bin.controlRows}: ${upliftValue(bin.predicted)} → ${bin.observed === null ? '—' : upliftValue(bin.observed)}`,
      ),
    ]),
  ).map((line) => `  ${line.trimEnd()}`);
}

/** The first line: the logs, ĥ, the split, the reward and the weights. */
function headline(run: UpliftRun): string {
  const day = formatCalendarDate;
  const { firstDay, lastDay, testFrom } = run.split;
  return `train --from-log --objective uplift: ${run.decisionsPath} and ${run.outcomesPath}: ${plural(run.decisions, 'decision')}, ${run.heldOut} held out (ĥ ${run.set.holdoutShare.toFixed(4)}); trained on ${plural(run.trainDecisions, 'decision')} from ${day(firstDay)} to ${day(testFrom - 1)}, tested on ${plural(run.testDecisions, 'decision')} from ${day(testFrom)} to ${day(lastDay)}; reward: the action within ${plural(run.rewardDays, 'day')}; weights: treated 1/((1 − ĥ)·slot-1 propensity), control 1/ĥ held out or 1/((1 − ĥ)·slate propensity) served, clipped at ${run.clip}; deployed: ${run.deployed.dir} (version ${run.deployed.version})`;
}

/**
 * The summary: the logs and the split, a line per model, the reliability and uplift calibration
 * tables of the test split, then where the models went (and how long it took, `seconds`).
 */
export function upliftSummary(run: UpliftRun, seconds: number): string[] {
  const outcomes = upliftOutcomes(run.set);
  return [
    headline(run),
    ...outcomes.map(modelLine),
    'reliability on the test split, by fifths of the predicted probability (rows: mean predicted → observed rate, both weighted):',
    ...reliabilityLines(outcomes),
    'uplift calibration on the test split, by fifths of the predicted uplift treated − control (treated/control rows: mean predicted → observed uplift, weighted):',
    ...upliftLines(run.set.uplift),
    `train --from-log --objective uplift: ${plural(outcomes.length, 'model')} (${run.set.treated.length} treated, ${run.set.controls.length} control), version ${run.version} -> ${run.modelsDir} (calibration in ${UPLIFT_REPORT_FILE}) in ${seconds.toFixed(1)} s`,
  ];
}
