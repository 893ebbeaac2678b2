import { NudgeType } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { Random } from '../../cli/random';
import {
  bootstrapIntervals,
  candidateProbability,
  contributions,
  meanRewards,
  OpeDecision,
  opeReport,
  pointEstimates,
  quantile,
  requireSupport,
} from './ope';

/**
 * Four decisions, by hand. The candidate explores between resume (0.8) and quiz (0.2) on the
 * first two, always takes quiz on the third and delivers nothing on the fourth. Its models score
 * resume only (0.6 and 0.4 where asked); quiz falls back to its mean logged reward 1/1 = 1, and
 * resume, on the third, to (1 + 0)/2 = 0.5.
 *
 *   logged      μ     r   π(a|x)  w = π/μ   w·r   DR = Σ_t π(t)·r̂(t) + w·(r − r̂(a))
 *   resume    0.5    1   0.8     1.6       1.6   0.8·0.6 + 0.2·1 + 1.6·(1 − 0.6) = 1.32
 *   quiz      0.25   1   0.2     0.8       0.8   0.8·0.4 + 0.2·1 + 0.8·(1 − 1)   = 0.52
 *   resume    0.5    0   0       0         0     1·1 + 0                          = 1
 *   none      1      0   1       1         0     0 + 1·(0 − 0)                    = 0
 *
 * IPS = 2.4/4 = 0.6, SNIPS = 2.4/3.4, DR = 2.84/4 = 0.71; the logged value is 2/4 = 0.5.
 */
const LOG: OpeDecision[] = [
  {
    action: 'resume',
    propensity: 0.5,
    reward: 1,
    candidate: [
      { type: 'resume', probability: 0.8 },
      { type: 'quiz', probability: 0.2 },
    ],
    modelled: { resume: 0.6 },
  },
  {
    action: 'quiz',
    propensity: 0.25,
    reward: 1,
    candidate: [
      { type: 'resume', probability: 0.8 },
      { type: 'quiz', probability: 0.2 },
    ],
    modelled: { resume: 0.4 },
  },
  {
    action: 'resume',
    propensity: 0.5,
    reward: 0,
    candidate: [{ type: 'quiz', probability: 1 }],
    modelled: {},
  },
  { action: 'none', propensity: 1, reward: 0, candidate: [], modelled: {} },
];

const SETTINGS = { clip: 10, rewardDays: 1, resamples: 1000, seed: 1 };

describe(candidateProbability.name, () => {
  const exploring = LOG[0].candidate;

  it("is the candidate's probability of the type, and 0 for a type it never chooses", () => {
    expect(candidateProbability(exploring, 'quiz')).toBe(0.2);
    expect(candidateProbability(exploring, 'project')).toBe(0);
    expect(candidateProbability([{ type: 'resume', probability: 1 }], 'resume')).toBe(1);
  });

  it('is 1 for none exactly when the candidate delivers nothing', () => {
    expect(candidateProbability([], 'none')).toBe(1);
    expect(candidateProbability(exploring, 'none')).toBe(0);
  });
});

describe(meanRewards.name, () => {
  it('averages the logged reward per top type, 0 for a type never logged', () => {
    expect(meanRewards(LOG)).toEqual({
      resume: 0.5,
      project: 0,
      quiz: 1,
      event_fomo: 0,
      comeback: 0,
    });
  });
});

describe('the estimates', () => {
  it('are IPS, SNIPS and DR as computed by hand', () => {
    const c = contributions(LOG, 10);
    expect(Array.from(c.weight)).toEqual([1.6, 0.8, 0, 1]);
    expect(c.clipped).toBe(0);
    const sut = pointEstimates(c);
    expect(sut.ips).toBeCloseTo(0.6, 12);
    expect(sut.snips).toBeCloseTo(2.4 / 3.4, 12);
    expect(sut.dr).toBeCloseTo(0.71, 12);
  });

  it('cut a weight to the clip', () => {
    // w₁ = min(1.6, 1.5): IPS (1.5 + 0.8)/4, SNIPS 2.3/3.3, DR (0.68 + 1.5·0.4 + 0.52 + 1)/4.
    const c = contributions(LOG, 1.5);
    expect(Array.from(c.weight)).toEqual([1.5, 0.8, 0, 1]);
    expect(c.clipped).toBe(1);
    const sut = pointEstimates(c);
    expect(sut.ips).toBeCloseTo(0.575, 12);
    expect(sut.snips).toBeCloseTo(2.3 / 3.3, 12);
    expect(sut.dr).toBeCloseTo(0.7, 12);
  });

  it('give SNIPS 0 when no logged action is one the candidate takes, and DR the model', () => {
    const quizModelled = { ...LOG[2], modelled: { quiz: 0.3 } };
    const sut = pointEstimates(contributions([quizModelled, { ...quizModelled, reward: 1 }], 10));
    expect(sut).toEqual({ ips: 0, snips: 0, dr: 0.3 });
  });

  it('make the report, with the weights and the logging policy value', () => {
    const sut = opeReport(LOG, 3, 0.005, { ...SETTINGS, clip: 1.5 });
    expect(sut).toMatchObject({
      decisions: 4,
      held_out: 3,
      logged_value: 0.5,
      mean_weight: 3.3 / 4,
      clipped_share: 0.25,
      unsupported_share: 0.005,
      clip: 1.5,
      reward_days: 1,
      bootstrap: 1000,
      seed: 1,
    });
    expect(sut.ips.value).toBeCloseTo(0.575, 12);
    for (const estimate of [sut.ips, sut.snips, sut.dr]) {
      expect(estimate.ci95[0]).toBeLessThanOrEqual(estimate.value);
      expect(estimate.ci95[1]).toBeGreaterThanOrEqual(estimate.value);
    }
  });
});

describe(quantile.name, () => {
  it('interpolates between order statistics', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5]);
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 0.5)).toBe(3);
    expect(quantile(sorted, 0.975)).toBeCloseTo(4.9, 12);
    expect(quantile(sorted, 1)).toBe(5);
  });
});

describe(bootstrapIntervals.name, () => {
  const c = contributions(LOG, 10);

  it('is the same for the same seed and differs for another', () => {
    const larger = contributions([...LOG, ...LOG, ...LOG, ...LOG, ...LOG], 10);
    const sut = bootstrapIntervals(larger, 500, 7);
    expect(bootstrapIntervals(larger, 500, 7)).toEqual(sut);
    expect(bootstrapIntervals(larger, 500, 8)).not.toEqual(sut);
  });

  it('spans what resampling four decisions can give', () => {
    // IPS resamples are means of four of {1.6, 0.8, 0, 0}: from 0 to 1.6.
    const { ips } = bootstrapIntervals(c, 2000, 1);
    expect(ips[0]).toBe(0);
    expect(ips[1]).toBeGreaterThan(1);
    expect(ips[1]).toBeLessThanOrEqual(1.6);
  });

  it('is a point when every decision contributes alike', () => {
    // Quiz is never logged here, so r̂(quiz) = 0 and DR = 0.8·0.6 + 1.6·(1 − 0.6) = 1.12.
    const same = bootstrapIntervals(contributions([LOG[0], LOG[0], LOG[0]], 10), 100, 1);
    expect(same.snips).toEqual([1, 1]);
    for (const bound of same.ips) expect(bound).toBeCloseTo(1.6, 12);
    for (const bound of same.dr) expect(bound).toBeCloseTo(1.12, 12);
  });
});

describe(requireSupport.name, () => {
  it('gives the share without support up to 1%', () => {
    expect(requireSupport({ unsupported: 0, explored: true }, 300, 'd.ndjson')).toBe(0);
    const tally = { unsupported: 3, first: { line: 7, type: 'quiz' as NudgeType }, explored: true };
    expect(requireSupport(tally, 300, 'd.ndjson')).toBe(0.01);
  });

  it('refuses logs that explored, when more decisions lack support', () => {
    const tally = { unsupported: 4, first: { line: 7, type: 'quiz' as NudgeType }, explored: true };
    expect(() => requireSupport(tally, 300, 'd.ndjson')).toThrow(
      new CliUsageError(
        'd.ndjson line 7: the logging policy never chose quiz where the candidate would: the same holds for 4 of 300 decisions (1.3%, at most 1.0% may). Log with policy.exploration_epsilon > 0, so that every nudge the candidate may choose has a chance',
      ),
    );
  });

  it('refuses logs without exploration, saying why', () => {
    const tally = {
      unsupported: 2,
      first: { line: 1, type: 'resume' as NudgeType },
      explored: false,
    };
    expect(() => requireSupport(tally, 4, 'd.ndjson')).toThrow(
      new CliUsageError(
        'd.ndjson line 1: the logging policy never chose resume where the candidate would: every logged top nudge has propensity 1, so the logging policy never explored (policy.exploration_epsilon 0) and these logs give no weight to any choice it did not make; the candidate chooses otherwise on 2 of 4 decisions (50.0%, at most 1.0% may). Log with policy.exploration_epsilon > 0, so that every nudge the candidate may choose has a chance',
      ),
    );
  });
});

/**
 * Logs of a uniform logging policy over three nudges whose rewards are Bernoulli with known
 * rates; a deterministic candidate that always takes `quiz` is worth exactly quiz's rate.
 */
describe('SNIPS on logs of a known uniform logging policy', () => {
  const RATES: Partial<Record<NudgeType, number>> = { resume: 0.2, quiz: 0.5, project: 0.7 };
  const ACTIONS = Object.keys(RATES) as NudgeType[];

  function uniformLog(seed: number, n: number): OpeDecision[] {
    const random = new Random(seed, 99);
    return Array.from({ length: n }, () => {
      const action = ACTIONS[random.int(ACTIONS.length)];
      return {
        action,
        propensity: 1 / 3,
        reward: random.bernoulli(RATES[action]!) ? 1 : 0,
        candidate: [{ type: 'quiz', probability: 1 }],
        modelled: {},
      };
    });
  }

  it.each([1, 2, 3, 4, 5])('covers the true value 0.5 with its 95%% CI (seed %i)', (seed) => {
    const { snips, ips, dr } = opeReport(uniformLog(seed, 2000), 0, 0, {
      ...SETTINGS,
      resamples: 200,
      seed,
    });
    expect(snips.ci95[0]).toBeLessThan(0.5);
    expect(snips.ci95[1]).toBeGreaterThan(0.5);
    // About 667 quiz decisions: a 95% CI of about ± 1.96·√(0.25/667) ≈ ± 0.038.
    expect(snips.ci95[1] - snips.ci95[0]).toBeLessThan(0.1);
    expect(Math.abs(ips.value - 0.5)).toBeLessThan(0.06);
    expect(Math.abs(dr.value - 0.5)).toBeLessThan(0.06);
  });
});
