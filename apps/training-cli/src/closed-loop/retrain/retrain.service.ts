import { Injectable } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import { FEATURE_COUNT, linearProbability, loadModelSet, ModelSet, Tf, tfRuntime } from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { ProgressService } from '../../cli/progress.service';
import { requireLogFiles } from '../../cli/log-file';
import { DeliveredNudges, readDeliveredNudges, readLoggedOutcomes } from './retrain-logs';
import { fromLogManifest, fromLogSummary, TrainedFromLog } from './retrain-report';
import { requireTrainable, timeSplit, trainDecisions, TypeRows, typeRows } from './retrain-rows';
import { fitFromRows, holdoutAuc } from './retrain-training';
import { saveLinearModel } from '../../offline/model/linear-layers-model';
import { TRAINING_BACKEND } from '../../offline/model/model-training';
import { fitScaling, Scaling } from '../../offline/model/standardization';
import { writeManifest } from '../../offline/model/training-manifest';

export interface RetrainRequest {
  readonly decisions: string;
  readonly outcomes: string;
  readonly modelsDir: string;
  /** The deployed models, scored on the same test rows for comparison. */
  readonly baselineModelsDir: string;
  readonly rewardDays: number;
  readonly clip: number;
  readonly holdoutDays: number;
}

/** The flags' defaults: `train --from-log` and closed-loop-report run with these. */
export const RETRAIN_DEFAULTS = { rewardDays: 1, clip: 10, holdoutDays: 7 } as const;

/** The deployed set must load: a comparison against nothing would hide a mistyped folder. */
async function loadDeployed(dir: string): Promise<ModelSet> {
  try {
    return await loadModelSet(dir);
  } catch (error) {
    throw new CliUsageError(`--baseline-models-dir ${dir}: ${(error as Error).message}`);
  }
}

/**
 * `train --from-log`: refits every nudge type's model on what learners did after the nudges a
 * platform delivered (docs/training.md, "Retraining from logs"), and writes the same files as
 * `train`. The same logs give byte-identical files.
 */
@Injectable()
export class RetrainService {
  constructor(private readonly progress: ProgressService) {}

  /** Writes the models and their manifest; resolves with the summary, the lines to print. */
  async train(request: RetrainRequest): Promise<string[]> {
    const started = Date.now();
    await requireLogFiles(request);
    const deployed = await loadDeployed(request.baselineModelsDir);
    const nudges = await readDeliveredNudges(request.decisions);
    const outcomes = await readLoggedOutcomes(request.outcomes, nudges.table);
    const split = timeSplit(nudges.table.dayOf, request.holdoutDays);
    const types = typeRows(nudges, outcomes.actionDays, { ...request, testFrom: split.testFrom });
    requireTrainable(types, request.decisions);
    const scalingRows = trainDecisions(nudges.decisionDay, split.testFrom);
    const scaling = fitScaling(nudges.features, FEATURE_COUNT, scalingRows);

    const { tf } = tfRuntime();
    await tf.setBackend(TRAINING_BACKEND);
    const trained = this.fitTypes(tf, nudges, scaling, types, deployed);
    await mkdir(request.modelsDir, { recursive: true });
    for (const { model, outcome } of trained) {
      await saveLinearModel(tf, request.modelsDir, outcome.rows.type, model);
    }
    const manifest = fromLogManifest(
      {
        decisions: nudges.provenance,
        outcomes: outcomes.provenance,
        split,
        rewardDays: request.rewardDays,
        clip: request.clip,
        holdoutDays: request.holdoutDays,
        scaling,
      },
      trained,
    );
    await writeManifest(request.modelsDir, manifest);

    const summary = fromLogSummary({
      decisionsPath: request.decisions,
      outcomesPath: request.outcomes,
      split,
      trainDecisions: scalingRows.length,
      testDecisions: nudges.decisionDay.length - scalingRows.length,
      rewardDays: request.rewardDays,
      clip: request.clip,
      types: trained.map(({ outcome }) => outcome),
      deployed: { dir: request.baselineModelsDir, version: deployed.version },
      version: manifest.version,
      modelsDir: request.modelsDir,
      seconds: (Date.now() - started) / 1000,
    });
    return summary;
  }

  /** Fits each type and scores its test rows with the new model and with the deployed one. */
  private fitTypes(
    tf: Tf,
    nudges: DeliveredNudges,
    scaling: Scaling,
    types: readonly TypeRows[],
    deployed: ModelSet,
  ): TrainedFromLog[] {
    const task = this.progress.task('train', types.length);
    try {
      return types.map((rows) => {
        const model = fitFromRows(tf, nudges.features, scaling, rows.train);
        const auc = holdoutAuc(nudges.features, rows.test, (x) => linearProbability(model, x));
        const deployedAuc = deployed.has(rows.type)
          ? holdoutAuc(nudges.features, rows.test, (x) => deployed.probability(rows.type, x)!)
          : undefined;
        task.increment(1);
        return { model, outcome: { rows, auc, deployed: deployedAuc } };
      });
    } finally {
      task.stop();
    }
  }
}
