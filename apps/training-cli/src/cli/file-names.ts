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
