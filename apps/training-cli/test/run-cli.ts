import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Testing from 'nest-commander-testing';
import type * as RunOptions from '../src/cli/cli-run-options';
import type * as Progress from '../src/cli/progress.service';
import type * as CliModule from '../src/training-cli.module';

export const REPO_ROOT = join(__dirname, '../../..');

/** The built CLI (`npm test` builds first); its files mirror the repository's. */
export const BUILT_CLI = join(REPO_ROOT, 'dist/apps/training-cli/apps/training-cli/src/main.js');

/**
 * The build's modules, loaded by Node rather than by jest: the commands run as `nest build`
 * ships them, and Node's module cache lets each jest worker load the framework and tfjs once for
 * all its runs, where a process per run (or jest, per spec file) would load them every time.
 */
const load = createRequire(BUILT_CLI);
const { CommandTestFactory } = load('nest-commander-testing') as typeof Testing;
const { CLI_RUN_OPTIONS } = load('./cli/cli-run-options') as typeof RunOptions;
const { ProgressService } = load('./cli/progress.service') as typeof Progress;
const { TrainingCliModule } = load('./training-cli.module') as typeof CliModule;

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly summaries: readonly string[];
}

type Summaries = Pick<Progress.ProgressService, 'task' | 'summary'>;

/** The run in progress: runs share process.stdout, process.exitCode and signals, so they queue. */
let previous: Promise<unknown> = Promise.resolve();

/** Runs one command line through a fresh app, as `main.ts` would, capturing what it writes. */
function run(args: string[], progress: Summaries): Promise<Omit<CliRun, 'summaries'>> {
  const next = previous.then(() => runNow(args, progress));
  previous = next.catch(() => undefined);
  return next;
}

async function runNow(args: string[], progress: Summaries): Promise<Omit<CliRun, 'summaries'>> {
  const app = await CommandTestFactory.createTestingCommand(
    { imports: [TrainingCliModule] },
    CLI_RUN_OPTIONS,
  )
    .overrideProvider(ProgressService)
    .useValue(progress)
    .compile();
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  process.exitCode = undefined;
  try {
    await CommandTestFactory.run(app, args);
    return {
      exitCode: Number(process.exitCode ?? 0),
      stdout: stdout.mock.calls.map(([chunk]) => String(chunk)).join(''),
      stderr: stderr.mock.calls.map(([chunk]) => String(chunk)).join(''),
    };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
}

const NO_BAR = { increment: () => undefined, stop: () => undefined };

/** Runs one command line of the built CLI, with its summary lines apart from what it prints. */
export async function runCli(args: string[]): Promise<CliRun> {
  const summaries: string[] = [];
  const output = await run(args, { task: () => NO_BAR, summary: (line) => summaries.push(line) });
  return { ...output, summaries };
}

/**
 * Runs one command line of the built CLI and answers what its process would: the exit code, and
 * standard output and error as a pipe receives them (summary lines on stdout, no progress bar).
 * A test of signals spawns BUILT_CLI itself.
 */
export async function runBuiltCli(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { exitCode, stdout, stderr } = await run(args, {
    task: () => NO_BAR,
    summary: (line) => process.stdout.write(`${line}\n`),
  });
  return { code: exitCode, stdout, stderr };
}
