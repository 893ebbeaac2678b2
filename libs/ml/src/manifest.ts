import { NudgeType } from '@app/learner';

/** Metrics the training CLI measured on the test split (and 5-fold CV on the train split). */
export interface ModelMetrics {
  readonly test_auc: number;
  readonly oracle_auc: number;
  readonly test_accuracy: number;
  readonly cv_auc_mean: number;
  readonly cv_auc_std: number;
  readonly threshold: number;
}

export interface ManifestModel {
  /** Path of `model.json`, relative to the manifest. */
  readonly path: string;
  readonly metrics: ModelMetrics;
}

/** `models/manifest.json`: what `train` wrote and what the API checks before serving a model. */
export interface ModelManifest {
  /** Content hash of the feature names, scaling and weights: changes exactly when a model does. */
  readonly version: string;
  readonly seed: number;
  readonly users: number;
  readonly snapshots: number;
  readonly dataset_sha256: string;
  readonly feature_names: readonly string[];
  /** The training standardisation; it is folded into the saved weights, kept here to explain. */
  readonly scaling: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** One entry per nudge type that has a model. */
  readonly models: Readonly<Partial<Record<NudgeType, ManifestModel>>>;
}

export const MANIFEST_FILE = 'manifest.json';
