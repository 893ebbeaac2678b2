import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runBuiltCli } from './run-cli';

describe('training-cli check-config', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'check-config-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the committed config with exit code 0 and its hash', async () => {
    const sut = await runBuiltCli(['check-config']);

    expect(sut.code).toBe(0);
    expect(sut.stdout).toMatch(/^config\/config\.json: ok \(config hash [0-9a-f]{16}\)\n$/);
    expect(sut.stderr).toBe('');
  });

  it('names every bad key by its path and exits 1', async () => {
    const config = JSON.parse(await readFile(join(REPO_ROOT, 'config/config.json'), 'utf8')) as {
      profile_rules: Record<string, unknown>;
    };
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({
        ...config,
        max_nudgez: 3,
        profile_rules: { ...config.profile_rules, resume_threshold: 7 },
      }),
    );

    const sut = await runBuiltCli(['check-config', '--config', bad]);

    expect(sut.code).toBe(1);
    expect(sut.stdout.split('\n')).toEqual([
      `${bad}: profile_rules.resume_threshold must be a number from 0 to 1`,
      `${bad}: max_nudgez is not a known config key`,
      `${bad}: 2 problems`,
      '',
    ]);
  });

  it('says a file it cannot read is a problem, not a crash', async () => {
    const missing = join(dir, 'missing.json');

    const sut = await runBuiltCli(['check-config', '--config', missing]);

    expect(sut.code).toBe(1);
    expect(sut.stdout).toBe(
      `${missing}: (file) cannot be read: ENOENT: no such file or directory, open '${missing}'\n` +
        `${missing}: 1 problem\n`,
    );
  });
});
