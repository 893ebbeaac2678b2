import { InvalidArgumentError } from 'commander';
import type { OptionMetadata } from 'nest-commander';

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

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * A cap on importance weights, `--clip`: a decimal number of at least 1 (a cap below 1 would cut
 * even the weight of a choice both policies make alike), and at most `max` when there is one.
 */
export function parseClip(value: string, max = Number.POSITIVE_INFINITY): number {
  const clip = DECIMAL.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(clip) || clip < 1 || clip > max) {
    throw new InvalidArgumentError(
      max === Number.POSITIVE_INFINITY
        ? 'Expected a number of at least 1.'
        : `Expected a number from 1 to ${max}.`,
    );
  }
  return clip;
}

/** A lift in percentage points (`--target-lift 1.5`): above 0 and at most 100; kept as a fraction. */
export function parseLiftPoints(value: string): number {
  const points = DECIMAL.test(value) ? Number(value) : Number.NaN;
  if (!(points > 0 && points <= 100)) {
    throw new InvalidArgumentError('Expected percentage points above 0, at most 100.');
  }
  return points / 100;
}

/** One of a fixed set of words, `--objective uplift`; the message lists them all. */
export function parseChoice<T extends string>(value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`Expected one of ${choices.join(', ')}.`);
  }
  return value as T;
}

export function parseFilePath(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('Expected a file path.');
  return value;
}

/** A comma-separated list of file paths (`--stories a.json,b.json`). */
export function parseFilePaths(value: string): string[] {
  return value.split(',').map((path) => parseFilePath(path.trim()));
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

type SharedOption = keyof CliOptions;

/**
 * Each shared flag once: its commander metadata (flag, help, default) here, its parser in
 * PARSE_OPTION, so every command that takes it says the same thing and checks the same bounds.
 */
export const OPTIONS = {
  users: {
    flags: '--users <count>',
    description: OPTION_HELP.users,
    defaultValue: DEFAULT_OPTIONS.users,
  },
  snapshots: {
    flags: '--snapshots <count>',
    description: OPTION_HELP.snapshots,
    defaultValue: DEFAULT_OPTIONS.snapshots,
  },
  seed: {
    flags: '--seed <number>',
    description: OPTION_HELP.seed,
    defaultValue: DEFAULT_OPTIONS.seed,
  },
  dataDir: {
    flags: '--data-dir <path>',
    description: OPTION_HELP.dataDir,
    defaultValue: DEFAULT_OPTIONS.dataDir,
  },
  modelsDir: {
    flags: '--models-dir <path>',
    description: OPTION_HELP.modelsDir,
    defaultValue: DEFAULT_OPTIONS.modelsDir,
  },
  reportsDir: {
    flags: '--reports-dir <path>',
    description: OPTION_HELP.reportsDir,
    defaultValue: DEFAULT_OPTIONS.reportsDir,
  },
} satisfies Record<SharedOption, OptionMetadata>;

export const PARSE_OPTION: { readonly [K in SharedOption]: (value: string) => CliOptions[K] } = {
  users: (value) => parseInteger(value, MIN_USERS, MAX_USERS),
  snapshots: (value) => parseInteger(value, 1, MAX_SNAPSHOTS),
  seed: (value) => parseInteger(value, 0, MAX_SEED),
  dataDir: parseDirectory,
  modelsDir: parseDirectory,
  reportsDir: parseDirectory,
};
