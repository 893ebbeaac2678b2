import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'nest-commander';
import {
  BUNDLED_CATALOGS,
  CATALOG_PARAMS,
  catalogProblems,
  parseJsonDocument,
  SUPPORTED_LOCALES,
} from '@app/engagement';
import { CliCommand } from '../../cli/cli-command';
import { CliUsageError } from '../../cli/cli-errors';
import { parseDirectory } from '../../cli/cli-options';
import { ProgressService } from '../../cli/progress.service';

/** The check ran and found problems: distinct from a usage error (2), like a linter's findings. */
export const CATALOG_PROBLEMS_EXIT_CODE = 1;

export interface CheckCatalogsOptions {
  readonly dir?: string;
}

type CatalogFile =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** A locale's file in --dir; a missing or unreadable file is one more problem to list. */
async function readCatalogFile(path: string): Promise<CatalogFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    return { ok: false, message: `${path}: ${message}` };
  }
  return parseJsonDocument(bytes, path);
}

async function requireDirectory(dir: string): Promise<void> {
  const isDirectory = await stat(dir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
  if (!isDirectory) throw new CliUsageError(`--dir ${dir}: no such folder`);
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Every problem of each locale's catalog: the bundled ones, or `<locale>.json` in `dir`. */
export async function catalogsProblems(dir?: string): Promise<string[]> {
  const problems: string[] = [];
  for (const locale of SUPPORTED_LOCALES) {
    const file: CatalogFile =
      dir === undefined
        ? { ok: true, value: BUNDLED_CATALOGS[locale] }
        : await readCatalogFile(join(dir, `${locale}.json`));
    if (!file.ok) problems.push(file.message);
    else problems.push(...catalogProblems(locale, file.value).map((error) => error.message));
  }
  return problems;
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
    for (const problem of problems) process.stdout.write(`${problem}\n`);
    this.progress.summary(`${catalogs}: ${plural(problems.length, 'problem')}`);
    process.exitCode = CATALOG_PROBLEMS_EXIT_CODE;
  }

  @Option({
    flags: '--dir <path>',
    description: 'folder of <locale>.json catalogs to check instead of the bundled ones',
  })
  parseDir(value: string): string {
    return parseDirectory(value);
  }
}
