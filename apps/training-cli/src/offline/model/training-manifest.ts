import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, ManifestModel, ModelManifest, ModelMetrics } from '@app/ml';
import { RawLinearWeights } from './standardization';

/** What `train` measured beyond the API's ModelMetrics; `report` prints it. */
export interface TrainingMetrics extends ModelMetrics {
  readonly cv_accuracy_mean: number;
  readonly cv_accuracy_std: number;
  readonly train_rows: number;
  readonly test_rows: number;
  readonly train_positive_rate: number;
  readonly test_positive_rate: number;
}

export interface TrainedModel extends ManifestModel {
  readonly metrics: TrainingMetrics;
}

/** `manifest.json` as `train` writes it: the API's ModelManifest plus how it was trained. */
export interface TrainingManifest extends ModelManifest {
  readonly seed: number;
  readonly users: number;
  readonly snapshots: number;
  readonly dataset_sha256: string;
  readonly as_of: string;
  readonly trainer: {
    readonly method: string;
    readonly l2: number;
    readonly cv_folds: number;
    readonly tfjs_backend: string;
  };
  readonly models: Readonly<Record<string, TrainedModel>>;
}

/**
 * The model set's version: a hash of everything that changes a prediction (feature names,
 * scaling, the float32 weights as saved), so it changes exactly when a model does.
 */
export function modelSetVersion(
  featureNames: readonly string[],
  scaling: { readonly mean: readonly number[]; readonly std: readonly number[] },
  models: ReadonlyArray<readonly [type: string, weights: RawLinearWeights]>,
): string {
  const content = JSON.stringify({
    feature_names: featureNames,
    scaling,
    models: models.map(([type, model]) => [type, Array.from(model.weights), model.bias]),
  });
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** Writes `<modelsDir>/manifest.json`, last: the API loads only the models a manifest lists. */
export async function writeManifest(modelsDir: string, manifest: object): Promise<void> {
  await writeFile(join(modelsDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}
