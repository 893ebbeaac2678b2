import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { NUDGE_TYPES } from '@app/learner';
import { FEATURE_COUNT } from '@app/ml';
import { CliUsageError } from '../../cli/cli-errors';
import { requireInput } from '../simulate/simulation-files';
import { DATASET_COLUMNS } from './dataset-columns';

/** The dataset in columns of typed arrays: a million rows are a few arrays, not a million objects. */
export interface DatasetMatrix {
  readonly rows: number;
  /** Row-major raw features, `rows × FEATURE_COUNT`. */
  readonly x: Float64Array;
  /** Per nudge type, in NUDGE_TYPES order. */
  readonly pTrue: readonly Float64Array[];
  readonly labels: readonly Uint8Array[];
  readonly isTest: Uint8Array;
  /** sha256 of the file's bytes, recorded in the manifest. */
  readonly sha256: string;
}

/** Typed arrays that double when full, so the row count need not be known up front. */
class GrowingColumns {
  capacity = 1024;
  x = new Float64Array(this.capacity * FEATURE_COUNT);
  pTrue = NUDGE_TYPES.map(() => new Float64Array(this.capacity));
  labels = NUDGE_TYPES.map(() => new Uint8Array(this.capacity));
  isTest = new Uint8Array(this.capacity);

  ensure(rows: number): void {
    if (rows < this.capacity) return;
    this.capacity *= 2;
    const grow = <T extends Float64Array | Uint8Array>(array: T, size: number): T => {
      const bigger = new (array.constructor as new (length: number) => T)(size);
      bigger.set(array);
      return bigger;
    };
    this.x = grow(this.x, this.capacity * FEATURE_COUNT);
    this.pTrue = this.pTrue.map((column) => grow(column, this.capacity));
    this.labels = this.labels.map((column) => grow(column, this.capacity));
    this.isTest = grow(this.isTest, this.capacity);
  }
}

/** Reads `processed_fomo_dataset.csv` line by line into columns, checking every cell. */
export async function readDataset(path: string): Promise<DatasetMatrix> {
  await requireInput(path, 'dataset');
  const input = createReadStream(path);
  const hash = createHash('sha256');
  input.on('data', (chunk) => hash.update(chunk));
  const lines = createInterface({ input, crlfDelay: Infinity });
  const columns = new GrowingColumns();
  const types = NUDGE_TYPES.length;
  const firstPTrue = 1 + FEATURE_COUNT;
  const firstLabel = firstPTrue + types;
  const splitColumn = firstLabel + types;
  let lineNumber = 0;
  let rows = 0;
  const bad = (what: string): CliUsageError =>
    new CliUsageError(`${path}:${lineNumber}: ${what} (rerun \`dataset\`)`);

  for await (const line of lines) {
    lineNumber++;
    if (lineNumber === 1) {
      if (line !== DATASET_COLUMNS.join(',')) {
        throw bad("the header does not match this build's feature contract and nudge types");
      }
      continue;
    }
    if (line === '') continue;
    const cells = line.split(',');
    if (cells.length !== DATASET_COLUMNS.length)
      throw bad(`expected ${DATASET_COLUMNS.length} cells`);
    columns.ensure(rows);
    for (let j = 0; j < FEATURE_COUNT; j++) {
      const value = Number(cells[1 + j]);
      if (!Number.isFinite(value) || cells[1 + j] === '')
        throw bad(`${DATASET_COLUMNS[1 + j]} is not a number`);
      columns.x[rows * FEATURE_COUNT + j] = value;
    }
    for (let t = 0; t < types; t++) {
      const p = Number(cells[firstPTrue + t]);
      if (!(p >= 0 && p <= 1)) throw bad(`${DATASET_COLUMNS[firstPTrue + t]} is not a probability`);
      columns.pTrue[t][rows] = p;
      const label = cells[firstLabel + t];
      if (label !== '0' && label !== '1')
        throw bad(`${DATASET_COLUMNS[firstLabel + t]} is not 0 or 1`);
      columns.labels[t][rows] = label === '1' ? 1 : 0;
    }
    const split = cells[splitColumn];
    if (split !== 'train' && split !== 'test') throw bad('split is not train or test');
    columns.isTest[rows] = split === 'test' ? 1 : 0;
    rows++;
  }
  if (lineNumber === 0) throw new CliUsageError(`${path} is empty (rerun \`dataset\`)`);
  return {
    rows,
    x: columns.x.subarray(0, rows * FEATURE_COUNT),
    pTrue: columns.pTrue.map((column) => column.subarray(0, rows)),
    labels: columns.labels.map((column) => column.subarray(0, rows)),
    isTest: columns.isTest.subarray(0, rows),
    sha256: hash.digest('hex'),
  };
}

/** Row indices of one split, in file order. */
export function splitRows(dataset: DatasetMatrix, test: boolean): Uint32Array {
  const wanted = test ? 1 : 0;
  let count = 0;
  for (let i = 0; i < dataset.rows; i++) if (dataset.isTest[i] === wanted) count++;
  const rows = new Uint32Array(count);
  let next = 0;
  for (let i = 0; i < dataset.rows; i++) if (dataset.isTest[i] === wanted) rows[next++] = i;
  return rows;
}
