import { NUDGE_TYPES } from '@app/learner';
import { FEATURE_NAMES } from '@app/ml';

export type Split = 'train' | 'test';

/** The share of learners held out for testing. */
export const TEST_SHARE = 0.2;

export const pTrueColumn = (type: string): string => `p_true_${type}`;
export const labelColumn = (type: string): string => `should_nudge_${type}`;

/**
 * `processed_fomo_dataset.csv`'s columns: the id, the features under the manifest's names, the
 * true probability and the drawn label of each nudge type, and the split.
 */
export const DATASET_COLUMNS: readonly string[] = [
  'user_id',
  ...FEATURE_NAMES,
  ...NUDGE_TYPES.map(pTrueColumn),
  ...NUDGE_TYPES.map(labelColumn),
  'split',
];

export interface DatasetRow {
  readonly userId: string;
  readonly features: Float64Array;
  /** In NUDGE_TYPES order. */
  readonly pTrue: Float64Array;
  readonly labels: Uint8Array;
  readonly split: Split;
}

/**
 * One CSV line. Features print in JavaScript's shortest round-trip form, so parsing the file
 * gives back exactly the vector the API computes; probabilities keep six decimals.
 */
export function formatDatasetRow(row: DatasetRow): string {
  const cells: string[] = [row.userId];
  for (const value of row.features) cells.push(String(value));
  for (const p of row.pTrue) cells.push(p.toFixed(6));
  for (const label of row.labels) cells.push(String(label));
  cells.push(row.split);
  return cells.join(',');
}

/**
 * Which learners are in the test split: exactly round(20%) of them, chosen by a seeded
 * permutation so the split depends on the seed alone.
 */
export function testMask(users: number, permutation: Uint32Array): Uint8Array {
  const mask = new Uint8Array(users);
  const testCount = Math.round(users * TEST_SHARE);
  for (let i = 0; i < testCount; i++) mask[permutation[i]] = 1;
  return mask;
}
