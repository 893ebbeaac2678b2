import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJsonDocument } from '@app/contract';
import { BUNDLED_CATALOGS, catalogProblems, SUPPORTED_LOCALES } from '@app/messages';
import { plural } from '../../cli/format';
import type { ProgressService } from '../../cli/progress.service';

/** The check ran and found problems: distinct from a usage error (2), like a linter's findings. */
export const CATALOG_PROBLEMS_EXIT_CODE = 1;

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

/** A check's problems, one line each, then its summary; the check failed (exit code 1). */
export function reportProblems(
  progress: ProgressService,
  subject: string,
  problems: readonly string[],
): void {
  for (const problem of problems) process.stdout.write(`${problem}\n`);
  progress.summary(`${subject}: ${plural(problems.length, 'problem')}`);
  process.exitCode = CATALOG_PROBLEMS_EXIT_CODE;
}
