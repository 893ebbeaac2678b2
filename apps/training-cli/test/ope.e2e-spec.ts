import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltCli } from './run-cli';

/** The logging policy: rules only, exploring with ε = 0.2, a 10% holdout. */
const LOGGING = { policy: { exploration_epsilon: 0.2 }, assignment: { holdout_percent: 10 } };
/** The candidate: the same rules, one slot, no exploration. */
const ONE_SLOT = { max_nudges: 1, assignment: { holdout_percent: 10 } };
/** Greedy logging: the same rules without exploration. */
const GREEDY = { assignment: { holdout_percent: 10 } };

describe('training-cli ope', () => {
  let dir: string;
  const path = (name: string) => join(dir, name);
  const logs = (run: string) => [
    '--decisions',
    path(`${run}/decisions.ndjson`),
    '--outcomes',
    path(`${run}/outcomes.ndjson`),
  ];

  /** ope on the exploring logs, with no models anywhere: every policy runs on rules. */
  const ope = (...args: string[]) =>
    runBuiltCli([
      'ope',
      ...logs('explored'),
      '--logging-config',
      path('logging.json'),
      '--logging-models-dir',
      path('no-models'),
      '--models-dir',
      path('no-models'),
      ...args,
    ]);

  const simulate = async (run: string, config: string) => {
    const sut = await runBuiltCli([
      'simulate-platform',
      '--users',
      '400',
      '--days',
      '1',
      '--seed',
      '5',
      '--config',
      path(config),
      '--models-dir',
      path('no-models'),
      '--out-dir',
      path(run),
    ]);
    expect(sut.code).toBe(0);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ope-'));
    await writeFile(path('logging.json'), JSON.stringify(LOGGING));
    await writeFile(path('one-slot.json'), JSON.stringify(ONE_SLOT));
    await writeFile(path('greedy.json'), JSON.stringify(GREEDY));
    await simulate('explored', 'logging.json');
    await simulate('greedy', 'greedy.json');
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('weighs the logging policy itself 1 everywhere: its value is the mean logged outcome', async () => {
    const sut = await ope('--config', path('logging.json'), '--json', '--bootstrap', '200');
    expect(sut.code).toBe(0);
    const report = JSON.parse(sut.stdout);
    expect(Object.keys(report)).toEqual([
      'ips',
      'snips',
      'dr',
      'baseline',
      'difference',
      'diagnostics',
      'decisions',
      'learners',
      'held_out',
      'logged_value',
      'clip',
      'reward_days',
      'bootstrap',
      'folds',
      'seed',
    ]);
    const truth = JSON.parse(await readFile(path('explored/truth.json'), 'utf8'));
    // The simulator's truth is the same mean outcome over the same learners.
    expect(report.logged_value).toBeCloseTo(truth.policy_value, 6);
    expect(report.ips.value).toBeCloseTo(report.logged_value, 9);
    expect(report.snips.value).toBeCloseTo(report.logged_value, 9);
    expect(report.decisions + report.held_out).toBe(400);
    expect(report.learners).toBe(report.decisions);
    expect(report.difference.ips).toEqual({ value: 0, ci95: [0, 0] });
    expect(report.diagnostics).toMatchObject({
      max_weight: expect.closeTo(1, 9),
      unsupported_share: 0,
      history_dependent_share: 0,
      clipped_share: 0,
    });
    expect(report.diagnostics.effective_sample_size).toBeCloseTo(report.decisions, 6);
  }, 30_000);

  it('estimates a candidate that fills fewer slots, beside the logging policy, with its difference', async () => {
    const sut = await ope('--config', path('one-slot.json'), '--json', '--bootstrap', '200');
    expect(sut.code).toBe(0);
    const report = JSON.parse(sut.stdout);
    expect(report.baseline.policy).toBe(`the logging policy, ${path('logging.json')} (rules only)`);
    for (const estimator of ['ips', 'snips', 'dr']) {
      const { value, ci95 } = report[estimator];
      expect(ci95[0]).toBeLessThanOrEqual(value);
      expect(ci95[1]).toBeGreaterThanOrEqual(value);
      expect(report.difference[estimator].value).toBeCloseTo(
        value - report.baseline[estimator].value,
        12,
      );
    }
    expect(report.diagnostics.unsupported_share).toBe(0);
    expect(report.diagnostics.max_weight).toBeGreaterThan(1);
    const again = await ope('--config', path('one-slot.json'), '--json', '--bootstrap', '200');
    expect(again.stdout).toBe(sut.stdout);
  }, 30_000);

  it('compares with --baseline, and prints a table by default', async () => {
    const sut = await ope(
      '--config',
      path('logging.json'),
      '--baseline',
      path('one-slot.json'),
      '--bootstrap',
      '200',
    );
    expect(sut.code).toBe(0);
    const lines = sut.stdout.split('\n');
    expect(lines[1]).toBe(`baseline: ${path('one-slot.json')} (rules only)`);
    expect(lines[3].trim().split(/ {2,}/)).toEqual([
      'estimator',
      'candidate',
      '95% CI',
      'baseline',
      'difference',
      '95% CI',
    ]);
  }, 30_000);

  it('refuses greedy logs for a candidate that leaves a slot empty, saying what would help', async () => {
    const sut = await runBuiltCli([
      'ope',
      ...logs('greedy'),
      '--logging-config',
      path('greedy.json'),
      '--logging-models-dir',
      path('no-models'),
      '--config',
      path('one-slot.json'),
      '--models-dir',
      path('no-models'),
    ]);
    expect(sut.code).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toMatch(
      /line \d+: the candidate policy leaves the second slot empty, which the logging policy never does there: the logging policy never explored \(policy.exploration_epsilon 0\), so its logs give no weight to a slate it did not choose. Log with policy.exploration_epsilon > 0/,
    );
  }, 30_000);

  it('refuses logs another policy made than --logging-config names', async () => {
    const sut = await runBuiltCli([
      'ope',
      ...logs('explored'),
      '--logging-config',
      path('greedy.json'),
      '--logging-models-dir',
      path('no-models'),
      '--config',
      path('one-slot.json'),
      '--models-dir',
      path('no-models'),
    ]);
    expect(sut.code).toBe(2);
    expect(sut.stderr).toMatch(
      /decisions.ndjson line 1: policy_version: "rules-only\/[0-9a-f]{16}", but the logging policy \(--logging-config .*greedy.json \(rules only\)\) would log "rules-only\/[0-9a-f]{16}"; ope replays the policy that made the logs/,
    );
  }, 30_000);
});
