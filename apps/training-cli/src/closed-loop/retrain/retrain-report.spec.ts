import { NudgeType, parseCalendarDate } from '@app/learner';
import { FEATURE_COUNT, FEATURE_NAMES } from '@app/ml';
import { fromLogManifest, FromLogRun, fromLogSummary, TypeOutcome } from './retrain-report';
import { RowSet } from './retrain-rows';
import { modelSetVersion } from '../../offline/model/training-manifest';

const JUNE_1 = parseCalendarDate('2025-06-01')!;

const rows = (count: number, positives: number): RowSet => ({
  decisions: new Uint32Array(count),
  labels: Uint8Array.from({ length: count }, (_, i) => (i < positives ? 1 : 0)),
  weights: new Float64Array(count).fill(1),
  positives,
});

const outcome = (type: NudgeType, deployed: TypeOutcome['deployed']): TypeOutcome => ({
  rows: { type, train: rows(412, 97), test: rows(1, 1) },
  auc: { weighted: 0.78125, unweighted: 0.77440000004 },
  deployed,
});

const RUN: FromLogRun = {
  decisionsPath: 'data/decisions.ndjson',
  outcomesPath: 'data/outcomes.ndjson',
  split: { firstDay: JUNE_1, lastDay: JUNE_1 + 29, testFrom: JUNE_1 + 23 },
  trainDecisions: 276,
  testDecisions: 84,
  rewardDays: 1,
  clip: 10,
  types: [
    outcome('resume', { weighted: 0.7021, unweighted: 0.6989 }),
    outcome('comeback', undefined),
  ],
  deployed: { dir: 'models', version: '3942fe755af03f3b' },
  version: '65c9a0575bef8f90',
  modelsDir: 'out/models',
  seconds: 0.44,
};

describe(fromLogSummary.name, () => {
  it('says what was trained on and tested on, each type against the deployed model, and where it went', () => {
    expect(fromLogSummary(RUN)).toEqual([
      "train --from-log: data/decisions.ndjson and data/outcomes.ndjson: trained on the nudges delivered in 276 decisions from 2025-06-01 to 2025-06-23, tested on 84 decisions from 2025-06-24 to 2025-06-30; reward: the nudge's action within 1 day; weight: 1/(product of the propensities of slots 1..s) clipped at 10; deployed: models (version 3942fe755af03f3b)",
      'resume: 412 train rows (97 positive), 1 test row (1 positive); test AUC 0.781 weighted, 0.774 unweighted; deployed 0.702 weighted, 0.699 unweighted',
      'comeback: 412 train rows (97 positive), 1 test row (1 positive); test AUC 0.781 weighted, 0.774 unweighted; deployed no comeback model',
      'train --from-log: 2 models, version 65c9a0575bef8f90 -> out/models in 0.4 s',
    ]);
  });

  it('counts reward days in the plural', () => {
    expect(fromLogSummary({ ...RUN, rewardDays: 3 })[0]).toContain(
      "reward: the nudge's action within 3 days;",
    );
  });
});

describe(fromLogManifest.name, () => {
  it('records the logs, the split and the row options, and versions the weights as train does', () => {
    const scaling = {
      mean: new Float64Array(FEATURE_COUNT).fill(0.5),
      std: new Float64Array(FEATURE_COUNT).fill(2),
    };
    const model = { weights: new Float64Array(FEATURE_COUNT).fill(0.25), bias: -1 };
    const decisions = { file: 'decisions.ndjson', sha256: 'ab'.repeat(32), lines: 400 };
    const outcomes = { file: 'outcomes.ndjson', sha256: 'cd'.repeat(32), lines: 715 };

    const sut = fromLogManifest(
      {
        decisions: [decisions],
        outcomes: [outcomes],
        split: RUN.split,
        rewardDays: 2,
        clip: 12.5,
        holdoutDays: 7,
        scaling,
      },
      [{ model, outcome: outcome('quiz', undefined) }],
    );

    const arrays = { mean: Array.from(scaling.mean), std: Array.from(scaling.std) };
    expect(sut).toEqual({
      version: modelSetVersion(FEATURE_NAMES, arrays, [['quiz', model]]),
      objective: 'propensity',
      logs: { decisions, outcomes, first_day: '2025-06-01', last_day: '2025-06-30' },
      reward_days: 2,
      clip: 12.5,
      holdout_days: 7,
      test_from: '2025-06-24',
      feature_names: FEATURE_NAMES,
      scaling: arrays,
      trainer: {
        method:
          'L2 logistic regression weighted by min(1/shown propensity, clip), the shown propensity of a slot-s row being the product of the propensities of slots 1..s; full-batch Newton (IRLS) steps in float64',
        l2: 1,
      },
      models: {
        quiz: {
          path: 'quiz/model.json',
          metrics: {
            test_auc_weighted: 0.78125,
            test_auc_unweighted: 0.7744,
            train_rows: 412,
            test_rows: 1,
            train_positives: 97,
            test_positives: 1,
          },
        },
      },
    });
    expect(Object.keys(sut)[0]).toBe('version');
  });

  it('records each file of a log kept in several, in the order read', () => {
    const decisions = [
      { file: 'decisions-2.ndjson.gz', sha256: 'ab'.repeat(32), lines: 400 },
      { file: 'decisions-1.ndjson', sha256: 'ef'.repeat(32), lines: 12 },
    ];
    const outcomes = { file: 'outcomes.ndjson', sha256: 'cd'.repeat(32), lines: 715 };
    const model = { weights: new Float64Array(FEATURE_COUNT).fill(0.25), bias: -1 };

    const sut = fromLogManifest(
      {
        decisions,
        outcomes: [outcomes],
        split: RUN.split,
        rewardDays: 2,
        clip: 12.5,
        holdoutDays: 7,
        scaling: { mean: new Float64Array(FEATURE_COUNT), std: new Float64Array(FEATURE_COUNT) },
      },
      [{ model, outcome: outcome('quiz', undefined) }],
    );

    expect(sut.logs).toEqual({
      decisions,
      outcomes,
      first_day: '2025-06-01',
      last_day: '2025-06-30',
    });
  });
});
