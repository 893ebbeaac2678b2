import { Injectable } from '@nestjs/common';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NUDGE_TYPES } from '@app/learner';
import {
  checkManifest,
  FEATURE_COUNT,
  linearModelFromLayers,
  loadLayersModel,
  MANIFEST_FILE,
} from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { DATA_FILES, REPORT_FILES } from '../../cli/file-names';
import { ProgressService } from '../../cli/progress.service';
import { readDataset, splitRows } from '../dataset/dataset-file';
import { ACTION_STORIES, STORY_SUMMARY } from '../simulate/generative-story';
import { requireInput } from '../simulate/simulation-files';
import { classificationMetrics, rocAuc, roundMetric } from '../model/metrics';
import { pick, predict } from '../model/model-training';
import { TrainingManifest } from '../model/training-manifest';
import { CHART_FONT, chartFontFiles, renderPngs } from '../../cli/chart-renderer';
import { classificationReport, ModelReport } from './classification-report';
import {
  featureImportance,
  featureImportanceChart,
  featureImportanceCsv,
  FeatureImportance,
} from './feature-importance';

export interface ReportRequest {
  readonly dataDir: string;
  readonly modelsDir: string;
  readonly reportsDir: string;
}

function count(values: Float64Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

@Injectable()
export class ReportService {
  constructor(private readonly progress: ProgressService) {}

  /**
   * Scores the test split with the saved models, loaded the way the API loads them, and writes
   * the classification report, metrics.json and a feature-importance CSV and PNG per model.
   */
  async report(request: ReportRequest): Promise<void> {
    const started = Date.now();
    const manifestPath = join(request.modelsDir, MANIFEST_FILE);
    const manifest = await this.readManifest(manifestPath);
    const datasetPath = join(request.dataDir, DATA_FILES.dataset);
    const dataset = await readDataset(datasetPath);
    if (dataset.sha256 !== manifest.dataset_sha256) {
      throw new CliUsageError(
        `${manifestPath} was trained on another ${datasetPath} (sha256 differs; rerun \`train\`)`,
      );
    }
    const trainRows = splitRows(dataset, false);
    const testRows = splitRows(dataset, true);

    const models: ModelReport[] = [];
    const importances: FeatureImportance[][] = [];
    for (const [t, type] of NUDGE_TYPES.entries()) {
      const entry = manifest.models[type];
      if (entry === undefined)
        throw new CliUsageError(`${manifestPath} has no ${type} model (rerun \`train\`)`);
      const modelJson = join(request.modelsDir, entry.path);
      await requireInput(modelJson, 'train');
      const layers = await loadLayersModel(modelJson);
      const linear = (() => {
        try {
          return linearModelFromLayers(type, layers, FEATURE_COUNT);
        } finally {
          layers.dispose();
        }
      })();
      const scores = predict(dataset, testRows, linear);
      const truth = pick(dataset.labels[t], testRows);
      const metrics = entry.metrics;
      models.push({
        type,
        story: ACTION_STORIES[type],
        threshold: metrics.threshold,
        test: classificationMetrics(scores, truth, metrics.threshold),
        testAuc: rocAuc(scores, truth),
        oracleAuc: rocAuc(pick(dataset.pTrue[t], testRows), truth),
        cvAccuracy: { mean: metrics.cv_accuracy_mean, std: metrics.cv_accuracy_std },
        cvAuc: { mean: metrics.cv_auc_mean, std: metrics.cv_auc_std },
        train: { rows: trainRows.length, positives: count(pick(dataset.labels[t], trainRows)) },
        testSplit: { rows: testRows.length, positives: count(truth) },
      });
      importances.push(featureImportance(linear.weights, manifest.scaling.std));
    }

    await mkdir(request.reportsDir, { recursive: true });
    const text = classificationReport(
      {
        version: manifest.version,
        seed: manifest.seed,
        users: manifest.users,
        snapshots: manifest.snapshots,
        asOf: manifest.as_of,
        datasetSha256: manifest.dataset_sha256,
        trainer: `${manifest.trainer.method}; L2 penalty ${manifest.trainer.l2} (scikit-learn's C = 1) on standardised features, folded into one Dense(1, sigmoid) layer over the raw feature vector`,
        story: STORY_SUMMARY,
      },
      models,
    );
    await writeFile(join(request.reportsDir, REPORT_FILES.classification), text);
    await writeFile(
      join(request.reportsDir, REPORT_FILES.metrics),
      `${JSON.stringify(metricsJson(manifest, models), null, 2)}\n`,
    );
    const charts = models.map((model, i) =>
      featureImportanceChart(model.type, model.story.action, importances[i], model.testAuc),
    );
    const pngs = await renderPngs(charts, { family: CHART_FONT, files: chartFontFiles() });
    for (const [i, model] of models.entries()) {
      await writeFile(
        join(request.reportsDir, REPORT_FILES.importanceCsv(model.type)),
        featureImportanceCsv(importances[i]),
      );
      await writeFile(join(request.reportsDir, REPORT_FILES.importancePng(model.type)), pngs[i]);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    this.progress.summary(
      `report: ${models.length} models, ${REPORT_FILES.classification}, ${REPORT_FILES.metrics}, ${models.length * 2} feature-importance files -> ${request.reportsDir} in ${seconds} s`,
    );
  }

  private async readManifest(path: string): Promise<TrainingManifest> {
    await requireInput(path, 'train');
    try {
      const manifest = checkManifest(JSON.parse(await readFile(path, 'utf8'))) as TrainingManifest;
      if (typeof manifest.trainer?.method !== 'string' || typeof manifest.as_of !== 'string') {
        throw new Error('it lacks the training details');
      }
      return manifest;
    } catch (error) {
      throw new CliUsageError(
        `${path} is not a manifest written by \`train\`: ${(error as Error).message}`,
      );
    }
  }
}

/** `metrics.json`: the five numbers per model the issue asks for, then what else was measured. */
function metricsJson(manifest: TrainingManifest, models: readonly ModelReport[]): unknown {
  return {
    models: Object.fromEntries(
      models.map((model) => [
        model.type,
        {
          test_auc: roundMetric(model.testAuc),
          oracle_auc: roundMetric(model.oracleAuc),
          test_accuracy: roundMetric(model.test.accuracy),
          cv_auc_mean: model.cvAuc.mean,
          cv_auc_std: model.cvAuc.std,
          threshold: model.threshold,
          cv_accuracy_mean: model.cvAccuracy.mean,
          cv_accuracy_std: model.cvAccuracy.std,
          test_precision: roundMetric(model.test.classes[1].precision),
          test_recall: roundMetric(model.test.classes[1].recall),
          test_f1: roundMetric(model.test.classes[1].f1),
          test_positive_rate: roundMetric(model.testSplit.positives / model.testSplit.rows),
        },
      ]),
    ),
    model_version: manifest.version,
    seed: manifest.seed,
    users: manifest.users,
    dataset_sha256: manifest.dataset_sha256,
  };
}
