import { formatCalendarDate, NudgeType } from '@app/learner';
import { FEATURE_NAMES, ModelManifest } from '@app/ml';
import { plural } from '../../cli/format';
import { modelPath } from '../../cli/file-names';
import { LogProvenance } from './retrain-logs';
import { TimeSplit, TypeRows } from './retrain-rows';
import { HoldoutAuc } from './retrain-training';
import { roundMetric } from '../../offline/model/metrics';
import { L2_PENALTY } from '../../offline/model/model-training';
import { RawLinearWeights, Scaling } from '../../offline/model/standardization';
import { modelSetVersion } from '../../offline/model/training-manifest';

const TRAINER_METHOD =
  'L2 logistic regression weighted by min(1/shown propensity, clip), the shown propensity of a slot-s row being the product of the propensities of slots 1..s; full-batch Newton (IRLS) steps in float64';

/** What `train --from-log` measured of a model, on the last --holdout-days of decisions. */
export interface FromLogMetrics {
  readonly test_auc_weighted: number;
  readonly test_auc_unweighted: number;
  readonly train_rows: number;
  readonly test_rows: number;
  readonly train_positives: number;
  readonly test_positives: number;
}

export interface FromLogModel {
  readonly path: string;
  readonly metrics: FromLogMetrics;
}

/**
 * `manifest.json` as `train --from-log` writes it: everything the API reads (version, feature
 * names, scaling, model paths) as `train` writes it, then where the rows came from instead of a
 * simulation's seed and dataset. Nothing in it depends on when or where the command ran.
 */
export interface FromLogManifest
  extends Pick<ModelManifest, 'version' | 'feature_names' | 'scaling'>, ManifestSourceFields {
  readonly objective: 'propensity';
  readonly trainer: { readonly method: string; readonly l2: number };
  readonly models: Readonly<Record<NudgeType, FromLogModel>>;
}

/** What a manifest written from logs records of the logs, the reward window, the clip and the split. */
export interface ManifestSourceFields {
  readonly logs: LogsProvenance;
  readonly reward_days: number;
  readonly clip: number;
  readonly holdout_days: number;
  /** The first day of the test split. */
  readonly test_from: string;
}

/**
 * A log's record in the manifest: its file's, as it has always been for a log of one file, or
 * each of its files' in the order they were read.
 */
export type ManifestLog = LogProvenance | readonly LogProvenance[];

/** The manifest's record of the two logs a set was trained from. */
export interface LogsProvenance {
  readonly decisions: ManifestLog;
  readonly outcomes: ManifestLog;
  /** The decisions' first and last `as_of`. */
  readonly first_day: string;
  readonly last_day: string;
}

/** One type's rows, and the AUC of the new and of the deployed model on its test rows. */
export interface TypeOutcome {
  readonly rows: TypeRows;
  readonly auc: HoldoutAuc;
  /** Undefined when the deployed set has no model of this type. */
  readonly deployed: HoldoutAuc | undefined;
}

/** A type's model as it will be saved, and how it did. */
export interface TrainedFromLog {
  readonly model: RawLinearWeights;
  readonly outcome: TypeOutcome;
}

/** What the manifest records besides the models. */
export interface ManifestSources {
  /** Per file of each log, in the order read. */
  readonly decisions: readonly LogProvenance[];
  readonly outcomes: readonly LogProvenance[];
  readonly split: TimeSplit;
  readonly rewardDays: number;
  readonly clip: number;
  readonly holdoutDays: number;
  readonly scaling: Scaling;
}

/** A model's rows and positives on each side of the split, and its test AUC, as recorded. */
export function fromLogMetrics(
  rows: Pick<TypeRows, 'train' | 'test'>,
  auc: HoldoutAuc,
): FromLogMetrics {
  const { train, test } = rows;
  return {
    test_auc_weighted: roundMetric(auc.weighted),
    test_auc_unweighted: roundMetric(auc.unweighted),
    train_rows: train.labels.length,
    test_rows: test.labels.length,
    train_positives: train.positives,
    test_positives: test.positives,
  };
}

/** The scaling as the manifest stores it: plain arrays. */
export function manifestScaling(scaling: Scaling): { mean: number[]; std: number[] } {
  return { mean: Array.from(scaling.mean), std: Array.from(scaling.std) };
}

function manifestLog(files: readonly LogProvenance[]): ManifestLog {
  return files.length === 1 ? files[0] : files;
}

/** Each file's record in a ManifestLog, in the order read. */
export function manifestLogFiles(log: ManifestLog): readonly LogProvenance[] {
  return 'file' in log ? [log] : log;
}

/** The same fields in the manifests of both objectives. */
export function manifestSourceFields(sources: ManifestSources): ManifestSourceFields {
  return {
    logs: {
      decisions: manifestLog(sources.decisions),
      outcomes: manifestLog(sources.outcomes),
      first_day: formatCalendarDate(sources.split.firstDay),
      last_day: formatCalendarDate(sources.split.lastDay),
    },
    reward_days: sources.rewardDays,
    clip: sources.clip,
    holdout_days: sources.holdoutDays,
    test_from: formatCalendarDate(sources.split.testFrom),
  };
}

export function fromLogManifest(
  sources: ManifestSources,
  trained: readonly TrainedFromLog[],
): FromLogManifest {
  const scaling = manifestScaling(sources.scaling);
  return {
    version: modelSetVersion(
      FEATURE_NAMES,
      scaling,
      trained.map(({ model, outcome }) => [outcome.rows.type, model] as const),
    ),
    objective: 'propensity',
    ...manifestSourceFields(sources),
    feature_names: FEATURE_NAMES,
    scaling,
    trainer: { method: TRAINER_METHOD, l2: L2_PENALTY },
    models: Object.fromEntries(
      trained.map(({ outcome }) => [
        outcome.rows.type,
        { path: modelPath(outcome.rows.type), metrics: fromLogMetrics(outcome.rows, outcome.auc) },
      ]),
    ) as Record<NudgeType, FromLogModel>,
  };
}

/** Everything the summary says about one run. */
export interface FromLogRun {
  /** The logs as messages name them (LogFiles.name). */
  readonly decisionsPath: string;
  readonly outcomesPath: string;
  readonly split: TimeSplit;
  /** Delivering decisions on either side of the split. */
  readonly trainDecisions: number;
  readonly testDecisions: number;
  readonly rewardDays: number;
  readonly clip: number;
  readonly types: readonly TypeOutcome[];
  readonly deployed: { readonly dir: string; readonly version: string };
  readonly version: string;
  readonly modelsDir: string;
  readonly seconds: number;
}

const auc = (value: HoldoutAuc): string =>
  `${value.weighted.toFixed(3)} weighted, ${value.unweighted.toFixed(3)} unweighted`;

function typeLine(outcome: TypeOutcome): string {
  const { type, train, test } = outcome.rows;
  const deployed = outcome.deployed === undefined ? `no ${type} model` : auc(outcome.deployed);
  return `${type}: ${plural(train.labels.length, 'train row')} (${train.positives} positive), ${plural(test.labels.length, 'test row')} (${test.positives} positive); test AUC ${auc(outcome.auc)}; deployed ${deployed}`;
}

/** The summary: the logs and the split, one line per type, then where the models went. */
export function fromLogSummary(run: FromLogRun): string[] {
  const day = formatCalendarDate;
  const { firstDay, lastDay, testFrom } = run.split;
  return [
    `train --from-log: ${run.decisionsPath} and ${run.outcomesPath}: trained on the nudges delivered in ${plural(run.trainDecisions, 'decision')} from ${day(firstDay)} to ${day(testFrom - 1)}, tested on ${plural(run.testDecisions, 'decision')} from ${day(testFrom)} to ${day(lastDay)}; reward: the nudge's action within ${plural(run.rewardDays, 'day')}; weight: 1/(product of the propensities of slots 1..s) clipped at ${run.clip}; deployed: ${run.deployed.dir} (version ${run.deployed.version})`,
    ...run.types.map(typeLine),
    `train --from-log: ${plural(run.types.length, 'model')}, version ${run.version} -> ${run.modelsDir} in ${run.seconds.toFixed(1)} s`,
  ];
}
