import { stat } from 'node:fs/promises';
import { Command, Option } from 'nest-commander';
import { CATALOG_PARAMS, SUPPORTED_LOCALES } from '@app/messages';
import { CliCommand } from '../../cli/cli-command';
import { CliUsageError } from '../../cli/cli-errors';
import { parseDirectory } from '../../cli/cli-options';
import { plural } from '../../cli/format';
import { ProgressService } from '../../cli/progress.service';
import { catalogsProblems, reportProblems } from './catalogs-problems';

export interface CheckCatalogsOptions {
  readonly dir?: string;
}

async function requireDirectory(dir: string): Promise<void> {
  const isDirectory = await stat(dir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isDirectory) throw new CliUsageError(`--dir ${dir}: no such folder`);
}

@Command({
  name: 'check-catalogs',
  description:
    'check the message catalogs (bundled, or <locale>.json in --dir): ICU syntax, every key, only the values the code passes, every plural category; one line per problem',
})
export class CheckCatalogsCommand extends CliCommand {
  constructor(private readonly progress: ProgressService) {
    super();
  }

  async run(_args: string[], options: CheckCatalogsOptions): Promise<void> {
    const { dir } = options;
    if (dir !== undefined) await requireDirectory(dir);
    const problems = await catalogsProblems(dir);
    const catalogs = plural(SUPPORTED_LOCALES.length, 'catalog');
    if (problems.length === 0) {
      const messages = Object.keys(CATALOG_PARAMS).length;
      this.progress.summary(`${catalogs}, ${messages} messages each: ok`);
      return;
    }
    reportProblems(this.progress, catalogs, problems);
  }

  @Option({
    flags: '--dir <path>',
    description: 'folder of <locale>.json catalogs to check instead of the bundled ones',
  })
  parseDir(value: string): string {
    return parseDirectory(value);
  }
}
