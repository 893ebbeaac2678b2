import { closedLoopMarkdown } from './closed-loop-markdown';
import { policyConfig, REPORT_POLICIES } from '../cycles/closed-loop-policies';
import { ClosedLoopResults, PolicyResult } from './closed-loop-results';

const estimate = (value: number) => ({ value, ci95: [value - 0.001, value + 0.001] as const });

const DIAGNOSTICS = {
  effective_sample_size: 812.4,
  max_weight: 4,
  mean_weight: 1,
  clipped_share: 0,
  unsupported_share: 0,
  history_dependent_share: 0.25,
};

/** A policy whose run had this value, lift and nudges per decision. */
function result(
  index: number,
  value: number,
  lift: number,
  nudges: number,
  weeklyRates: number[],
  refused?: string,
): PolicyResult {
  return {
    policy: REPORT_POLICIES[index],
    truth: {
      value,
      noNudgeValue: value - lift,
      lift,
      nudgesPerDecision: nudges,
      mutedLearners: index * 3,
    },
    weeklyRates,
    ope:
      refused === undefined
        ? {
            ips: estimate(value),
            snips: estimate(value),
            dr: estimate(value),
            difference: {
              ips: estimate(value - 0.03),
              snips: estimate(value - 0.03),
              dr: estimate(value - 0.03),
            },
            diagnostics: DIAGNOSTICS,
          }
        : { refused },
  };
}

/** One coverage run of a candidate: its truth and three estimates centred at `at`. */
const coverageRun = (
  story: string,
  seed: number,
  candidate: string,
  truth: number,
  at: number,
) => ({
  story,
  seed,
  candidate,
  truth,
  estimates: {
    ips: { value: at, ci95: [at - 0.01, at + 0.01] as const },
    snips: { value: at, ci95: [at - 0.02, at + 0.02] as const },
    dr: { value: at, ci95: [at - 0.01, at + 0.01] as const },
    diagnostics: DIAGNOSTICS,
  },
});

const RESULTS: ClosedLoopResults = {
  options: {
    config: 'config/config.json',
    modelsDir: 'models',
    workDir: 'data/closed-loop',
    reportsDir: 'reports',
    users: 100,
    days: 14,
    seed: 42,
    coverageSeeds: 2,
    coverageUsers: 50,
    coverageDays: 7,
    stories: ['config/stories/default.json'],
    opeCoverageSeeds: 2,
    opeCoverageUsers: 300,
    cycleSeeds: 1,
    cycles: 1,
  },
  logging: { trueLift: 0.02, measured: { estimate: 0.03, ci95: [0.01, 0.05] }, value: 0.03 },
  policies: [
    result(0, 0.1, 0, 0, [0.1, 0.1]),
    result(1, 0.104, 0.004, 2, [0.12, 0.1], 'the candidate policy puts quiz in the first slot'),
    result(2, 0.13, 0.03, 1.5, [0.13, 0.12]),
    result(4, 0.125, 0.025, 1.25, [0.13, 0.115]),
  ],
  opeCoverage: [
    // Every estimator covers seed 1 only: 0.15 is 0.025 from 0.125, beyond each half-width.
    coverageRun('config/stories/default.json', 1, 'one-slot', 0.12, 0.12),
    coverageRun('config/stories/default.json', 2, 'one-slot', 0.15, 0.125),
    coverageRun('config/stories/default.json', 1, 'no-quiz', 0.11, 0.11),
    {
      story: 'config/stories/default.json',
      seed: 2,
      candidate: 'no-quiz',
      truth: 0.1,
      estimates: { refused: 'the candidate policy puts comeback in the first slot' },
    },
  ],
  coverage: [
    {
      seed: 1,
      trueLift: 0.02,
      measured: { estimate: 0.01, ci95: [-0.01, 0.03] },
      cuped: { estimate: 0.015, ci95: [0.0, 0.03] },
    },
    {
      seed: 2,
      trueLift: 0.02,
      measured: { estimate: 0.06, ci95: [0.04, 0.08] },
      cuped: { estimate: 0.03, ci95: [0.015, 0.045] },
    },
  ],
  retraining: 'train --from-log: 5 models',
  retrainedPromotion: 'refused: DR loses 0.5 points',
  cycleRuns: [
    {
      story: 'config/stories/default.json',
      seed: 1,
      evaluationSeed: 1_000_001,
      rulesLift: 0.01,
      propensityLift: 0.02,
      cycles: [
        {
          cycle: 1,
          candidateLift: 0.03,
          noFatigueLift: 0.01,
          promoted: true,
          decision: 'DR gains 1 point',
          servingLift: 0.03,
          servingObjective: 'uplift',
        },
      ],
    },
  ],
};

describe(closedLoopMarkdown.name, () => {
  const lines = closedLoopMarkdown(RESULTS).split('\n');

  it('says which policy adds the most lift, from how many nudges, and the next one', () => {
    expect(lines).toContain(
      '| ours: rules and models, with fatigue | 1.50 | 6 | 0.1300 | 0.1000 | +3.00 | +2.00 |',
    );
    expect(lines).toContain(
      '**ours: rules and models, with fatigue** adds the most: +3.00 points per decision,',
    );
    expect(lines).toContain('from 1.50 nudges per decision (+2.00 points each), with');
    expect(lines).toContain(
      '6 learners muting nudges. Next comes ours, with models retrained from the logs: +2.50 points from 1.25 nudges per decision (+2.00 each), 12 learners muting.',
    );
  });

  it('counts the coverage runs whose interval holds the true lift', () => {
    expect(lines).toContain(
      'a 20% holdout), the 95% interval covered the true lift in **1 of 2** runs:',
    );
    expect(lines).toContain(
      '| 2 | +2.00 | +6.00 | [+4.00, +8.00] | no | +3.00 | [+1.50, +4.50] | yes |',
    );
  });

  it("sets CUPED's coverage and mean width beside the plain interval's", () => {
    // Plain widths 4 and 4 points, CUPED 3 and 3: 25% narrower; CUPED covers both runs.
    expect(lines).toContain(
      'interval covered it in **2 of 2** runs. The mean width of the 95% interval',
    );
    expect(lines).toContain('was 4.00 points plain and 3.00 points with CUPED:');
    expect(lines).toContain('**25.0% narrower**.');
  });

  it('says when no coverage run had a pre-period', () => {
    const sut = closedLoopMarkdown({
      ...RESULTS,
      coverage: RESULTS.coverage.map((run) => ({ ...run, cuped: null })),
    }).split('\n');

    expect(sut).toContain('No run had a pre-period, so there is no CUPED estimate.');
    expect(sut).toContain('| 1 | +2.00 | +1.00 | [−1.00, +3.00] | yes | — | — | — |');
  });

  it("gives ope's estimates, the difference from the logging policy, or its reason for refusing", () => {
    expect(lines).toContain(
      "| the seed report's behaviour: rules only, no fatigue | 0.1040 | refused: the candidate policy puts quiz in the first slot | | | | |",
    );
    expect(lines).toContain(
      '| ours: rules and models, with fatigue | 0.1300 | 0.1300 [0.1290, 0.1310] | 0.1300 [0.1290, 0.1310] | +0.1000 [+0.0990, +0.1010] | 812 | 25.0% |',
    );
  });

  it('judges off-policy coverage per story and candidate, refusals counting as met', () => {
    expect(lines).toContain(
      '| default | max_nudges 1 | 0.1350 | 0 | 1/2 | 1/2 | 1/2 | 0.040 | 0.020 | **missed** |',
    );
    expect(lines).toContain(
      '| default | quiz switched off | 0.1050 | 1 | 1/1 | 1/1 | 1/1 | 0.040 | 0.020 | met |',
    );
    expect(lines).toContain(
      'The target is met in **1 of 2** cells. A width is the mean length of the 95% interval in',
    );
    expect(lines).toContain(
      'A refusal, as `ope` words it: “the candidate policy puts comeback in the first slot”',
    );
  });
});

describe('the loop, cycle by cycle', () => {
  const lines = closedLoopMarkdown(RESULTS).split('\n');

  it('tables the true lifts of the cycles and says what promote did with the retrained set', () => {
    expect(lines).toContain('## The loop, cycle by cycle: uplift against propensity');
    expect(lines).toContain('| uplift set of cycle 1 | +3.00 | +3.00 to +3.00 | +3.00 | 1.50× |');
    expect(lines).toContain('- seed 1, cycle 1: promoted: DR gains 1 point');
    expect(lines).toContain(
      '`promote` of the propensity set retrained from the logs against the deployed one, on those logs: refused: DR loses 0.5 points',
    );
  });
});

describe(policyConfig.name, () => {
  it('merges a policy over the base config section by section, keeping the rest', () => {
    const base = { max_nudges: 3, fatigue: { max_nudges_per_7_days: 10, recency_penalty: 0.5 } };
    expect(policyConfig(base, REPORT_POLICIES[0])).toEqual({
      max_nudges: 3,
      assignment: { holdout_percent: 10 },
      fatigue: { max_nudges_per_7_days: 0, recency_penalty: 0.5 },
    });
    expect(policyConfig(base, REPORT_POLICIES[2])).toEqual({
      ...base,
      assignment: { holdout_percent: 10 },
    });
    // A number replaces the base's.
    const oneSlot = {
      key: 'one',
      label: 'one',
      overrides: { max_nudges: 1 },
      models: 'none',
    } as const;
    expect(policyConfig(base, oneSlot)).toEqual({ ...base, max_nudges: 1 });
  });
});
