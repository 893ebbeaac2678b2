// First: it holds the young generation while the rest loads.
import './cli/boot-heap';
import { CommandFactory } from 'nest-commander';
import { CLI_RUN_OPTIONS } from './cli/cli-run-options';
import { TrainingCliModule } from './training-cli.module';

async function bootstrap(): Promise<void> {
  await CommandFactory.run(TrainingCliModule, { ...CLI_RUN_OPTIONS, logger: ['error', 'warn'] });
}

void bootstrap();
