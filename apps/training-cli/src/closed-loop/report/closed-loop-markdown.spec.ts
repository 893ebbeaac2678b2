import { closedLoopMarkdown } from './closed-loop-markdown';
import { policyConfig, REPORT_POLICIES } from './closed-loop-policies';
import { ClosedLoopResults, PolicyResult } from './closed-loop-results';

const estimate = (value: number) => ({ value, ci95: [value - 0.001, value + 0.001] as const });

function result(
  index: number,
  value: number,
  weeklyRates: number[],
  refused?: string,
): PolicyResult {
  return {
    policy: REPORT_POLICIES[index],
    value,
    weeklyRates,
    ope:
      refused === undefined
        ? { ips: estimate(value), snips: estimate(value), dr: estimate(value) }
        : { refused },
  };
}

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
  },
  logging: { trueLift: 0.02, measured: { estimate: 0.03, ci95: [0.01, 0.05] }, value: 0.03 },
  policies: [
    result(0, 0, [0.1, 0.1]),
    result(1, 0.04, [0.12, 0.1], 'the logging policy never chose quiz where the candidate would'),
    result(2, 0.03, [0.13, 0.12]),
    result(3, 0.025, [0.13, 0.115]),
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
};

describe(closedLoopMarkdown.name, () => {
  const lines = closedLoopMarkdown(RESULTS).split('\n');

  it('names the policy with the highest true value, and what each adds over no nudges', () => {
    expect(lines).toContain(
      "The highest true value is **the seed report's behaviour: rules only, no fatigue** (0.0400 per decision).",
    );
    expect(lines).toContain('- ours: rules and models, with fatigue: +2.00');
    expect(lines).toContain('- ours, with models retrained from the logs: +1.50');
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

  it("gives ope's reason where the logs cannot speak for a policy", () => {
    expect(lines).toContain(
      "| the seed report's behaviour: rules only, no fatigue | 0.0400 | not estimable from these logs: the logging policy never chose quiz where the candidate would | | |",
    );
    expect(lines).toContain(
      '| ours: rules and models, with fatigue | 0.0300 | 0.0300 [0.0290, 0.0310] | 0.0300 [0.0290, 0.0310] | 0.0300 [0.0290, 0.0310] |',
    );
  });
});

describe(policyConfig.name, () => {
  it('merges a policy over the base config section by section, keeping the rest', () => {
    const base = { max_nudges: 3, fatigue: { max_nudges_per_7_days: 10, recency_penalty: 0.5 } };
    expect(policyConfig(base, REPORT_POLICIES[0])).toEqual({
      max_nudges: 3,
      fatigue: { max_nudges_per_7_days: 0, recency_penalty: 0.5 },
    });
    expect(policyConfig(base, REPORT_POLICIES[2])).toEqual(base);
  });
});
