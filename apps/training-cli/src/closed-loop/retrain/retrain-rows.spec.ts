import { NUDGE_TYPES, parseCalendarDate } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { ActionDays } from './retrain-logs';
import {
  MIN_ROWS,
  propensityWeight,
  requireTrainable,
  RowSet,
  timeSplit,
  trainDecisions,
  TypeRows,
  typeRows,
} from './retrain-rows';

const JUNE_1 = parseCalendarDate('2025-06-01')!;

describe(propensityWeight.name, () => {
  it('is 1/propensity up to the clip', () => {
    expect(propensityWeight(1, 10)).toBe(1);
    expect(propensityWeight(0.5, 10)).toBe(2);
    expect(propensityWeight(0.1, 10)).toBe(10);
    expect(propensityWeight(0.05, 10)).toBe(10);
    expect(propensityWeight(0.05, 12.5)).toBe(12.5);
    expect(propensityWeight(0.5, 1)).toBe(1);
  });
});

describe(timeSplit.name, () => {
  it('tests on the last holdoutDays days of decisions, whatever their order in the log', () => {
    expect(timeSplit([JUNE_1 + 5, JUNE_1, JUNE_1 + 9], 2)).toEqual({
      firstDay: JUNE_1,
      lastDay: JUNE_1 + 9,
      testFrom: JUNE_1 + 8,
    });
  });

  it('refuses a holdout that leaves no day to train on', () => {
    expect(() => timeSplit([JUNE_1 + 6, JUNE_1], 7)).toThrow(
      new CliUsageError(
        'the decisions span 7 days (2025-06-01 to 2025-06-07): --holdout-days 7 leaves none to train on',
      ),
    );
    expect(() => timeSplit([JUNE_1], 1)).toThrow(
      'the decisions span 1 day (2025-06-01 to 2025-06-01): --holdout-days 1 leaves none to train on',
    );
  });
});

describe(typeRows.name, () => {
  const t = (type: (typeof NUDGE_TYPES)[number]) => NUDGE_TYPES.indexOf(type);
  /**
   * Decisions 0 and 2 are learner 0's (June 1 and June 6), decision 1 learner 1's (June 2).
   * Decision 0 showed a quiz (0.5) then a resume (0.05 in slot 2: shown with 0.5 · 0.05).
   */
  const nudges = {
    day: Int32Array.of(JUNE_1, JUNE_1 + 1, JUNE_1 + 5),
    learner: Uint32Array.of(0, 1, 0),
    nudgeDecision: Uint32Array.of(0, 0, 1, 2),
    nudgeType: Uint8Array.of(t('quiz'), t('resume'), t('comeback'), t('quiz')),
    nudgeShownPropensity: Float64Array.of(0.5, 0.025, 1, 0.25),
  };
  const actionDays: ActionDays = {
    // Learner 0 takes a quiz on the day of decision 0, and the day before decision 2.
    take_quiz: [[JUNE_1, JUNE_1 + 4], []],
    // Learner 0 uploads a resume the day before decision 0 and the day after.
    upload_resume: [[JUNE_1 - 1, JUNE_1 + 1], []],
    add_project: [[], []],
    // Learner 1 attends an event on the day of decision 1.
    attend_event: [[], [JUNE_1 + 1]],
  };
  const rows = (decisions: number[], labels: number[], weights: number[]): RowSet => ({
    decisions: Uint32Array.from(decisions),
    labels: Uint8Array.from(labels),
    weights: Float64Array.from(weights),
    positives: labels.filter((label) => label === 1).length,
  });
  const none = rows([], [], []);

  it('labels each delivered nudge by its own action in the window, weighs and splits it by day', () => {
    const sut = typeRows(nudges, actionDays, { rewardDays: 1, clip: 10, testFrom: JUNE_1 + 5 });

    expect(sut).toEqual([
      // The resume uploaded the day after decision 0 is outside a 1-day window; 1/0.025 clips to 10.
      { type: 'resume', train: rows([0], [0], [10]), test: none },
      { type: 'project', train: none, test: none },
      // The quiz on decision 0's day counts; the one the day before decision 2 does not.
      { type: 'quiz', train: rows([0], [1], [2]), test: rows([2], [0], [4]) },
      { type: 'event_fomo', train: none, test: none },
      { type: 'comeback', train: rows([1], [1], [1]), test: none },
    ]);
  });

  it('weighs a slot-2 row by the chance of slots 1 and 2 together, not its slot alone', () => {
    const sut = typeRows(nudges, actionDays, { rewardDays: 1, clip: 100, testFrom: JUNE_1 + 5 });

    // 1 / (0.5 · 0.05) = 40, where the slot's own 0.05 would give 20.
    expect(sut[t('resume')].train.weights).toEqual(Float64Array.of(40));
  });

  it("counts the window's last day: reward_days 2 takes in the day after", () => {
    const sut = typeRows(nudges, actionDays, { rewardDays: 2, clip: 5, testFrom: JUNE_1 + 1 });

    expect(sut[t('resume')]).toEqual({ type: 'resume', train: rows([0], [1], [5]), test: none });
    expect(sut[t('comeback')].test).toEqual(rows([1], [1], [1]));
  });
});

describe(trainDecisions.name, () => {
  it('keeps the decisions before the test split', () => {
    expect(trainDecisions([JUNE_1 + 3, JUNE_1, JUNE_1 + 7, JUNE_1 + 6], JUNE_1 + 6)).toEqual(
      Uint32Array.of(0, 1),
    );
  });

  it('keeps only the decisions `keep` accepts, when given', () => {
    const days = Int32Array.of(JUNE_1 + 3, JUNE_1, JUNE_1 + 1, JUNE_1 + 6);

    expect(trainDecisions(days, JUNE_1 + 6, (decision) => decision !== 1)).toEqual(
      Uint32Array.of(0, 2),
    );
  });
});

describe(requireTrainable.name, () => {
  const split = (count: number, positives: number): RowSet => ({
    decisions: new Uint32Array(count),
    labels: Uint8Array.from({ length: count }, (_, i) => (i < positives ? 1 : 0)),
    weights: new Float64Array(count).fill(1),
    positives,
  });
  const trainable = (type: (typeof NUDGE_TYPES)[number]): TypeRows => ({
    type,
    train: split(MIN_ROWS, 1),
    test: split(MIN_ROWS, MIN_ROWS - 1),
  });

  it('accepts every type with enough rows of both labels on both sides', () => {
    expect(() => requireTrainable(NUDGE_TYPES.map(trainable), 'd.ndjson')).not.toThrow();
  });

  it('names every type that cannot be trained, and why', () => {
    const types = NUDGE_TYPES.map(trainable);
    types[1] = { ...types[1], train: split(MIN_ROWS, 0), test: split(MIN_ROWS - 1, 3) };
    types[4] = { ...types[4], test: split(MIN_ROWS + 5, MIN_ROWS + 5) };

    expect(() => requireTrainable(types, 'd.ndjson')).toThrow(
      new CliUsageError(
        'cannot train every nudge type from d.ndjson: project: no positive train rows, 9 test rows; comeback: no negative test rows (each needs at least 10 train and 10 test rows, with both labels in each)',
      ),
    );
  });
});
