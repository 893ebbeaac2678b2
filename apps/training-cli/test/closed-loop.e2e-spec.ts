import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runBuiltCli } from './run-cli';

/**
 * The closed loop measured against its own truth: the simulator knows the true lift and each
 * policy's true value, so uplift's interval and ope's estimates can be checked against them.
 */
const BASE = JSON.parse(readFileSync(join(REPO_ROOT, 'config/config.json'), 'utf8')) as Record<
  string,
  Record<string, unknown>
>;

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'closed-loop-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configWith(name: string, sections: Record<string, Record<string, unknown>>): string {
  const config: Record<string, unknown> = { ...BASE };
  for (const [key, values] of Object.entries(sections)) config[key] = { ...BASE[key], ...values };
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

async function cli(args: string[]): Promise<string> {
  const run = await runBuiltCli(args);
  if (run.code !== 0) throw new Error(`${args[0]} exited ${run.code}: ${run.stderr}`);
  return run.stdout;
}

async function simulate(config: string, out: string, users: number, days: number, seed: number) {
  await cli([
    'simulate-platform',
    ...['--users', String(users), '--days', String(days), '--seed', String(seed)],
    ...['--config', config, '--out-dir', out],
  ]);
  return JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8')) as {
    absolute_lift: number;
    policy_value: number;
  };
}

const logs = (out: string) => [
  '--decisions',
  join(out, 'decisions.ndjson'),
  '--outcomes',
  join(out, 'outcomes.ndjson'),
];

describe('the closed loop against the simulated truth', () => {
  it("uplift's 95% interval covers the true lift in 10 of 10 seeded runs", async () => {
    const config = configWith('holdout', { assignment: { holdout_percent: 30 } });
    const covered: boolean[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const out = join(dir, `coverage-${seed}`);
      const truth = await simulate(config, out, 300, 7, seed);
      const report = JSON.parse(
        await cli(['uplift', ...logs(out), '--config', config, '--json']),
      ) as { absolute_lift: { ci95: [number, number] } };
      const [lo, hi] = report.absolute_lift.ci95;
      covered.push(lo <= truth.absolute_lift && truth.absolute_lift <= hi);
    }
    expect(covered.filter(Boolean)).toHaveLength(10);
  }, 120_000);

  it("SNIPS and DR of a candidate unlike the logging policy cover the candidate's true value", async () => {
    const logging = configWith('logging', { policy: { exploration_epsilon: 0.2 } });
    // Quizzes first: the candidate ranks another nudge on top for many learners.
    const candidate = configWith('candidate', {
      priority_labels: { quiz: 'high', resume: 'medium', comeback: 'medium' },
    });
    // One day: no history, so the logs show every context the candidate would meet.
    const logged = join(dir, 'logged');
    await simulate(logging, logged, 1500, 1, 7);
    const truth = await simulate(candidate, join(dir, 'candidate'), 1500, 1, 7);

    const report = JSON.parse(
      await cli([
        'ope',
        ...logs(logged),
        '--config',
        candidate,
        '--logging-config',
        logging,
        '--json',
      ]),
    ) as Record<'snips' | 'dr', { value: number; ci95: [number, number] }> & {
      logged_value: number;
    };

    for (const estimator of ['snips', 'dr'] as const) {
      const [lo, hi] = report[estimator].ci95;
      expect(lo).toBeLessThanOrEqual(truth.policy_value);
      expect(hi).toBeGreaterThanOrEqual(truth.policy_value);
    }
    // The candidate does differ: the logging policy's own value is another number.
    expect(report.logged_value).not.toBeCloseTo(truth.policy_value, 3);
  }, 120_000);
});
