import { InvalidArgumentError } from 'commander';

/** The flags every step understands, with the defaults `pipeline` uses for the committed files. */
export interface CliOptions {
  readonly users: number;
  readonly snapshots: number;
  readonly seed: number;
  readonly dataDir: string;
  readonly modelsDir: string;
  readonly reportsDir: string;
}

export const DEFAULT_OPTIONS: CliOptions = {
  users: 2000,
  snapshots: 10,
  seed: 42,
  dataDir: 'data',
  modelsDir: 'models',
  reportsDir: 'reports',
};

/** Fewer learners leave the 20% test split and the 5 CV folds without both labels. */
export const MIN_USERS = 100;
export const MAX_USERS = 10_000_000;
export const MAX_SNAPSHOTS = 1_000;
export const MAX_SEED = 2 ** 32 - 1;

const INTEGER = /^\d+$/;

/** commander prefixes the message with the flag and the value it got. */
export function parseInteger(value: string, min: number, max: number): number {
  const parsed = INTEGER.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new InvalidArgumentError(`Expected a whole number from ${min} to ${max}.`);
  }
  return parsed;
}

export function parseDirectory(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('Expected a folder path.');
  return value;
}

/** `--help` text of the shared flags (commander appends the default), the same in every command. */
export const OPTION_HELP = {
  users: `learners to simulate, ${MIN_USERS} to ${MAX_USERS}`,
  snapshots: `peer snapshots (batches), 1 to ${MAX_SNAPSHOTS}`,
  seed: `seed of every random draw, 0 to ${MAX_SEED}`,
  dataDir: `folder of the simulated files and the dataset`,
  modelsDir: `folder of the models and manifest.json`,
  reportsDir: `folder of the reports and plots`,
} as const;
