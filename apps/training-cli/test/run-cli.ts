import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { CommandTestFactory } from 'nest-commander-testing';
import { CLI_RUN_OPTIONS } from '../src/cli/cli-run-options';
import { ProgressService } from '../src/cli/progress.service';
import { TrainingCliModule } from '../src/training-cli.module';

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly summaries: readonly string[];
}

/** Runs one command line through a fresh app, as `main.ts` would, capturing what it says. */
export async function runCli(args: string[]): Promise<CliRun> {
  const summaries: string[] = [];
  const progress: Pick<ProgressService, 'task' | 'summary'> = {
    task: () => ({ increment: () => undefined, stop: () => undefined }),
    summary: (line) => summaries.push(line),
  };
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
      summaries,
    };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
}

/** The built CLI (`npm test` builds first), for what needs a real process: exit codes, threads. */
const BUILT_CLI = join(__dirname, '../../../dist/apps/training-cli/apps/training-cli/src/main.js');
export const REPO_ROOT = join(__dirname, '../../..');

/** Runs the built CLI as a child process from the repository root. */
export function runBuiltCli(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
