/** The files each step reads and writes, relative to --data-dir, --models-dir, --reports-dir. */
export const DATA_FILES = {
  profiles: 'simulated_profiles.json',
  snapshots: 'peer_snapshot.json',
  dataset: 'processed_fomo_dataset.csv',
} as const;

export const REPORT_FILES = {
  classification: 'classification_report.txt',
  metrics: 'metrics.json',
  importanceCsv: (type: string): string => `feature_importance_${type}.csv`,
  importancePng: (type: string): string => `feature_importance_${type}.png`,
} as const;

/** Where `train` saves a nudge type's model, relative to --models-dir. */
export function modelPath(type: string): string {
  return `${type}/model.json`;
}

/** Where `train --from-log --objective uplift` saves a type's treated model, relative to --models-dir. */
export function treatedModelPath(type: string): string {
  return `treated/${type}/model.json`;
}

/** Where `train --from-log --objective uplift` saves an action's control model. */
export function controlModelPath(action: string): string {
  return `control/${action}/model.json`;
}

/** The calibration report `train --from-log --objective uplift` writes beside its models. */
export const UPLIFT_REPORT_FILE = 'training_report.md';
