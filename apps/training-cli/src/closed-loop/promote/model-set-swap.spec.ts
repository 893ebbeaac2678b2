import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILE_SYSTEM_WRITER, filesBelow, replaceModelSet, SetWriter } from './model-set-swap';

describe(replaceModelSet.name, () => {
  let dir: string;
  const path = (...parts: string[]) => join(dir, ...parts);

  /** A folder of files, `name → text`. */
  const folder = async (name: string, files: Record<string, string>) => {
    for (const [file, text] of Object.entries(files)) {
      await mkdir(join(path(name, file), '..'), { recursive: true });
      await writeFile(path(name, file), text);
    }
  };

  /** Every file below a folder with its text. */
  const contents = async (name: string) =>
    Object.fromEntries(
      await Promise.all(
        (await filesBelow(path(name))).map(
          async (file) => [file, await readFile(path(name, file), 'utf8')] as const,
        ),
      ),
    );

  const CANDIDATE = {
    'manifest.json': '{"version":"new"}\n',
    'quiz/model.json': 'quiz model new',
    'quiz/weights.bin': 'quiz weights new',
  };
  const CURRENT = {
    'manifest.json': '{"version":"old"}\n',
    'quiz/model.json': 'quiz model old',
    'resume/model.json': 'resume model old',
  };
  const ok = () => Promise.resolve();

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'promote-swap-'));
    await folder('candidate', CANDIDATE);
    await folder('current', CURRENT);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("puts the candidate's files and the given manifest in place of the current set, and nothing else", async () => {
    await replaceModelSet(path('candidate'), path('current'), '{"promoted":true}\n', ok);
    expect(await contents('current')).toEqual({
      'manifest.json': '{"promoted":true}\n',
      'quiz/model.json': 'quiz model new',
      'quiz/weights.bin': 'quiz weights new',
    });
    expect(await contents('candidate')).toEqual(CANDIDATE);
    // No temporary folder is left beside it.
    expect((await readdir(dir)).sort()).toEqual(['candidate', 'current']);
  });

  it("keeps the current folder's permissions", async () => {
    const before = (await stat(path('current'))).mode;
    await replaceModelSet(path('candidate'), path('current'), '{}\n', ok);
    expect((await stat(path('current'))).mode).toBe(before);
  });

  it('leaves the current set intact when a copy fails midway', async () => {
    let copies = 0;
    const failing: SetWriter = {
      ...FILE_SYSTEM_WRITER,
      copyFile: async (from, to) => {
        if (++copies === 2) throw new Error('disk full');
        await FILE_SYSTEM_WRITER.copyFile(from, to);
      },
    };
    await expect(
      replaceModelSet(path('candidate'), path('current'), '{}\n', ok, failing),
    ).rejects.toThrow('disk full');
    expect(copies).toBe(2);
    expect(await contents('current')).toEqual(CURRENT);
    expect((await readdir(dir)).sort()).toEqual(['candidate', 'current']);
  });

  it('leaves the current set intact when the manifest cannot be written', async () => {
    const failing: SetWriter = {
      ...FILE_SYSTEM_WRITER,
      writeFile: () => Promise.reject(new Error('EACCES')),
    };
    await expect(
      replaceModelSet(path('candidate'), path('current'), '{}\n', ok, failing),
    ).rejects.toThrow('EACCES');
    expect(await contents('current')).toEqual(CURRENT);
    expect((await readdir(dir)).sort()).toEqual(['candidate', 'current']);
  });

  it('leaves the current set intact when the written set fails its check', async () => {
    const check = async (staged: string) => {
      // The check sees the whole new set, manifest included, before anything is swapped.
      expect(await readFile(join(staged, 'manifest.json'), 'utf8')).toBe('{}\n');
      throw new Error('the copied set has version x');
    };
    await expect(
      replaceModelSet(path('candidate'), path('current'), '{}\n', check),
    ).rejects.toThrow('the copied set has version x');
    expect(await contents('current')).toEqual(CURRENT);
    expect((await readdir(dir)).sort()).toEqual(['candidate', 'current']);
  });

  it('leaves the current set intact when the candidate folder cannot be read', async () => {
    await expect(replaceModelSet(path('missing'), path('current'), '{}\n', ok)).rejects.toThrow(
      'ENOENT',
    );
    expect(await contents('current')).toEqual(CURRENT);
    expect((await readdir(dir)).sort()).toEqual(['candidate', 'current']);
  });
});
