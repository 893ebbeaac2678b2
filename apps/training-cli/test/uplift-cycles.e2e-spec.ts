import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltCli } from './run-cli';

/** The loop end to end, small: one story, one seed, two months of 400 learners. */
describe('training-cli uplift-cycles', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'uplift-cycles-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('logs a month, trains an uplift set, asks promote, and tables every policy it met', async () => {
    const out = join(dir, 'cycles.md');
    const run = await runBuiltCli([
      'uplift-cycles',
      ...['--users', '400', '--days', '14', '--seeds', '1', '--cycles', '2'],
      ...['--stories', 'config/stories/default.json'],
      ...['--work-dir', join(dir, 'work'), '--out', out, '--true-effects'],
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^uplift-cycles: .+cycles\.md in \d+ s$/m);

    // Seeded throughout: the same flags give these numbers on any machine.
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines[0]).toBe('# Uplift against propensity: the loop, cycle by cycle');
    expect(lines.slice(lines.indexOf('### default'))).toEqual([
      '### default',
      '',
      "True lift (`absolute_lift`, points of the 7-day action rate) on each seed's evaluation run; the interval is the 95% t-interval over the 1 seed.",
      '',
      '| policy | mean | 95% interval | per seed | × propensity |',
      '| --- | --: | --: | --- | --: |',
      '| no nudges | +0.00 | +0.00 to +0.00 | +0.00 | 0.00× |',
      "| rules only, no fatigue (the seed report's behaviour) | +1.00 | +1.00 to +1.00 | +1.00 | 0.36× |",
      '| propensity: today’s models and config | +2.79 | +2.79 to +2.79 | +2.79 | 1.00× |',
      '| uplift set of cycle 1 | +3.64 | +3.64 to +3.64 | +3.64 | 1.31× |',
      '| the same, without fatigue (no cooldowns, cap or recency penalty) | +1.34 | +1.34 to +1.34 | +1.34 | 0.48× |',
      "| its controls with the story's true effects (what unlimited logs would teach this model class) | +4.14 | +4.14 to +4.14 | +4.14 | 1.49× |",
      '| serving after cycle 1 (promoted in 0 of 1 seeds) | +2.79 | +2.79 to +2.79 | +2.79 | 1.00× |',
      '| uplift set of cycle 2 | +3.93 | +3.93 to +3.93 | +3.93 | 1.41× |',
      '| the same, without fatigue (no cooldowns, cap or recency penalty) | +2.05 | +2.05 to +2.05 | +2.05 | 0.74× |',
      "| its controls with the story's true effects (what unlimited logs would teach this model class) | +4.25 | +4.25 to +4.25 | +4.25 | 1.53× |",
      '| serving after cycle 2 (promoted in 0 of 1 seeds) | +2.79 | +2.79 to +2.79 | +2.79 | 1.00× |',
      '',
      'The uplift set of the first month lifts 1.31× as much as the propensity policy (target 1.25×); the paired difference is +0.86 points (95% +0.86 to +0.86, SD over seeds 0.00), and its worst seed is 0.86 points above the propensity policy: it meets the target.',
      '',
      'Promotion, per seed and cycle:',
      '',
      '- seed 1, cycle 1: refused: DR says candidate − current is −0.0147 (95% CI −0.0340 to +0.0055); the lower end must exceed +0.0000 (--min-gain)',
      '- seed 1, cycle 2: refused: DR says candidate − current is +0.0021 (95% CI −0.0148 to +0.0208); the lower end must exceed +0.0000 (--min-gain)',
      '',
    ]);

    // The table's numbers are the runs' truth, kept in cycles.json.
    const runs = JSON.parse(readFileSync(join(dir, 'work', 'cycles.json'), 'utf8'));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      story: 'config/stories/default.json',
      seed: 1,
      evaluationSeed: 1_000_001,
    });
    expect(runs[0].cycles.map((c: { servingObjective: string }) => c.servingObjective)).toEqual([
      'propensity',
      'propensity',
    ]);
    expect(runs[0].cycles.map((c: { trueEffectLift: number }) => c.trueEffectLift)).toEqual([
      0.041429, 0.0425,
    ]);
    const truth = JSON.parse(readFileSync(join(dir, 'work', 'evaluation', 'truth.json'), 'utf8'));
    expect(truth.seed).toBe(1_000_001);
  }, 300_000);
});
