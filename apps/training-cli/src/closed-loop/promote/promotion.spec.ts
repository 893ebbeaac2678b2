import { Estimate, OpeReport } from '../ope/ope';
import {
  decide,
  decisionLine,
  promotedManifest,
  promoteJson,
  promoteText,
  promotionEvidence,
  sameVersion,
} from './promotion';

const estimate = (value: number, low: number, high: number): Estimate => ({
  value,
  ci95: [low, high] as const,
});

/** Differences where DR alone is above zero at its lower end: only DR may decide. */
const DIFFERENCE = {
  ips: estimate(0.05, -0.2, 0.3),
  snips: estimate(0.03, -0.01, 0.07),
  dr: estimate(0.02, 0.004, 0.036),
};

const REPORT: OpeReport = {
  ips: estimate(0.3, 0.1, 0.5),
  snips: estimate(0.28, 0.2, 0.36),
  dr: estimate(0.27, 0.22, 0.32),
  baseline: {
    policy: 'the logging policy, config.json (models aaaa)',
    ips: estimate(0.25, 0.2, 0.3),
    snips: estimate(0.25, 0.2, 0.3),
    dr: estimate(0.25, 0.2, 0.3),
  },
  difference: DIFFERENCE,
  diagnostics: {
    effective_sample_size: 318.6,
    max_weight: 10.588,
    mean_weight: 1.01,
    clipped_share: 0,
    unsupported_share: 0,
    history_dependent_share: 0,
  },
  decisions: 400,
  learners: 390,
  held_out: 0,
  logged_value: 0.25,
  clip: 100,
  reward_days: 1,
  bootstrap: 200,
  folds: 5,
  seed: 1,
};

describe(decide.name, () => {
  it('promotes when the lower end of DR exceeds --min-gain, saying so with the numbers', () => {
    expect(decide(DIFFERENCE, 0)).toEqual({
      promoted: true,
      reason:
        'DR says candidate − current is +0.0200 (95% CI +0.0040 to +0.0360); the lower end exceeds +0.0000 (--min-gain)',
    });
    expect(decide(DIFFERENCE, 0.0039).promoted).toBe(true);
  });

  it('refuses when the lower end equals --min-gain: it must exceed it', () => {
    expect(decide(DIFFERENCE, 0.004)).toEqual({
      promoted: false,
      reason:
        'DR says candidate − current is +0.0200 (95% CI +0.0040 to +0.0360); the lower end must exceed +0.0040 (--min-gain)',
    });
  });

  it('refuses an interval that reaches below zero, whatever IPS and SNIPS say', () => {
    const decision = decide(
      { ...DIFFERENCE, dr: estimate(-0.0031, -0.0085, 0.0026), snips: estimate(0.1, 0.05, 0.2) },
      0,
    );
    expect(decisionLine(decision)).toBe(
      'promote: refused: DR says candidate − current is −0.0031 (95% CI −0.0085 to +0.0026); the lower end must exceed +0.0000 (--min-gain)',
    );
  });

  it('takes a negative --min-gain as a tolerated loss', () => {
    const worse = { ...DIFFERENCE, dr: estimate(-0.0018, -0.0087, 0.0059) };
    expect(decide(worse, -0.0087).promoted).toBe(false);
    expect(decide(worse, -0.0088).promoted).toBe(true);
    expect(decisionLine(decide(worse, -1))).toBe(
      'promote: promoted: DR says candidate − current is −0.0018 (95% CI −0.0087 to +0.0059); the lower end exceeds −1.0000 (--min-gain)',
    );
  });

  it('refuses an interval that is not a number', () => {
    expect(decide({ ...DIFFERENCE, dr: estimate(NaN, NaN, NaN) }, -1).promoted).toBe(false);
  });
});

describe(sameVersion.name, () => {
  it('refuses a candidate that is the current set: nothing to promote', () => {
    expect(decisionLine(sameVersion('3942fe755af03f3b'))).toBe(
      "promote: refused: the candidate's models are the current ones (version 3942fe755af03f3b): nothing to promote",
    );
  });
});

describe(promotionEvidence.name, () => {
  const evidence = promotionEvidence(REPORT, {
    decisions: 'data/decisions.ndjson',
    outcomes: 'data/outcomes.ndjson',
    config: 'config/config.json',
    loggingConfig: 'config/config.json',
    loggingModels: 'aaaa',
    minGain: 0.001,
    previousVersion: 'aaaa',
  });

  it("records DR's difference, the rule, the counts, the logs as named and the previous set", () => {
    expect(evidence).toEqual({
      estimator: 'dr',
      difference: { value: 0.02, ci95: [0.004, 0.036] },
      min_gain: 0.001,
      decisions: 400,
      learners: 390,
      logs: { decisions: 'data/decisions.ndjson', outcomes: 'data/outcomes.ndjson' },
      config: 'config/config.json',
      logging_policy: { config: 'config/config.json', models: 'aaaa' },
      ope: { clip: 100, reward_days: 1, bootstrap: 200, folds: 5, seed: 1 },
      previous_version: 'aaaa',
    });
  });

  it("goes under `promotion` in the candidate's manifest, replacing an earlier one", () => {
    const manifest = { version: 'bbbb', models: {}, promotion: { estimator: 'old' } };
    expect(promotedManifest(manifest, evidence)).toEqual({
      version: 'bbbb',
      models: {},
      promotion: evidence,
    });
    expect(manifest.promotion).toEqual({ estimator: 'old' });
  });
});

describe(promoteText.name, () => {
  it('tabulates the three differences, marks the one that decides, then the weights and the rule', () => {
    const candidate = { dir: 'out/candidate', version: 'bbbb' };
    const current = { dir: 'models', version: 'aaaa' };
    expect(promoteText(REPORT, candidate, current, 0)).toEqual([
      'candidate out/candidate (models bbbb) against current models (models aaaa): difference in mean outcome per decision, candidate − current',
      'baseline: the logging policy, config.json (models aaaa)',
      '',
      'estimator  difference              95% CI',
      'IPS           +0.0500  −0.2000 to +0.3000',
      'SNIPS         +0.0300  −0.0100 to +0.0700',
      'DR            +0.0200  +0.0040 to +0.0360  decides',
      '',
      'decisions: 400 not held out, from 390 learners; weights: effective sample 319, largest 10.59, 0.0% without support',
      "rule: promote when the lower end of DR's 95% CI exceeds +0.0000 (--min-gain); 200 bootstrap resamples of learners, seed 1",
    ]);
  });
});

describe(promoteJson.name, () => {
  it("puts the decision before ope's difference and diagnostics", () => {
    const json = promoteJson(
      REPORT,
      { dir: 'c', version: 'bbbb' },
      { dir: 'm', version: 'aaaa' },
      0,
      decide(DIFFERENCE, 0),
    );
    expect(Object.keys(json)).toEqual([
      'promoted',
      'reason',
      'estimator',
      'min_gain',
      'candidate',
      'current',
      'difference',
      'diagnostics',
      'decisions',
      'learners',
      'baseline',
    ]);
    expect(json).toMatchObject({ promoted: true, difference: DIFFERENCE });
  });
});
