import { NUDGE_TYPES, parseCalendarDate } from '@app/learner';
import { FEATURE_COUNT, FEATURE_NAMES } from '@app/ml';
import { NUDGE_ACTIONS, OUTCOME_ACTIONS } from '@app/contract';
import { RowSet } from './retrain-rows';
import { upliftMarkdown } from './retrain-uplift-markdown';
import {
  TrainedUpliftSet,
  upliftManifest,
  UpliftModelOutcome,
  UpliftRun,
  upliftSetVersion,
  upliftSummary,
} from './retrain-uplift-report';
import { modelSetVersion } from '../../offline/model/training-manifest';

const JUNE_1 = parseCalendarDate('2025-06-01')!;

const rows = (count: number, positives: number): RowSet => ({
  decisions: new Uint32Array(count),
  labels: Uint8Array.from({ length: count }, (_, i) => (i < positives ? 1 : 0)),
  weights: new Float64Array(count).fill(1),
  positives,
});

/** Every model did alike: 40 train rows (8 positive), 12 test rows (3), two reliability bins. */
const outcome = (name: string, deployed?: UpliftModelOutcome['deployed']): UpliftModelOutcome => ({
  name,
  train: rows(40, 8),
  test: rows(12, 3),
  auc: { weighted: 0.71875, unweighted: 0.6875 },
  calibration: {
    rows: 12,
    predicted: 0.28125,
    observed: 0.25,
    inTheLarge: 0.03125,
    bins: [
      { rows: 6, predicted: 0.125, observed: 0.0625 },
      { rows: 6, predicted: 0.4375, observed: 0.5 },
    ],
  },
  ...(deployed === undefined ? {} : { deployed }),
});

/** Model i's weights are all i/8, its bias −i. */
const weights = (i: number) => ({ weights: new Float64Array(FEATURE_COUNT).fill(i / 8), bias: -i });

const SET: TrainedUpliftSet = {
  holdoutShare: 0.1000004,
  treated: NUDGE_TYPES.map((type, t) => ({
    type,
    model: weights(t),
    outcome: outcome(
      `treated ${type}`,
      type === 'comeback' ? undefined : { weighted: 0.75, unweighted: 0.703125 },
    ),
  })),
  controls: OUTCOME_ACTIONS.map((action, a) => ({
    action,
    model: weights(5 + a),
    outcome: outcome(`control ${action}`),
  })),
  uplift: NUDGE_TYPES.map((type) => ({
    type,
    action: NUDGE_ACTIONS[type],
    bins: [
      { treatedRows: 3, controlRows: 9, predicted: -0.015625, observed: -0.03125 },
      { treatedRows: 9, controlRows: 0, predicted: 0.046875, observed: null },
    ],
  })),
};

const SCALING = {
  mean: new Float64Array(FEATURE_COUNT).fill(0.5),
  std: new Float64Array(FEATURE_COUNT).fill(2),
};
const SOURCES = {
  decisions: [{ file: 'decisions.ndjson', sha256: 'ab'.repeat(32), lines: 400 }],
  outcomes: [{ file: 'outcomes.ndjson', sha256: 'cd'.repeat(32), lines: 715 }],
  split: { firstDay: JUNE_1, lastDay: JUNE_1 + 29, testFrom: JUNE_1 + 23 },
  rewardDays: 2,
  clip: 10,
  holdoutDays: 7,
  scaling: SCALING,
};

const RUN: UpliftRun = {
  decisionsPath: 'data/decisions.ndjson',
  outcomesPath: 'data/outcomes.ndjson',
  split: SOURCES.split,
  decisions: 400,
  heldOut: 40,
  trainDecisions: 300,
  testDecisions: 100,
  rewardDays: 2,
  clip: 10,
  holdoutDays: 7,
  set: SET,
  deployed: { dir: 'models', version: '3942fe755af03f3b' },
  version: 'uplift-0123456789abcdef',
  modelsDir: 'out/uplift',
};

const METRICS = {
  test_auc_weighted: 0.71875,
  test_auc_unweighted: 0.6875,
  train_rows: 40,
  test_rows: 12,
  train_positives: 8,
  test_positives: 3,
  test_calibration_in_the_large: 0.03125,
};

describe(upliftSetVersion.name, () => {
  it("prefixes train's content hash over the treated then the control models", () => {
    const arrays = { mean: Array.from(SCALING.mean), std: Array.from(SCALING.std) };

    expect(upliftSetVersion(SOURCES, SET)).toBe(
      `uplift-${modelSetVersion(FEATURE_NAMES, arrays, [
        ['treated/resume', weights(0)],
        ['treated/project', weights(1)],
        ['treated/quiz', weights(2)],
        ['treated/event_fomo', weights(3)],
        ['treated/comeback', weights(4)],
        ['control/upload_resume', weights(5)],
        ['control/add_project', weights(6)],
        ['control/take_quiz', weights(7)],
        ['control/attend_event', weights(8)],
      ])}`,
    );
  });
});

describe(upliftManifest.name, () => {
  it('lists each type with its control, each control, the window, ĥ and the logs', () => {
    const sut = upliftManifest(SOURCES, SET);

    expect(Object.keys(sut)).toEqual([
      'version',
      'objective',
      'logs',
      'reward_days',
      'clip',
      'holdout_days',
      'test_from',
      'holdout_share',
      'feature_names',
      'scaling',
      'trainer',
      'models',
      'controls',
    ]);
    expect(sut).toMatchObject({
      version: upliftSetVersion(SOURCES, SET),
      objective: 'uplift',
      logs: {
        decisions: SOURCES.decisions[0],
        outcomes: SOURCES.outcomes[0],
        first_day: '2025-06-01',
        last_day: '2025-06-30',
      },
      reward_days: 2,
      clip: 10,
      holdout_days: 7,
      test_from: '2025-06-24',
      holdout_share: 0.1,
      feature_names: FEATURE_NAMES,
      scaling: { mean: new Array(FEATURE_COUNT).fill(0.5), std: new Array(FEATURE_COUNT).fill(2) },
      trainer: { l2: 1 },
    });
    expect(sut.models).toEqual({
      resume: { path: 'treated/resume/model.json', control: 'upload_resume', metrics: METRICS },
      project: { path: 'treated/project/model.json', control: 'add_project', metrics: METRICS },
      quiz: { path: 'treated/quiz/model.json', control: 'take_quiz', metrics: METRICS },
      event_fomo: {
        path: 'treated/event_fomo/model.json',
        control: 'attend_event',
        metrics: METRICS,
      },
      comeback: { path: 'treated/comeback/model.json', control: 'attend_event', metrics: METRICS },
    });
    expect(sut.controls).toEqual({
      upload_resume: { path: 'control/upload_resume/model.json', metrics: METRICS },
      add_project: { path: 'control/add_project/model.json', metrics: METRICS },
      take_quiz: { path: 'control/take_quiz/model.json', metrics: METRICS },
      attend_event: { path: 'control/attend_event/model.json', metrics: METRICS },
    });
  });
});

describe(upliftSummary.name, () => {
  it('says what was trained on, each model, the calibration tables and where the set went', () => {
    expect(upliftSummary(RUN, 1.26)).toEqual([
      'train --from-log --objective uplift: data/decisions.ndjson and data/outcomes.ndjson: 400 decisions, 40 held out (ĥ 0.1000); trained on 300 decisions from 2025-06-01 to 2025-06-23, tested on 100 decisions from 2025-06-24 to 2025-06-30; reward: the action within 2 days; weights: treated 1/((1 − ĥ)·slot-1 propensity), control 1/ĥ held out or 1/((1 − ĥ)·slate propensity) served, clipped at 10; deployed: models (version 3942fe755af03f3b)',
      ...['resume', 'project', 'quiz', 'event_fomo'].map(
        (type) =>
          `treated ${type}: 40 train rows (8 positive), 12 test rows (3 positive); test AUC 0.719 weighted, 0.688 unweighted; calibration in the large +0.0313; deployed 0.750 weighted, 0.703 unweighted`,
      ),
      'treated comeback: 40 train rows (8 positive), 12 test rows (3 positive); test AUC 0.719 weighted, 0.688 unweighted; calibration in the large +0.0313',
      ...OUTCOME_ACTIONS.map(
        (action) =>
          `control ${action}: 40 train rows (8 positive), 12 test rows (3 positive); test AUC 0.719 weighted, 0.688 unweighted; calibration in the large +0.0313`,
      ),
      'reliability on the test split, by fifths of the predicted probability (rows: mean predicted → observed rate, both weighted):',
      ...[
        'treated resume       ',
        'treated project      ',
        'treated quiz         ',
        'treated event_fomo   ',
        'treated comeback     ',
        'control upload_resume',
        'control add_project  ',
        'control take_quiz    ',
        'control attend_event ',
      ].map((name) => `  ${name}  6: 0.1250 → 0.0625  6: 0.4375 → 0.5000`),
      'uplift calibration on the test split, by fifths of the predicted uplift treated − control (treated/control rows: mean predicted → observed uplift, weighted):',
      '  resume (upload_resume)     3/9: −0.0156 → −0.0313  9/0: +0.0469 → —',
      '  project (add_project)      3/9: −0.0156 → −0.0313  9/0: +0.0469 → —',
      '  quiz (take_quiz)           3/9: −0.0156 → −0.0313  9/0: +0.0469 → —',
      '  event_fomo (attend_event)  3/9: −0.0156 → −0.0313  9/0: +0.0469 → —',
      '  comeback (attend_event)    3/9: −0.0156 → −0.0313  9/0: +0.0469 → —',
      'train --from-log --objective uplift: 9 models (5 treated, 4 control), version uplift-0123456789abcdef -> out/uplift (calibration in training_report.md) in 1.3 s',
    ]);
  });
});

describe(upliftMarkdown.name, () => {
  const manifest = upliftManifest(SOURCES, SET);
  const sut = upliftMarkdown(RUN, manifest);
  /** `lines` lines of the report from `heading` on. */
  const section = (heading: string, lines: number) => {
    const all = sut.split('\n');
    const at = all.indexOf(heading);
    return all.slice(at, at + lines);
  };

  it('names the logs by file name and hash, with ĥ and the split', () => {
    expect(section('## The logs', 14)).toEqual([
      '## The logs',
      '',
      '| log | file | lines | sha256 |',
      '| --- | ---- | ----: | ------ |',
      `| decisions | decisions.ndjson | 400 | \`${'ab'.repeat(32)}\` |`,
      `| outcomes | outcomes.ndjson | 715 | \`${'cd'.repeat(32)}\` |`,
      '',
      '400 decisions from 2025-06-01 to 2025-06-30, 40 of them held out:',
      'ĥ = 0.1. An action counts for a decision on a day d with as_of ≤ d < as_of + 2',
      '(`--reward-days`); weights are clipped at 10 (`--clip`).',
      '',
      '## The split',
      '',
      'The models train on the 300 decisions from 2025-06-01 to 2025-06-23 and are',
    ]);
  });

  it('gives a row to each file of a log kept in several', () => {
    const rotated = [
      { file: 'decisions-1.ndjson.gz', sha256: 'ab'.repeat(32), lines: 300 },
      { file: 'decisions-2.ndjson', sha256: 'ef'.repeat(32), lines: 100 },
    ];
    const several = upliftMarkdown(RUN, upliftManifest({ ...SOURCES, decisions: rotated }, SET));
    const lines = several.split('\n');

    expect(lines.slice(lines.indexOf('## The logs') + 4, lines.indexOf('## The logs') + 7)).toEqual(
      [
        `| decisions | decisions-1.ndjson.gz | 300 | \`${'ab'.repeat(32)}\` |`,
        `| decisions | decisions-2.ndjson | 100 | \`${'ef'.repeat(32)}\` |`,
        `| outcomes | outcomes.ndjson | 715 | \`${'cd'.repeat(32)}\` |`,
      ],
    );
  });

  it('tabulates the rows and metrics of every model', () => {
    expect(section('## Rows per model', 14)).toEqual([
      '## Rows per model',
      '',
      '| model | train rows | train positives | test rows | test positives | test AUC weighted | test AUC unweighted | calibration in the large |',
      '| ----- | ---------: | --------------: | --------: | -------------: | ----------------: | ------------------: | -----------------------: |',
      ...[
        ...NUDGE_TYPES.map((type) => `treated ${type}`),
        ...OUTCOME_ACTIONS.map((action) => `control ${action}`),
      ].map((name) => `| ${name} | 40 | 8 | 12 | 3 | 0.719 | 0.688 | +0.0313 |`),
      '',
    ]);
  });

  it("gives each model's reliability table and each type's uplift calibration", () => {
    expect(section('### control take_quiz', 9)).toEqual([
      '### control take_quiz',
      '',
      '12 test rows: mean predicted 0.2813, observed 0.2500,',
      'calibration in the large +0.0313.',
      '',
      '| bin | rows | mean predicted | observed rate |',
      '| --: | ---: | -------------: | ------------: |',
      '| 1 | 6 | 0.1250 | 0.0625 |',
      '| 2 | 6 | 0.4375 | 0.5000 |',
    ]);
    expect(section('### comeback: treated comeback − control attend_event', 6)).toEqual([
      '### comeback: treated comeback − control attend_event',
      '',
      '| bin | treated rows | control rows | mean predicted uplift | observed uplift |',
      '| --: | -----------: | -----------: | --------------------: | --------------: |',
      '| 1 | 3 | 9 | −0.0156 | −0.0313 |',
      '| 2 | 9 | 0 | +0.0469 | — |',
    ]);
  });

  it('lists the files, and holds neither a folder of the run nor its time', () => {
    expect(
      sut.endsWith(
        [
          '- control add_project: `control/add_project/model.json`',
          '- control take_quiz: `control/take_quiz/model.json`',
          '- control attend_event: `control/attend_event/model.json`',
          '',
        ].join('\n'),
      ),
    ).toBe(true);
    expect(sut).toContain(
      '- treated comeback: `treated/comeback/model.json`, control `attend_event`',
    );
    expect(sut).not.toContain('data/');
    expect(sut).not.toContain('out/uplift');
    expect(sut).not.toContain(' s\n');
  });
});
