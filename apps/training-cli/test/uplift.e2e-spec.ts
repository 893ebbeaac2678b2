import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEngineConfig } from '@app/engagement';
import { formatCalendarDate, parseCalendarDate } from '@app/learner';
import { runBuiltCli } from './run-cli';

/** 20% held out; the rest split evenly between two variants of one experiment. */
const CONFIG = {
  assignment: {
    holdout_percent: 20,
    experiments: [
      {
        key: 'tone',
        variants: [
          { key: 'warm', weight: 0.5 },
          { key: 'cold', weight: 0.5 },
        ],
      },
    ],
  },
};

/**
 * Each learner's group and, per decision, whether an action followed it within 7 days. Per
 * learner (acted, decisions): holdout (0, 2), (1, 2), (0, 1), (1, 3); warm (1, 2), (0, 1); cold
 * (2, 3). By hand (the delta method over learners): holdout rate 2/8 with variance 5/384, treated
 * 3/6 with variance 0.0625/3; lift 0.25 ± 1.959963985·√(13/384), relative 1 ± 1.959963985·√(7/6).
 */
const LEARNERS: [string, string, boolean[]][] = [
  ['h1', 'holdout', [false, false]],
  ['h2', 'holdout', [true, false]],
  ['h3', 'holdout', [false]],
  ['h4', 'holdout', [false, true, false]],
  ['w1', 'tone=warm', [false, true]],
  ['w2', 'tone=warm', [false]],
  ['c1', 'tone=cold', [true, true, false]],
];

/** Decisions 10 days apart, so one decision's 7-day window never reaches the next. */
const FIRST_DAY = parseCalendarDate('2025-06-01')!;
const date = (offset: number) => formatCalendarDate(FIRST_DAY + offset);

function decisionLine(user: string, group: string, i: number, hash: string): string {
  const [experiment, variant] = group.split('=');
  const holdout = group === 'holdout';
  return JSON.stringify({
    decision_id: `${user}-${i}`,
    user_id: user,
    as_of: date(10 * i),
    assignment: holdout ? { holdout, bucket: 0.05 } : { holdout, bucket: 0.6, experiment, variant },
    policy_version: `rules-only/${hash}${holdout ? '' : `/${group}`}`,
    features: { karma: 3 },
    candidates: [{ type: 'quiz', source: 'rule', score: 0.7 }],
    delivered: holdout ? [] : [{ type: 'quiz', slot: 1, propensity: 1 }],
    ...(holdout ? { would_have_sent: [{ type: 'quiz', slot: 1 }] } : {}),
    platform: 'web',
  });
}

/**
 * A followed decision gets an action at 20:00 at UTC−05:00 five days on, which is 01:00 UTC six
 * days on: the window's last day, as its UTC day counts. A decision not followed gets one the
 * day its window closes and one the day before it; except h3's, whose learner does nothing.
 */
function outcomeLines(user: string, acted: boolean, i: number): string[] {
  if (acted) {
    return [
      JSON.stringify({
        user_id: user,
        action: 'take_quiz',
        at: `${date(10 * i + 5)}T20:00:00-05:00`,
        decision_id: `${user}-${i}`,
      }),
    ];
  }
  if (user === 'h3') return [];
  return [
    JSON.stringify({ user_id: user, action: 'attend_event', at: date(10 * i + 7) }),
    JSON.stringify({ user_id: user, action: 'add_project', at: date(10 * i - 1) }),
  ];
}

const Z = 1.959963985;

/**
 * With an 8-day window the holdout is (2, 2), (2, 2), (0, 1), (3, 3): x̄ = 1.75, ȳ = 2,
 * s_x² = 4.75/3, s_y² = 2/3, s_xy = 1, so var = (4.75/12 − 3.5/8 + 3.0625·(2/3)/16) / 4 = 11/512
 * and the interval is 0.875 ± 1.959963985·√(11/512) = 0.5877 to 1.1623.
 */
const HOLDOUT_CI_8_DAYS = '58.77% to 116.23%';

describe('training-cli uplift', () => {
  let dir: string;
  let config: string;
  let hash: string;

  async function writeLogs(name: string, decisions: string[], outcomes: string[]) {
    const paths = [join(dir, `${name}-decisions.ndjson`), join(dir, `${name}-outcomes.ndjson`)];
    await writeFile(paths[0], decisions.map((line) => `${line}\n`).join(''));
    await writeFile(paths[1], outcomes.map((line) => `${line}\n`).join(''));
    return paths;
  }

  function decisions(configHash = hash): string[] {
    return LEARNERS.flatMap(([user, group, acted]) =>
      acted.map((_, i) => decisionLine(user, group, i, configHash)),
    );
  }

  function outcomes(): string[] {
    return [
      ...LEARNERS.flatMap(([user, , acted]) => acted.flatMap((a, i) => outcomeLines(user, a, i))),
      // A learner without decisions is no one's outcome.
      JSON.stringify({ user_id: 'zoe', action: 'upload_resume', at: date(0) }),
    ];
  }

  function uplift(paths: string[], ...extra: string[]) {
    return runBuiltCli([
      'uplift',
      '--decisions',
      paths[0],
      '--outcomes',
      paths[1],
      '--config',
      config,
      ...extra,
    ]);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'uplift-'));
    config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify(CONFIG));
    hash = loadEngineConfig(config).hash;
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the arms, the lifts and the sample ratio test as one JSON object', async () => {
    const sut = await uplift(await writeLogs('ok', decisions(), outcomes()), '--json');

    expect(sut.stderr).toBe('');
    expect(sut.code).toBe(0);
    expect(sut.stdout.endsWith('}\n')).toBe(true);
    const report = JSON.parse(sut.stdout);
    expect(Object.keys(report)).toEqual([
      'window_days',
      'arms',
      'absolute_lift',
      'cuped',
      'relative_lift',
      'power',
      'srm',
      'pre_period',
      'variants',
    ]);
    expect(report.window_days).toBe(7);
    expect(report.arms.map(({ ci95: _, ...arm }: { ci95: unknown }) => arm)).toEqual([
      { arm: 'holdout', learners: 4, decisions: 8, acted: 2, rate: 0.25 },
      { arm: 'treated', learners: 3, decisions: 6, acted: 3, rate: 0.5 },
      { arm: 'tone=warm', learners: 2, decisions: 3, acted: 1, rate: 1 / 3 },
      { arm: 'tone=cold', learners: 1, decisions: 3, acted: 2, rate: 2 / 3 },
    ]);
    const [holdout, treated, , cold] = report.arms;
    expect(holdout.ci95[0]).toBeCloseTo(0.25 - Z * Math.sqrt(5 / 384), 9);
    expect(holdout.ci95[1]).toBeCloseTo(0.25 + Z * Math.sqrt(5 / 384), 9);
    expect(treated.ci95[0]).toBeCloseTo(0.5 - Z * Math.sqrt(0.0625 / 3), 9);
    expect(cold.ci95).toBeNull();
    expect(report.absolute_lift.estimate).toBeCloseTo(0.25, 12);
    expect(report.absolute_lift.ci95[0]).toBeCloseTo(-0.11062360879447869, 9);
    expect(report.absolute_lift.ci95[1]).toBeCloseTo(0.6106236087944787, 9);
    expect(report.relative_lift.estimate).toBeCloseTo(1, 12);
    expect(report.relative_lift.ci95[0]).toBeCloseTo(-1.1170030608338588, 9);
    expect(report.relative_lift.ci95[1]).toBeCloseTo(3.117003060833859, 9);
    // (z₉₇.₅ + z₈₀) standard errors of the absolute lift, whose 95% margin is z₉₇.₅ of them.
    const margin = 0.6106236087944787 - 0.25;
    expect(report.power.mde).toBeCloseTo((margin / Z) * (Z + 0.8416212336), 9);
    expect(report.power.target).toBeNull();
    // 4 / 2 / 1 learners against 20% / 40% / 40% of 7 (1.4, 2.8, 2.8); with 2 df p = e^(−χ²/2).
    const chi2 = 2.6 ** 2 / 1.4 + 0.8 ** 2 / 2.8 + 1.8 ** 2 / 2.8;
    expect(report.srm.chi2).toBeCloseTo(chi2, 12);
    expect(report.srm.df).toBe(2);
    expect(report.srm.p_value).toBeCloseTo(Math.exp(-chi2 / 2), 9);
    expect(report.srm.flagged).toBe(false);
    // Every learner has one day before the first decisions (05-31, the log's first action).
    expect(report.pre_period).toEqual({ days: null, learners: 7, unavailable: null });
    expect(Object.keys(report.cuped)).toEqual(['estimate', 'ci95', 'variance_reduction']);
    // cold has a single learner: no variance, so no lift over warm, the first variant.
    expect(report.variants).toEqual([
      { experiment: 'tone', variant: 'cold', control: 'warm', absolute_lift: null, cuped: null },
    ]);
  }, 30_000);

  it('says, and gives null, when no outcome comes before the first decisions', async () => {
    const after = outcomes().filter((line) => JSON.parse(line).at >= date(0));
    const paths = await writeLogs('no-pre', decisions(), after);

    const json = await uplift(paths, '--json');
    const text = await uplift(paths);

    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.cuped).toBeNull();
    expect(report.pre_period).toEqual({
      days: null,
      learners: 0,
      unavailable:
        'no learner has an outcome before their first decision, so there is no pre-period to adjust by',
    });
    expect(text.stdout).toContain(
      '\nCUPED: none (no learner has an outcome before their first decision, so there is no pre-period to adjust by)\n',
    );
  }, 30_000);

  it('counts the day a window closes with --window-days 8, and prints a table by default', async () => {
    const sut = await uplift(
      await writeLogs('table', decisions(), outcomes()),
      '--window-days',
      '8',
    );

    expect(sut.code).toBe(0);
    // Every decision not followed within 7 days has an action on its 8th day, but h3's.
    const rows = sut.stdout
      .split('\n')
      .slice(2, 7)
      .map((line) => line.split(/ {2,}/));
    expect(rows).toEqual([
      ['arm', 'learners', 'decisions', 'followed by an action', 'action rate', '95% CI'],
      ['holdout', '4', '8', '7', '87.50%', HOLDOUT_CI_8_DAYS],
      ['treated', '3', '6', '6', '100.00%', '100.00% to 100.00%'],
      ['tone=warm', '2', '3', '3', '100.00%', '100.00% to 100.00%'],
      ['tone=cold', '1', '3', '3', '100.00%', 'n/a (1 learner)'],
    ]);
    expect(sut.stdout).toContain('relative lift: +14.3% (95% CI ');
  }, 30_000);

  it('warns, and still measures, when the decisions carry another config hash', async () => {
    const sut = await uplift(
      await writeLogs('hash', decisions('0123456789abcdef'), outcomes()),
      '--json',
    );

    expect(sut.code).toBe(0);
    expect(sut.stderr).toBe(
      `warning: 14 decisions in ${join(dir, 'hash-decisions.ndjson')} (the first on line 1) were made under config hash 0123456789abcdef, not ${config}'s ${hash}: the expected split may be wrong\n`,
    );
    expect(JSON.parse(sut.stdout).absolute_lift.estimate).toBeCloseTo(0.25, 12);
  }, 30_000);

  it('names the file, line and field of a bad outcome, exits 2 and prints no result', async () => {
    const bad = outcomes();
    bad[3] = JSON.stringify({ user_id: 'h2', action: 'take_quiz', at: '2025-06-31' });
    const paths = await writeLogs('bad', decisions(), bad);

    const sut = await uplift(paths, '--json');

    expect(sut.code).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toBe(
      `error: ${paths[1]} line 4: at: must be a YYYY-MM-DD date or an RFC 3339 date-time\n`,
    );
  }, 30_000);

  it('refuses logs without a held-out learner', async () => {
    const treatedOnly = decisions().filter((line) => !line.includes('"holdout":true'));
    const heldOut = new Set(
      LEARNERS.filter(([, group]) => group === 'holdout').map(([user]) => user),
    );
    const theirs = (line: string) => heldOut.has((JSON.parse(line) as { user_id: string }).user_id);
    const treatedOutcomes = outcomes().filter((line) => !theirs(line));
    const sut = await uplift(await writeLogs('no-holdout', treatedOnly, treatedOutcomes));

    expect(sut.code).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toBe(
      'error: no held-out decisions: set assignment.holdout_percent above 0 to measure lift\n',
    );
  }, 30_000);

  it.each([
    [
      ['--window-days', '0'],
      "error: option '--window-days <days>' argument '0' is invalid. Expected a whole number from 1 to 365.",
    ],
    [
      ['--target-lift', '0'],
      "error: option '--target-lift <points>' argument '0' is invalid. Expected percentage points above 0, at most 100.",
    ],
    [
      ['--decisions', '/no/such/decisions.ndjson'],
      'error: --decisions /no/such/decisions.ndjson: no such file',
    ],
  ])(
    'refuses %p with exit code 2',
    async (args, message) => {
      const sut = await runBuiltCli(['uplift', '--config', config, ...args]);

      expect(sut.code).toBe(2);
      expect(sut.stderr).toBe(`${message}\n`);
    },
    30_000,
  );
});
