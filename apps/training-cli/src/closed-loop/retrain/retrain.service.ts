import { Injectable } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FEATURE_COUNT,
  linearProbability,
  loadModelSet,
  ModelObjective,
  ModelSet,
  Tf,
  tfRuntime,
} from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { controlModelPath, treatedModelPath, UPLIFT_REPORT_FILE } from '../../cli/file-names';
import { ProgressService } from '../../cli/progress.service';
import { LogFiles, LogPaths, resolveLogs } from '../../cli/log-file';
import {
  LoggedDecisions,
  LoggedOutcomes,
  readLoggedDecisions,
  readLoggedOutcomes,
} from './retrain-logs';
import { fromLogManifest, fromLogSummary, ManifestSources, TrainedFromLog } from './retrain-report';
import {
  requireTrainable,
  TimeSplit,
  timeSplit,
  trainDecisions,
  TypeRows,
  typeRows,
} from './retrain-rows';
import { fitFromRows, holdoutAuc } from './retrain-training';
import { fitUpliftSet, UPLIFT_MODEL_COUNT } from './retrain-uplift';
import { upliftMarkdown } from './retrain-uplift-markdown';
import {
  TrainedUpliftSet,
  upliftManifest,
  UpliftRun,
  upliftSummary,
} from './retrain-uplift-report';
import { requireTrainableUplift, UpliftRows, upliftRows } from './retrain-uplift-rows';
import { copiesWarning } from '../uplift/uplift-text';
import { saveLinearModel } from '../../offline/model/linear-layers-model';
import { TRAINING_BACKEND } from '../../offline/model/model-training';
import { fitScaling, Scaling } from '../../offline/model/standardization';
import { writeManifest } from '../../offline/model/training-manifest';

export interface RetrainRequest {
  readonly decisions: LogPaths;
  readonly outcomes: LogPaths;
  readonly modelsDir: string;
  /** The deployed models, scored on the same test rows for comparison. */
  readonly baselineModelsDir: string;
  /** `propensity`: a model per type of acting on it; `uplift`: treated and control models. */
  readonly objective: ModelObjective;
  readonly rewardDays: number;
  readonly clip: number;
  readonly holdoutDays: number;
}

/** The flags' defaults: `train --from-log` and closed-loop-report run with these. */
export const RETRAIN_DEFAULTS = {
  objective: 'propensity',
  rewardDays: 1,
  clip: 10,
  holdoutDays: 7,
} as const;

/** The deployed set must load: a comparison against nothing would hide a mistyped folder. */
async function loadDeployed(dir: string): Promise<ModelSet> {
  try {
    return await loadModelSet(dir);
  } catch (error) {
    throw new CliUsageError(`--baseline-models-dir ${dir}: ${(error as Error).message}`);
  }
}

/** The logs read and checked, the split, and the deployed set: what either objective starts from. */
interface RetrainInputs {
  readonly request: RetrainRequest;
  readonly logs: { readonly decisions: LogFiles; readonly outcomes: LogFiles };
  readonly started: number;
  readonly deployed: ModelSet;
  readonly decisions: LoggedDecisions;
  readonly outcomes: LoggedOutcomes;
  readonly split: TimeSplit;
}

/** The tfjs runtime on the backend training uses. */
async function trainingTf(): Promise<Tf> {
  const { tf } = tfRuntime();
  await tf.setBackend(TRAINING_BACKEND);
  return tf;
}

/** What the manifest records besides the models, from the inputs and the fitted scaling. */
function manifestSources(inputs: RetrainInputs, scaling: Scaling): ManifestSources {
  const { request, decisions, outcomes, split } = inputs;
  return {
    decisions: decisions.provenance,
    outcomes: outcomes.provenance,
    split,
    rewardDays: request.rewardDays,
    clip: request.clip,
    holdoutDays: request.holdoutDays,
    scaling,
  };
}

/**
 * `train --from-log`: refits the models on what learners did after the decisions a platform
 * made (docs/training.md, "Retraining from logs"): with the propensity objective one model per
 * nudge type, the same files as `train`; with the uplift objective a treated model per type and
 * a control model per action, and a calibration report. The same logs give byte-identical files.
 */
@Injectable()
export class RetrainService {
  constructor(private readonly progress: ProgressService) {}

  /**
   * Writes the models and their manifest; resolves with the summary, the lines to print. `warn`
   * hears, once the logs are read, that copies of decision lines were skipped.
   */
  async train(request: RetrainRequest, warn: (line: string) => void): Promise<string[]> {
    const started = Date.now();
    const logs = await resolveLogs(request);
    const deployed = await loadDeployed(request.baselineModelsDir);
    const decisions = await readLoggedDecisions(logs.decisions);
    const outcomes = await readLoggedOutcomes(logs.outcomes, decisions.table);
    const { copies } = decisions.table;
    if (copies !== undefined) warn(copiesWarning(logs.decisions, copies));
    const split = timeSplit(decisions.day, request.holdoutDays);
    const inputs = { request, logs, started, deployed, decisions, outcomes, split };
    return request.objective === 'uplift' ? this.trainUplift(inputs) : this.trainPropensity(inputs);
  }

  /** One model per type on every delivered nudge, weighted by its shown propensity. */
  private async trainPropensity(inputs: RetrainInputs): Promise<string[]> {
    const { request, logs, decisions, outcomes, split } = inputs;
    const types = typeRows(decisions, outcomes.actionDays, {
      ...request,
      testFrom: split.testFrom,
    });
    requireTrainable(types, logs.decisions.name);
    const delivering = (decision: number) => decisions.deliveredNothing[decision] === 0;
    const scalingRows = trainDecisions(decisions.day, split.testFrom, delivering);
    const scaling = fitScaling(decisions.features, FEATURE_COUNT, scalingRows);

    const tf = await trainingTf();
    const trained = this.fitTypes(tf, decisions, scaling, types, inputs.deployed);
    await mkdir(request.modelsDir, { recursive: true });
    for (const { model, outcome } of trained) {
      await saveLinearModel(tf, request.modelsDir, outcome.rows.type, model);
    }
    const manifest = fromLogManifest(manifestSources(inputs, scaling), trained);
    await writeManifest(request.modelsDir, manifest);

    const deliveringDecisions =
      decisions.deliveredNothing.length - count(decisions.deliveredNothing);
    return fromLogSummary({
      decisionsPath: logs.decisions.name,
      outcomesPath: logs.outcomes.name,
      split,
      trainDecisions: scalingRows.length,
      testDecisions: deliveringDecisions - scalingRows.length,
      rewardDays: request.rewardDays,
      clip: request.clip,
      types: trained.map(({ outcome }) => outcome),
      deployed: { dir: request.baselineModelsDir, version: inputs.deployed.version },
      version: manifest.version,
      modelsDir: request.modelsDir,
      seconds: (Date.now() - inputs.started) / 1000,
    });
  }

  /**
   * A treated model per type and a control model per action, their calibration checked on the
   * test split; writes the models, training_report.md, then the manifest.
   */
  private async trainUplift(inputs: RetrainInputs): Promise<string[]> {
    const { request, logs, decisions, outcomes, split } = inputs;
    const rows = upliftRows(decisions, outcomes.actionDays, {
      ...request,
      testFrom: split.testFrom,
    });
    requireTrainableUplift(rows, logs.decisions.name);
    const scalingRows = trainDecisions(decisions.day, split.testFrom);
    const scaling = fitScaling(decisions.features, FEATURE_COUNT, scalingRows);

    const tf = await trainingTf();
    const set = this.fitUplift(tf, decisions.features, scaling, rows, inputs.deployed);
    await saveUpliftModels(tf, request.modelsDir, set);
    const manifest = upliftManifest(manifestSources(inputs, scaling), set);
    const run: UpliftRun = {
      decisionsPath: logs.decisions.name,
      outcomesPath: logs.outcomes.name,
      split,
      decisions: decisions.day.length,
      heldOut: count(decisions.holdout),
      trainDecisions: scalingRows.length,
      testDecisions: decisions.day.length - scalingRows.length,
      rewardDays: request.rewardDays,
      clip: request.clip,
      holdoutDays: request.holdoutDays,
      set,
      deployed: { dir: request.baselineModelsDir, version: inputs.deployed.version },
      version: manifest.version,
      modelsDir: request.modelsDir,
    };
    await writeFile(join(request.modelsDir, UPLIFT_REPORT_FILE), upliftMarkdown(run, manifest));
    await writeManifest(request.modelsDir, manifest);
    return upliftSummary(run, (Date.now() - inputs.started) / 1000);
  }

  /** Fits the uplift set with a progress bar over its nine models. */
  private fitUplift(
    tf: Tf,
    features: Float64Array,
    scaling: Scaling,
    rows: UpliftRows,
    deployed: ModelSet,
  ): TrainedUpliftSet {
    const task = this.progress.task('train', UPLIFT_MODEL_COUNT);
    try {
      return fitUpliftSet(
        { tf, features, scaling, fitted: () => task.increment(1) },
        rows,
        deployed,
      );
    } finally {
      task.stop();
    }
  }

  /** Fits each type and scores its test rows with the new model and with the deployed one. */
  private fitTypes(
    tf: Tf,
    decisions: LoggedDecisions,
    scaling: Scaling,
    types: readonly TypeRows[],
    deployed: ModelSet,
  ): TrainedFromLog[] {
    const task = this.progress.task('train', types.length);
    try {
      return types.map((rows) => {
        const model = fitFromRows(tf, decisions.features, scaling, rows.train);
        const auc = holdoutAuc(decisions.features, rows.test, (x) => linearProbability(model, x));
        const deployedAuc = deployed.has(rows.type)
          ? holdoutAuc(decisions.features, rows.test, (x) => deployed.probability(rows.type, x)!)
          : undefined;
        task.increment(1);
        return { model, outcome: { rows, auc, deployed: deployedAuc } };
      });
    } finally {
      task.stop();
    }
  }
}

/** How many of the flags are set. */
function count(flags: Uint8Array): number {
  let set = 0;
  for (const flag of flags) set += flag;
  return set;
}

/** Saves the treated models under treated/<type>/ and the control models under control/<action>/. */
async function saveUpliftModels(tf: Tf, modelsDir: string, set: TrainedUpliftSet): Promise<void> {
  await mkdir(modelsDir, { recursive: true });
  for (const { type, model } of set.treated) {
    await saveLinearModel(tf, modelsDir, `treated_${type}`, model, treatedModelPath(type));
  }
  for (const { action, model } of set.controls) {
    await saveLinearModel(tf, modelsDir, `control_${action}`, model, controlModelPath(action));
  }
}
