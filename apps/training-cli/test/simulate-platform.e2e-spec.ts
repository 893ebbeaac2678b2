import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngineConfig } from '@app/engagement';
import { parseDecisionLine } from '@app/contract';
import { REPO_ROOT, runBuiltCli } from './run-cli';

const USERS = 300;
const DAYS = 7;
const FILES = ['decisions.ndjson', 'outcomes.ndjson', 'truth.json'];

const TRUTH_FIELDS = [
  'users',
  'days',
  'seed',
  'start',
  'end',
  'window_days',
  'reward_days',
  'config_hash',
  'model_version',
  'decisions',
  'holdout_decisions',
  'delivered_nudges',
  'actions',
  'muted_learners',
  'rate_with_nudges',
  'rate_without_nudges',
  'absolute_lift',
  'treated_rate',
  'holdout_rate',
  'policy_value',
  'no_nudge_value',
  'policy_lift',
  'story',
];

describe('training-cli simulate-platform', () => {
  let dir: string;
  let config: string;

  function simulatePlatform(outDir: string, ...extra: string[]) {
    return runBuiltCli([
      'simulate-platform',
      '--users',
      String(USERS),
      '--days',
      String(DAYS),
      '--config',
      config,
      '--out-dir',
      join(dir, outDir),
      ...extra,
    ]);
  }

  async function sha256(outDir: string): Promise<string[]> {
    const files = await Promise.all(FILES.map((file) => readFile(join(dir, outDir, file))));
    return files.map((bytes) => createHash('sha256').update(bytes).digest('hex'));
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'simulate-platform-'));
    const document = JSON.parse(await readFile(join(REPO_ROOT, 'config/config.json'), 'utf8'));
    config = join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        ...document,
        assignment: { holdout_percent: 20 },
        policy: { exploration_epsilon: 0.2 },
      }),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('logs a decision per learner and day, held-out learners as ghosts, and the truth', async () => {
    const sut = await simulatePlatform('run');

    expect(sut.stderr).toBe('');
    expect(sut.code).toBe(0);
    expect(sut.stdout).toMatch(
      new RegExp(
        `^simulate-platform: 300 learners × 7 days from 2025-06-02 \\(seed 42, models [0-9a-f]+\\) -> ${join(dir, 'run', 'decisions.ndjson')} \\(2100 decisions, \\d+ held out\\), .* in \\d+\\.\\d s\\n$`,
      ),
    );
    const lines = (await readFile(join(dir, 'run', 'decisions.ndjson'), 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(USERS * DAYS);
    let heldOut = 0;
    let delivered = 0;
    lines.forEach((line, i) => {
      const { record } = parseDecisionLine(line, `decisions.ndjson line ${i + 1}`);
      const { request } = JSON.parse(line);
      expect(request.decision_id).toBe(record.decision_id);
      expect(request.as_of).toBe(record.as_of);
      if (record.assignment.holdout) {
        heldOut++;
        expect(record.delivered).toEqual([]);
        expect(record.would_have_sent).toBeDefined();
        // Nothing was delivered to them, so their platform has nothing to report.
        expect(request.history).toEqual([]);
      }
      delivered += record.delivered.length;
    });
    expect(heldOut).toBeGreaterThan(0);

    const truth = JSON.parse(await readFile(join(dir, 'run', 'truth.json'), 'utf8'));
    expect(Object.keys(truth)).toEqual(TRUTH_FIELDS);
    expect(truth).toMatchObject({
      users: USERS,
      days: DAYS,
      seed: 42,
      start: '2025-06-02',
      end: '2025-06-08',
      decisions: USERS * DAYS,
      holdout_decisions: heldOut,
      delivered_nudges: delivered,
      config_hash: loadEngineConfig(config).hash,
    });
    expect(truth.absolute_lift).toBeCloseTo(truth.rate_with_nudges - truth.rate_without_nudges, 5);
  }, 60_000);

  it('writes logs uplift measures: its arms are the ones truth.json counts', async () => {
    const truth = JSON.parse(await readFile(join(dir, 'run', 'truth.json'), 'utf8'));

    const sut = await runBuiltCli([
      'uplift',
      '--decisions',
      join(dir, 'run', 'decisions.ndjson'),
      '--outcomes',
      join(dir, 'run', 'outcomes.ndjson'),
      '--config',
      config,
      '--json',
    ]);

    expect(sut.stderr).toBe('');
    expect(sut.code).toBe(0);
    const report = JSON.parse(sut.stdout);
    const [low, high] = report.absolute_lift.ci95;
    expect(Number.isFinite(low) && Number.isFinite(high)).toBe(true);
    expect(low).toBeLessThan(high);
    expect(report.arms.map((arm: { arm: string }) => arm.arm)).toEqual(['holdout', 'treated']);
    expect(report.arms[0].decisions).toBe(truth.holdout_decisions);
    expect(report.arms[0].rate).toBeCloseTo(truth.holdout_rate, 6);
    expect(report.arms[1].rate).toBeCloseTo(truth.treated_rate, 6);
  }, 60_000);

  it('writes the same bytes for the same arguments, and others for another seed', async () => {
    await simulatePlatform('again');
    await simulatePlatform('other', '--seed', '43');

    const first = await sha256('run');
    expect(await sha256('again')).toEqual(first);
    const other = await sha256('other');
    FILES.forEach((_, i) => expect(other[i]).not.toBe(first[i]));
  }, 60_000);

  it('logs the pre-period before day 0 and leaves days 0 on as they are without one', async () => {
    await simulatePlatform('no-pre', '--pre-days', '0');
    const read = (outDir: string, file: string) => readFile(join(dir, outDir, file), 'utf8');

    expect(await read('run', 'decisions.ndjson')).toBe(await read('no-pre', 'decisions.ndjson'));
    expect(await read('run', 'truth.json')).toBe(await read('no-pre', 'truth.json'));
    const outcomes = (await read('run', 'outcomes.ndjson')).split('\n').slice(0, -1);
    const before = outcomes.filter((line) => JSON.parse(line).at < '2025-06-02');
    const after = outcomes.filter((line) => JSON.parse(line).at >= '2025-06-02');
    expect(after.join('\n') + '\n').toBe(await read('no-pre', 'outcomes.ndjson'));
    expect(before.length).toBeGreaterThan(0);
    for (const line of before) {
      const { at, decision_id, action } = JSON.parse(line);
      expect(at >= '2025-05-05').toBe(true);
      expect(decision_id).toBeUndefined();
      expect(action).not.toBe('upload_resume');
    }
  }, 60_000);

  it.each([
    [
      ['--users', '3', '--days', '7', '--out-dir', 'out', '--pre-days', '367'],
      "error: option '--pre-days <days>' argument '367' is invalid. Expected a whole number from 0 to 366.",
    ],
    [
      ['--users', '0', '--days', '7', '--out-dir', 'out'],
      "error: option '--users <count>' argument '0' is invalid. Expected a whole number from 1 to 10000000.",
    ],
    [
      ['--users', '3', '--days', '367', '--out-dir', 'out'],
      "error: option '--days <count>' argument '367' is invalid. Expected a whole number from 1 to 366.",
    ],
    [
      ['--users', '3', '--days', '0', '--out-dir', 'out'],
      "error: option '--days <count>' argument '0' is invalid. Expected a whole number from 1 to 366.",
    ],
    [
      ['--users', '3', '--days', '7', '--out-dir', 'out', '--start', '2025-02-30'],
      "error: option '--start <date>' argument '2025-02-30' is invalid. Expected a calendar date as YYYY-MM-DD.",
    ],
    [['--users', '3', '--days', '7'], "error: required option '--out-dir <path>' not specified"],
  ])(
    'refuses %p with exit code 2',
    async (args, message) => {
      const sut = await runBuiltCli(['simulate-platform', ...args]);

      expect(sut.code).toBe(2);
      expect(sut.stdout).toBe('');
      expect(sut.stderr).toBe(`${message}\n`);
    },
    30_000,
  );

  it('refuses an out-dir it cannot create and a config the engine would refuse', async () => {
    const file = join(dir, 'config.json');
    const notCreatable = await simulatePlatform('x', '--out-dir', join(file, 'out'));
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ assignment: { holdout_percent: 80 } }));
    const badConfig = await simulatePlatform('y', '--config', bad);

    expect(notCreatable.code).toBe(2);
    expect(notCreatable.stderr).toBe(
      `error: --out-dir ${join(file, 'out')}: cannot create it (ENOTDIR: not a directory, mkdir '${join(file, 'out')}')\n`,
    );
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toBe(
      `error: --config: invalid config ${bad}: assignment.holdout_percent must be a number from 0 to 50\n`,
    );
    expect(badConfig.stdout).toBe('');
  }, 30_000);

  it('follows the --story it is given, and records it in truth.json', async () => {
    const story = join(dir, 'story.json');
    await writeFile(
      story,
      JSON.stringify({
        effects: { quiz: { base: -0.5, by_feature: { never_quizzed: 2 } } },
        muting: { above: { mean: 6, sd: 2 } },
      }),
    );

    const sut = await simulatePlatform('story', '--story', story);

    expect(sut.code).toBe(0);
    const truth = JSON.parse(await readFile(join(dir, 'story', 'truth.json'), 'utf8'));
    const defaults = JSON.parse(await readFile(join(dir, 'run', 'truth.json'), 'utf8'));
    expect(truth.story.content).toEqual({
      ...defaults.story.content,
      effects: {
        ...defaults.story.content.effects,
        quiz: { base: -0.5, by_feature: { never_quizzed: 2 } },
      },
      muting: { above: { mean: 6, sd: 2 }, probability: 0.1 },
    });
    expect(truth.story.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(truth.story.hash).not.toBe(defaults.story.hash);
    // The same learners and decisions on day 0; what they do differs.
    expect(truth.decisions).toBe(defaults.decisions);
    expect(truth.actions).not.toBe(defaults.actions);
  }, 60_000);

  it('refuses a story file with every bad key named, and one that is not JSON', async () => {
    const story = join(dir, 'bad-story.json');
    await writeFile(story, JSON.stringify({ effects: { quiz: { by_feature: { grit: 1 } } } }));
    const notJson = join(dir, 'not-json.json');
    await writeFile(notJson, '{ "effects": ');

    const bad = await simulatePlatform('z', '--story', story);
    const broken = await simulatePlatform('z', '--story', notJson);

    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(
      new RegExp(
        `^error: --story ${story}: effects\\.quiz\\.by_feature\\.grit is not a story key \\(expected one of resume_uploaded, .*\\)\\n$`,
      ),
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      new RegExp(`^error: --story ${notJson}: cannot read it as JSON \\(`),
    );
  }, 30_000);
});
