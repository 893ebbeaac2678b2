import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO_ROOT, runBuiltCli } from './run-cli';

/** The committed rules with ε = 0.2: logs every candidate set below can be weighed on. */
const EXPLORING = { policy: { exploration_epsilon: 0.2 } };

describe('training-cli promote', () => {
  let dir: string;
  const path = (...parts: string[]) => join(dir, ...parts);

  /** Every file below a folder, with its bytes. */
  const snapshot = async (folder: string) => {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile());
    return Object.fromEntries(
      await Promise.all(
        files.map(async (entry) => {
          const file = join(entry.parentPath, entry.name);
          return [relative(folder, file), (await readFile(file)).toString('base64')] as const;
        }),
      ),
    );
  };

  /** A copy of the committed models, as the folder the API would serve. */
  const currentSet = async (name: string) => {
    await rm(path(name), { recursive: true, force: true });
    await cp(join(REPO_ROOT, 'models'), path(name), { recursive: true });
    return path(name);
  };

  /** promote's arguments on the logs below: a candidate, a current set and a config. */
  const promoteArgs = (candidate: string, current: string, config = path('exploring.json')) => [
    'promote',
    '--candidate',
    candidate,
    '--current',
    current,
    '--decisions',
    path('logs/decisions.ndjson'),
    '--outcomes',
    path('logs/outcomes.ndjson'),
    '--config',
    config,
  ];

  const promote = (current: string, ...args: string[]) =>
    runBuiltCli([...promoteArgs(path('candidate'), current), '--bootstrap', '200', ...args]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'promote-'));
    await writeFile(path('exploring.json'), JSON.stringify(EXPLORING));
    const simulated = await runBuiltCli([
      'simulate-platform',
      '--users',
      '400',
      '--days',
      '1',
      '--seed',
      '5',
      '--config',
      path('exploring.json'),
      '--models-dir',
      'models',
      '--out-dir',
      path('logs'),
    ]);
    expect(simulated.code).toBe(0);
    // The candidate: the committed set without its resume model, so resume nudges come from the
    // rules alone and the ranking changes: on these logs it is no surer better (DR +0.0024, the
    // interval spanning 0).
    await cp(join(REPO_ROOT, 'models'), path('candidate'), { recursive: true });
    const manifest = JSON.parse(await readFile(path('candidate/manifest.json'), 'utf8'));
    delete manifest.models.resume;
    manifest.version = 'c0ffee0000000001';
    await writeFile(path('candidate/manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a candidate not shown better with exit 3, one line with the numbers, and changes nothing', async () => {
    const current = await currentSet('refused');
    const before = await snapshot(current);
    const candidate = await snapshot(path('candidate'));
    const sut = await promote(current);
    expect(sut.code).toBe(3);
    expect(sut.stderr).toBe(
      'promote: refused: DR says candidate − current is +0.0024 (95% CI −0.0064 to +0.0115); the lower end must exceed +0.0000 (--min-gain)\n',
    );
    const table = sut.stdout.split('\n').slice(3, 7);
    expect(table.map((line) => line.trim().split(/ {2,}/))).toEqual([
      ['estimator', 'difference', '95% CI'],
      ['IPS', '−0.0089', '−0.0210 to +0.0034'],
      ['SNIPS', '−0.0026', '−0.0130 to +0.0069'],
      ['DR', '+0.0024', '−0.0064 to +0.0115', 'decides'],
    ]);
    expect(await snapshot(current)).toEqual(before);
    expect(await snapshot(path('candidate'))).toEqual(candidate);
    expect((await readdir(dir)).sort()).toEqual(['candidate', 'exploring.json', 'logs', 'refused']);
  }, 30_000);

  it('promotes when the rule passes, with the evidence in the manifest, the same bytes each time', async () => {
    const candidate = await snapshot(path('candidate'));
    const first = await currentSet('promoted');
    await writeFile(join(first, 'stale.txt'), 'not in the candidate');
    const sut = await promote(first, '--min-gain', '-1', '--json');
    expect(sut.code).toBe(0);
    expect(sut.stderr).toBe('');
    const json = JSON.parse(sut.stdout);
    expect(json).toMatchObject({
      promoted: true,
      reason:
        'DR says candidate − current is +0.0024 (95% CI −0.0064 to +0.0115); the lower end exceeds −1.0000 (--min-gain)',
      estimator: 'dr',
      min_gain: -1,
      candidate: { version: 'c0ffee0000000001' },
      current: { version: '3942fe755af03f3b' },
      decisions: 400,
      learners: 400,
    });
    expect(Object.keys(json.difference)).toEqual(['ips', 'snips', 'dr']);
    expect(json.diagnostics.unsupported_share).toBe(0);

    const manifest = JSON.parse(await readFile(join(first, 'manifest.json'), 'utf8'));
    const { promotion, ...rest } = manifest;
    expect(rest).toEqual(JSON.parse(await readFile(path('candidate/manifest.json'), 'utf8')));
    expect(promotion).toEqual({
      estimator: 'dr',
      difference: json.difference.dr,
      min_gain: -1,
      decisions: 400,
      learners: 400,
      logs: { decisions: path('logs/decisions.ndjson'), outcomes: path('logs/outcomes.ndjson') },
      config: path('exploring.json'),
      logging_policy: { config: path('exploring.json'), models: '3942fe755af03f3b' },
      ope: { clip: 100, reward_days: 1, bootstrap: 200, folds: 5, seed: 1 },
      previous_version: '3942fe755af03f3b',
    });
    // The candidate's files, its manifest aside; the stale file is gone; the candidate untouched.
    const promoted = await snapshot(first);
    const withoutManifest = (files: Record<string, string>) =>
      Object.fromEntries(Object.entries(files).filter(([file]) => file !== 'manifest.json'));
    expect(withoutManifest(promoted)).toEqual(withoutManifest(candidate));
    expect(await snapshot(path('candidate'))).toEqual(candidate);
    // Same flags, same bytes: no clock, and nothing of the current folder's path.
    const second = await currentSet('again');
    expect((await promote(second, '--min-gain', '-1')).code).toBe(0);
    expect(await snapshot(second)).toEqual(promoted);
    await rm(first, { recursive: true });
    await rm(second, { recursive: true });
  }, 60_000);

  /**
   * An uplift set built from the committed models: each type's model as its treated model, the
   * quiz model as every action's control. Not a good set; a well-formed one.
   */
  const upliftCandidate = async () => {
    const dir = path('uplift-candidate');
    await rm(dir, { recursive: true, force: true });
    const deployed = JSON.parse(await readFile(join(REPO_ROOT, 'models/manifest.json'), 'utf8'));
    const actions: Record<string, string> = {
      resume: 'upload_resume',
      project: 'add_project',
      quiz: 'take_quiz',
      event_fomo: 'attend_event',
      comeback: 'attend_event',
    };
    const models: Record<string, object> = {};
    for (const type of Object.keys(actions)) {
      await cp(join(REPO_ROOT, 'models', type), join(dir, 'treated', type), { recursive: true });
      models[type] = { path: `treated/${type}/model.json`, control: actions[type] };
    }
    const controls: Record<string, object> = {};
    for (const action of new Set(Object.values(actions))) {
      await cp(join(REPO_ROOT, 'models/quiz'), join(dir, 'control', action), { recursive: true });
      controls[action] = { path: `control/${action}/model.json` };
    }
    const manifest = {
      version: 'uplift-c0ffee000002',
      objective: 'uplift',
      reward_days: 1,
      feature_names: deployed.feature_names,
      scaling: deployed.scaling,
      models,
      controls,
    };
    await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    return dir;
  };

  it('judges an uplift set as the uplift objective serves it, and puts it in place only under a config that serves it', async () => {
    const candidate = await upliftCandidate();
    const current = await currentSet('before-uplift');
    const before = await snapshot(current);
    const run = (config: string) =>
      runBuiltCli([
        ...promoteArgs(candidate, current, config),
        '--bootstrap',
        '200',
        '--min-gain',
        '-1',
      ]);

    const refused = await run(path('exploring.json'));
    expect(refused.code).toBe(3);
    expect(refused.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^promote: refused: DR says candidate − current is .+; the lower end exceeds −1\.0000 \(--min-gain\); but --config .+exploring\.json: policy\.objective is "propensity" but the models \(version uplift-c0ffee000002\) are an uplift set: set policy\.objective to "uplift" to serve it, then promote again$/,
    );
    expect(await snapshot(current)).toEqual(before);

    const upliftConfig = path('exploring-uplift.json');
    await writeFile(
      upliftConfig,
      JSON.stringify({ policy: { exploration_epsilon: 0.2, objective: 'uplift' } }),
    );
    const promoted = await run(upliftConfig);
    expect(promoted.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(current, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ version: 'uplift-c0ffee000002', objective: 'uplift' });
    expect(manifest.promotion.previous_version).toBe('3942fe755af03f3b');
    await rm(current, { recursive: true });
  }, 60_000);

  it('prints the text summary with the decision line when promoting', async () => {
    const current = await currentSet('text');
    const sut = await promote(current, '--min-gain', '-1');
    expect(sut.code).toBe(0);
    const lines = sut.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(
      'promote: promoted: DR says candidate − current is +0.0024 (95% CI −0.0064 to +0.0115); the lower end exceeds −1.0000 (--min-gain)',
    );
    expect(lines).toContain(
      'decisions: 400 not held out, from 400 learners; weights: effective sample 384, largest 1.58, 0.0% without support',
    );
    await rm(current, { recursive: true });
  }, 30_000);

  it('refuses a candidate that is the current set, with exit 3: nothing to promote', async () => {
    const current = await currentSet('same');
    const before = await snapshot(current);
    const sut = await runBuiltCli(promoteArgs(join(REPO_ROOT, 'models'), current));
    expect(sut.code).toBe(3);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toBe(
      "promote: refused: the candidate's models are the current ones (version 3942fe755af03f3b): nothing to promote\n",
    );
    expect(await snapshot(current)).toEqual(before);
    await rm(current, { recursive: true });
  }, 30_000);

  it('takes a candidate that does not load for a usage error (exit 2): rules only is not a set', async () => {
    const current = await currentSet('kept');
    const before = await snapshot(current);
    await mkdir(path('empty'));
    const sut = await runBuiltCli(promoteArgs(path('empty'), current));
    expect(sut.code).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toMatch(
      /^error: --candidate .*empty: cannot read .*manifest\.json: .*; promote needs a model set that loads\n$/,
    );
    expect(await snapshot(current)).toEqual(before);
    await rm(current, { recursive: true });
    await rm(path('empty'), { recursive: true });
  }, 30_000);
});
