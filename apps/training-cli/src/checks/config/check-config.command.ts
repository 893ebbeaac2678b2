import { Command, Option } from 'nest-commander';
import { ConfigError, loadEngineConfig } from '@app/engagement';
import { CliCommand } from '../../cli/cli-command';
import { ProgressService } from '../../cli/progress.service';
import { catalogsProblems, reportProblems } from '../catalogs/catalogs-problems';

export interface CheckConfigOptions {
  readonly config: string;
}

/**
 * `check-config --config FILE`: what the API checks at start-up, without starting it. The
 * config is validated as the API validates it (every bad key named by its path, messages and
 * experiments included), and the bundled message catalogs it renders with are checked too.
 * Exit 0 when the API would start with it; 1, with one line per problem, when not.
 */
@Command({
  name: 'check-config',
  description:
    'validate an engine config (and the message catalogs) as the API does at start-up, without starting anything; one line per problem',
})
export class CheckConfigCommand extends CliCommand {
  constructor(private readonly progress: ProgressService) {
    super();
  }

  async run(_args: string[], { config }: CheckConfigOptions): Promise<void> {
    const problems: string[] = [];
    let hash: string | undefined;
    try {
      hash = loadEngineConfig(config).hash;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.errors.map((field) => `${config}: ${field.message}`));
    }
    problems.push(...(await catalogsProblems()));
    if (problems.length === 0) {
      this.progress.summary(`${config}: ok (config hash ${hash})`);
      return;
    }
    reportProblems(this.progress, config, problems);
  }

  @Option({
    flags: '--config <path>',
    description: 'the engine config to check',
    defaultValue: 'config/config.json',
  })
  parseConfig(value: string): string {
    return value;
  }
}
