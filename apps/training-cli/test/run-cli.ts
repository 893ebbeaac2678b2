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
