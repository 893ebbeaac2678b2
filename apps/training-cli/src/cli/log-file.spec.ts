import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CliUsageError } from './cli-errors';
import { resolveLog } from './log-file';

describe(resolveLog.name, () => {
  let dir: string;
  const path = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'closed-loop-logs-'));
    await mkdir(path('old/2025'), { recursive: true });
    for (const name of [
      'decisions-b.ndjson',
      'decisions-a.ndjson.gz',
      'decisions-[1].ndjson',
      'old/decisions-c.ndjson',
      'old/2025/decisions-d.ndjson',
      'outcomes.ndjson',
    ]) {
      await writeFile(path(name), '');
    }
    await symlink(path('decisions-b.ndjson'), path('current.ndjson'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes one path as the log, named by it', async () => {
    expect(await resolveLog(path('outcomes.ndjson'), '--outcomes')).toEqual({
      name: path('outcomes.ndjson'),
      files: [path('outcomes.ndjson')],
    });
  });

  it('names a missing log, or a folder, by its flag', async () => {
    const missing = path('missing.ndjson');
    await expect(resolveLog(missing, '--outcomes')).rejects.toThrow(
      new CliUsageError(`--outcomes ${missing}: no such file`),
    );
    await expect(resolveLog(dir, '--outcomes')).rejects.toThrow(
      new CliUsageError(`--outcomes ${dir}: no such file`),
    );
  });

  it('reads what a glob matches in sorted path order, ** included', async () => {
    const pattern = path('**/decisions-*.ndjson*');

    expect(await resolveLog(pattern, '--decisions')).toEqual({
      name: `${pattern} (5 files)`,
      files: [
        path('decisions-[1].ndjson'),
        path('decisions-a.ndjson.gz'),
        path('decisions-b.ndjson'),
        path('old/2025/decisions-d.ndjson'),
        path('old/decisions-c.ndjson'),
      ],
    });
  });

  it('spells the matches of a relative glob relative, and a lone match as itself', async () => {
    const pattern = relative(process.cwd(), path('old/*.ndjson'));

    expect(await resolveLog(pattern, '--decisions')).toEqual({
      name: relative(process.cwd(), path('old/decisions-c.ndjson')),
      files: [relative(process.cwd(), path('old/decisions-c.ndjson'))],
    });
  });

  it('refuses a glob that matches no file, naming it', async () => {
    const pattern = path('outcomes-*.ndjson');
    await expect(resolveLog(pattern, '--outcomes')).rejects.toThrow(
      new CliUsageError(`--outcomes ${pattern}: no file matches`),
    );
    await expect(resolveLog(path('ol*'), '--outcomes')).rejects.toThrow(
      new CliUsageError(`--outcomes ${path('ol*')}: no file matches`),
    );
  });

  it('takes a file whose name looks like a glob as that file', async () => {
    expect((await resolveLog(path('decisions-[1].ndjson'), '--decisions')).files).toEqual([
      path('decisions-[1].ndjson'),
    ]);
  });

  it('reads the values in the order given, each file once, where it first comes', async () => {
    const values = [
      path('old/decisions-c.ndjson'),
      path('decisions-*.ndjson*'),
      path('current.ndjson'),
      path('old/decisions-c.ndjson'),
    ];

    expect(await resolveLog(values, '--decisions')).toEqual({
      name: `${values.join(', ')} (4 files)`,
      files: [
        path('old/decisions-c.ndjson'),
        path('decisions-[1].ndjson'),
        path('decisions-a.ndjson.gz'),
        path('decisions-b.ndjson'),
      ],
    });
  });

  it('refuses the values when one of them names nothing', async () => {
    await expect(
      resolveLog([path('decisions-b.ndjson'), path('missing.ndjson')], '--decisions'),
    ).rejects.toThrow(new CliUsageError(`--decisions ${path('missing.ndjson')}: no such file`));
  });
});
