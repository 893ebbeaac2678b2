import { compare, SeedRun, summarise } from './cycles';
import { cyclesMarkdown } from './cycles-markdown';

describe(summarise.name, () => {
  it('gives the mean, the sample SD and the 95% t-interval over seeds', () => {
    const sut = summarise([0.01, 0.02, 0.03]);
    expect(sut.mean).toBeCloseTo(0.02, 12);
    expect(sut.sd).toBeCloseTo(0.01, 12);
    // t(0.975, 2) = 4.302653: half-width 4.302653 × 0.01 / √3.
    expect(sut.low).toBeCloseTo(0.02 - 0.024841, 6);
    expect(sut.high).toBeCloseTo(0.02 + 0.024841, 6);
  });

  it('has no spread for one seed', () => {
    expect(summarise([0.05])).toEqual({ mean: 0.05, low: 0.05, high: 0.05, sd: 0, values: [0.05] });
  });
});

describe(compare.name, () => {
  it('takes the ratio of the means and the worst seed against the paired spread', () => {
    const sut = compare([0.03, 0.02, 0.04], [0.02, 0.025, 0.02]);
    expect(sut.ratio).toBeCloseTo(0.03 / 0.021666667, 6);
    expect(sut.worstShortfall).toBeCloseTo(0.005, 12);
    // Differences 0.01, −0.005, 0.02: SD 0.012583.
    expect(sut.differences.sd).toBeCloseTo(0.0125831, 6);
    expect(sut.withinSpread).toBe(true);
  });

  it('flags a seed below the propensity policy by more than the spread', () => {
    const sut = compare([0.05, 0.05, 0.01], [0.02, 0.02, 0.04]);
    expect(sut.worstShortfall).toBeCloseTo(0.03, 12);
    expect(sut.differences.sd).toBeCloseTo(0.034641, 6);
    expect(compare([0.03, 0.03, 0.03, 0.0], [0.02, 0.02, 0.02, 0.02]).withinSpread).toBe(false);
  });
});

const run = (seed: number, propensity: number, uplift: number, promoted: boolean): SeedRun => ({
  story: 'config/stories/default.json',
  seed,
  evaluationSeed: 1_000_000 + seed,
  rulesLift: 0.01,
  propensityLift: propensity,
  cycles: [
    {
      cycle: 1,
      candidateLift: uplift,
      noFatigueLift: uplift / 2,
      promoted,
      decision: promoted ? 'DR gains' : 'DR does not gain',
      servingLift: promoted ? uplift : propensity,
      servingObjective: promoted ? 'uplift' : 'propensity',
    },
  ],
});

describe(cyclesMarkdown.name, () => {
  it('tables each policy over the seeds and says whether the target is met', () => {
    const lines = cyclesMarkdown([run(1, 0.02, 0.03, true), run(2, 0.02, 0.03, false)]);
    expect(lines).toContain('### default');
    expect(lines).toContain('| no nudges | +0.00 | +0.00 to +0.00 | +0.00, +0.00 | 0.00× |');
    expect(lines).toContain(
      '| propensity: today’s models and config | +2.00 | +2.00 to +2.00 | +2.00, +2.00 | 1.00× |',
    );
    expect(lines).toContain(
      '| uplift set of cycle 1 | +3.00 | +3.00 to +3.00 | +3.00, +3.00 | 1.50× |',
    );
    expect(lines).toContain(
      '| serving after cycle 1 (promoted in 1 of 2 seeds) | +2.50 | −3.85 to +8.85 | +3.00, +2.00 | 1.25× |',
    );
    expect(lines).toContain(
      'The uplift set of the first month lifts 1.50× as much as the propensity policy (target 1.25×); the paired difference is +1.00 points (95% +1.00 to +1.00, SD over seeds 0.00), and its worst seed is 1.00 points above the propensity policy: it meets the target.',
    );
    expect(lines).toContain(
      '| the same, without fatigue (no cooldowns, cap or recency penalty) | +1.50 | +1.50 to +1.50 | +1.50, +1.50 | 0.75× |',
    );
    expect(lines).toContain('- seed 2, cycle 1: refused: DR does not gain');
  });
});

describe(`${cyclesMarkdown.name} with --true-effects`, () => {
  it("adds the true-effect set's row only when every seed has one", () => {
    const withTruth = (r: SeedRun, lift: number): SeedRun => ({
      ...r,
      cycles: [{ ...r.cycles[0], trueEffectLift: lift }],
    });
    const label = "its controls with the story's true effects";
    const sut = cyclesMarkdown([
      withTruth(run(1, 0.02, 0.03, false), 0.022),
      withTruth(run(2, 0.02, 0.03, false), 0.024),
    ]);
    expect(sut).toContain(
      `| ${label} (what unlimited logs would teach this model class) | +2.30 | +1.03 to +3.57 | +2.20, +2.40 | 1.15× |`,
    );
    const partial = cyclesMarkdown([
      withTruth(run(1, 0.02, 0.03, false), 0.022),
      run(2, 0.02, 0.03, false),
    ]);
    expect(partial.some((line) => line.includes(label))).toBe(false);
  });
});
