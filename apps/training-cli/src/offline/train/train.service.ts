import { Injectable } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { NUDGE_TYPES } from '@app/learner';
import { FEATURE_NAMES, tfRuntime } from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { DATA_FILES, modelPath } from '../../cli/file-names';
import { ProgressService } from '../../cli/progress.service';
import { readDataset, splitRows } from '../dataset/dataset-file';
import { readPeerSnapshotFile } from '../simulate/simulation-files';
import { roundMetric } from '../model/metrics';
import { saveLinearModel } from '../model/linear-layers-model';
import {
  CV_FOLDS,
  cvSummary,
  DECISION_THRESHOLD,
  L2_PENALTY,
  TRAINING_BACKEND,
  trainModels,
  TrainingResult,
} from '../model/model-training';
import {
  modelSetVersion,
  TrainedModel,
  TrainingManifest,
  writeManifest,
} from '../model/training-manifest';

export interface TrainRequest {
  readonly dataDir: string;
  readonly modelsDir: string;
}

@Injectable()
export class TrainService {
  constructor(private readonly progress: ProgressService) {}

  async train(request: TrainRequest): Promise<void> {
    const started = Date.now();
    const simulation = await readPeerSnapshotFile(join(request.dataDir, DATA_FILES.snapshots));
    const datasetPath = join(request.dataDir, DATA_FILES.dataset);
    const dataset = await readDataset(datasetPath);
    const trainRows = splitRows(dataset, false);
    const testRows = splitRows(dataset, true);
    if (trainRows.length < CV_FOLDS * 10 || testRows.length < 10) {
      throw new CliUsageError(`${datasetPath} has too few rows to train and test on`);
    }
    const { tf } = tfRuntime();
    await tf.setBackend(TRAINING_BACKEND);

    const task = this.progress.task('train', NUDGE_TYPES.length * (1 + CV_FOLDS));
    let result: TrainingResult;
    try {
      result = trainModels(tf, dataset, trainRows, testRows, simulation.seed, () =>
        task.increment(1),
      );
    } finally {
      task.stop();
    }

    await mkdir(request.modelsDir, { recursive: true });
    const models: Record<string, TrainedModel> = {};
    for (const trained of result.types) {
      await saveLinearModel(tf, request.modelsDir, trained.type, trained.model);
      const cv = cvSummary(trained.cv);
      models[trained.type] = {
        path: modelPath(trained.type),
        metrics: {
          test_auc: roundMetric(trained.test.auc),
          oracle_auc: roundMetric(trained.oracleAuc),
          test_accuracy: roundMetric(trained.test.accuracy),
          cv_auc_mean: roundMetric(cv.auc.mean),
          cv_auc_std: roundMetric(cv.auc.std),
          threshold: DECISION_THRESHOLD,
          cv_accuracy_mean: roundMetric(cv.accuracy.mean),
          cv_accuracy_std: roundMetric(cv.accuracy.std),
          train_rows: result.trainRows,
          test_rows: result.testRows,
          train_positive_rate: roundMetric(trained.trainPositiveRate),
          test_positive_rate: roundMetric(trained.testPositiveRate),
        },
      };
    }
    const scaling = { mean: Array.from(result.scaling.mean), std: Array.from(result.scaling.std) };
    const manifest: TrainingManifest = {
      version: modelSetVersion(
        FEATURE_NAMES,
        scaling,
        result.types.map((trained) => [trained.type, trained.model] as const),
      ),
      seed: simulation.seed,
      users: simulation.users,
      snapshots: simulation.snapshots.length,
      as_of: simulation.as_of,
      dataset_sha256: dataset.sha256,
      feature_names: FEATURE_NAMES,
      scaling,
      trainer: {
        method: 'L2 logistic regression, full-batch Newton (IRLS) steps with tfjs ops',
        l2: L2_PENALTY,
        cv_folds: CV_FOLDS,
        tfjs_backend: TRAINING_BACKEND,
      },
      models,
    };
    await writeManifest(request.modelsDir, manifest);

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const aucs = result.types
      .map((t) => `${t.type} ${t.test.auc.toFixed(3)} (oracle ${t.oracleAuc.toFixed(3)})`)
      .join(', ');
    this.progress.summary(
      `train: ${NUDGE_TYPES.length} models on ${result.trainRows} rows, test AUC ${aucs}, version ${manifest.version} -> ${request.modelsDir} in ${seconds} s`,
    );
  }
}
