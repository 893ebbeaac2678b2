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

/**
 * What a set's models predict. `propensity`: per nudge type, the chance that a learner acts on a
 * nudge of that type. `uplift`: per type, the chance of its action with the nudge in slot 1
 * (treated), and per action the chance of it with nothing sent (control); their difference is
 * what the nudge changes.
 */
export type ModelObjective = 'propensity' | 'uplift';

export const MODEL_OBJECTIVES: readonly ModelObjective[] = ['propensity', 'uplift'];

export interface ManifestModel {
  /** Path of `model.json`, relative to the manifest. */
  readonly path: string;
  /** In an uplift set: the key in `controls` of the control model of this type's action. */
  readonly control?: string;
  readonly metrics?: object;
}

/** `models/manifest.json`: what `train` wrote and what the API checks before serving a model. */
export interface ModelManifest {
  /** Content hash of the feature names, scaling and weights: changes exactly when a model does. */
  readonly version: string;
  /** Absent in sets written before uplift sets existed: those are propensity sets. */
  readonly objective?: ModelObjective;
  readonly seed?: number;
  readonly users?: number;
  readonly snapshots?: number;
  readonly dataset_sha256?: string;
  readonly feature_names: readonly string[];
  /** The training standardisation; it is folded into the saved weights, kept here to explain. */
  readonly scaling: { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** One entry per nudge type that has a model (in an uplift set, its treated model). */
  readonly models: Readonly<Partial<Record<NudgeType, ManifestModel>>>;
  /** An uplift set's control models, keyed by the action they predict. */
  readonly controls?: Readonly<Record<string, ManifestModel>>;
  /** An uplift set's outcome window: an action counts on the decision's day and the days after, this many in all. */
  readonly reward_days?: number;
}

export const MANIFEST_FILE = 'manifest.json';
