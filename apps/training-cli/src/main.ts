// First: the contract's DTOs then load without @nestjs/swagger; the CLI builds no OpenAPI document.
import '@app/contract/without-openapi';
import { holdYoungGeneration } from './cli/v8-heap';
holdYoungGeneration();
import { CommandFactory } from 'nest-commander';
import { CLI_RUN_OPTIONS } from './cli/cli-run-options';
import { TrainingCliModule } from './training-cli.module';

async function bootstrap(): Promise<void> {
  await CommandFactory.run(TrainingCliModule, { ...CLI_RUN_OPTIONS, logger: ['error', 'warn'] });
}

void bootstrap();
