import { NUDGE_TYPES, parseCalendarDate } from '@app/learner';
import { DecisionRecord, OUTCOME_ACTIONS } from '@app/contract';
import { CliUsageError } from '../../cli/cli-errors';
import { oneFileLog } from '../../cli/log-file';
import { DecisionTable, loadLineDigest } from '../uplift/uplift-logs';
import { ActionDays, NO_NUDGE } from './retrain-logs';
import { MIN_ROWS, RowSet } from './retrain-rows';
import {
  controlPropensity,
  holdoutShare,
  requireTrainableUplift,
  UpliftColumns,
  upliftModelRows,
  UpliftRows,
  upliftRows,
} from './retrain-uplift-rows';

const JUNE_1 = parseCalendarDate('2025-06-01')!;
const t = (type: (typeof NUDGE_TYPES)[number]) => NUDGE_TYPES.indexOf(type);

const rows = (decisions: number[], labels: number[], weights: number[]): RowSet => ({
  decisions: Uint32Array.from(decisions),
  labels: Uint8Array.from(labels),
  weights: Float64Array.from(weights),
  positives: labels.filter((label) => label === 1).length,
});
const none = rows([], [], []);

/** The table of the decisions below, read from d.ndjson a line each: learners and assignments. */
function decisionTable(learners: number[], holdout: number[]): DecisionTable {
  const table = new DecisionTable(oneFileLog('d.ndjson'));
  learners.forEach((learner, i) => {
    const record = {
      decision_id: `d${i}`,
      user_id: ['ana', 'ben', 'cy', 'eve', 'fay'][learner],
      assignment: { holdout: holdout[i] === 1, bucket: 0.5 },
    } as DecisionRecord;
    table.add(record, JUNE_1, JSON.stringify(record), { file: 'd.ndjson', line: i + 1 });
  });
  return table;
}

/**
 * Eight decisions, four held out (ĥ = 0.5); learners ana 0, ben 1, cy 2, eve 3, fay 4.
 *
 * 0. ana, June 1, held out.
 * 1. ben, June 1, served: quiz in slot 1 (0.5), resume in slot 2 (0.5).
 * 2. ben, June 2, served, explored and sent nothing (slate_propensity 0.25).
 * 3. cy, June 2, served: comeback in slot 1 (0.05).
 * 4. ana, June 6, held out.
 * 5. eve, June 6, held out.
 * 6. fay, June 2, held out.
 * 7. cy, June 6, served: quiz in slot 1 (1).
 */
// The table digests its lines, which needs the digest loaded.
let DECISIONS: UpliftColumns;
beforeAll(async () => {
  await loadLineDigest();
  DECISIONS = {
    table: decisionTable([0, 1, 1, 2, 0, 3, 4, 2], [1, 0, 0, 0, 1, 1, 1, 0]),
    day: Int32Array.from([0, 0, 1, 1, 5, 5, 1, 5], (offset) => JUNE_1 + offset),
    learner: Uint32Array.of(0, 1, 1, 2, 0, 3, 4, 2),
    holdout: Uint8Array.of(1, 0, 0, 0, 1, 1, 1, 0),
    deliveredNothing: Uint8Array.of(1, 0, 1, 0, 1, 1, 1, 0),
    slotOneType: Int8Array.of(
      NO_NUDGE,
      t('quiz'),
      NO_NUDGE,
      t('comeback'),
      NO_NUDGE,
      NO_NUDGE,
      NO_NUDGE,
      t('quiz'),
    ),
    slotOnePropensity: Float64Array.of(NaN, 0.5, NaN, 0.05, NaN, NaN, NaN, 1),
    slatePropensity: Float64Array.of(NaN, 0.25, 0.25, 0.05, NaN, NaN, NaN, 1),
  };
});

/** Per learner (ana, ben, cy, eve, fay). */
const ACTION_DAYS: ActionDays = {
  // Ben uploads a resume on June 1: decision 1's slot-2 resume gives no row to be labelled by it.
  upload_resume: [[], [JUNE_1], [], [], []],
  // Fay adds a project on the day of her held-out decision 6.
  add_project: [[], [], [], [], [JUNE_1 + 1]],
  // Ben takes a quiz on the day of decision 1; cy the day after decision 7.
  take_quiz: [[], [JUNE_1], [JUNE_1 + 6], [], []],
  // Cy attends an event on the day of decision 3; ana on the day of decision 4.
  attend_event: [[JUNE_1 + 5], [], [JUNE_1 + 1], [], []],
};

describe(holdoutShare.name, () => {
  it('is the share of decisions held out', () => {
    expect(holdoutShare(DECISIONS.holdout)).toBe(0.5);
    expect(holdoutShare(Uint8Array.of(0, 0, 0, 1))).toBe(0.25);
  });
});

describe(controlPropensity.name, () => {
  it('is ĥ for a held-out decision and (1 − ĥ)·slate_propensity for a served empty one', () => {
    expect(controlPropensity(DECISIONS, 0, 0.2)).toBe(0.2);
    expect(controlPropensity(DECISIONS, 2, 0.2)).toBe(0.2);
    expect(controlPropensity(DECISIONS, 2, 0.5)).toBe(0.125);
  });

  it('stops at a served decision that sent nothing and has no slate_propensity, naming its line', () => {
    const bare = { ...DECISIONS, slatePropensity: Float64Array.of(NaN, NaN, NaN, NaN) };

    expect(() => controlPropensity(bare, 2, 0.5)).toThrow(
      new CliUsageError(
        'd.ndjson line 3: slate_propensity: uplift training needs it on a served decision that delivered nothing (the chance the logging policy sent nothing) to weigh it as a control row',
      ),
    );
  });
});

describe(upliftRows.name, () => {
  it('gives slot-1 nudges treated rows and decisions that sent nothing control rows, weighed by their arm', () => {
    const sut = upliftRows(DECISIONS, ACTION_DAYS, {
      rewardDays: 1,
      clip: 10,
      testFrom: JUNE_1 + 5,
    });

    expect(sut.holdoutShare).toBe(0.5);
    expect(sut.treated).toEqual([
      // Decision 1's resume was in slot 2: no treated row, though ben uploaded one that day.
      { type: 'resume', train: none, test: none },
      { type: 'project', train: none, test: none },
      // 1/((1 − 0.5)·0.5) = 4 and 1/((1 − 0.5)·1) = 2; cy's quiz came a day late.
      { type: 'quiz', train: rows([1], [1], [4]), test: rows([7], [0], [2]) },
      { type: 'event_fomo', train: none, test: none },
      // 1/((1 − 0.5)·0.05) = 40, clipped to 10.
      { type: 'comeback', train: rows([3], [1], [10]), test: none },
    ]);
    // Held out: 1/0.5 = 2; ben's explored nothing: 1/((1 − 0.5)·0.25) = 8.
    const weights = { train: [2, 8, 2], test: [2, 2] };
    expect(sut.controls).toEqual([
      {
        action: 'upload_resume',
        train: rows([0, 2, 6], [0, 0, 0], weights.train),
        test: rows([4, 5], [0, 0], weights.test),
      },
      {
        action: 'add_project',
        train: rows([0, 2, 6], [0, 0, 1], weights.train),
        test: rows([4, 5], [0, 0], weights.test),
      },
      {
        action: 'take_quiz',
        train: rows([0, 2, 6], [0, 0, 0], weights.train),
        test: rows([4, 5], [0, 0], weights.test),
      },
      {
        action: 'attend_event',
        train: rows([0, 2, 6], [0, 0, 0], weights.train),
        test: rows([4, 5], [1, 0], weights.test),
      },
    ]);
  });

  it('clips at --clip and counts the reward window as the propensity rows do', () => {
    const sut = upliftRows(DECISIONS, ACTION_DAYS, {
      rewardDays: 2,
      clip: 50,
      testFrom: JUNE_1 + 5,
    });

    expect(sut.treated[t('comeback')].train).toEqual(rows([3], [1], [40]));
    // Cy's quiz the day after decision 7 now counts.
    expect(sut.treated[t('quiz')].test).toEqual(rows([7], [1], [2]));
  });

  it('needs slate_propensity only on served decisions that sent nothing', () => {
    const withoutSlate = { ...DECISIONS, slatePropensity: new Float64Array(8).fill(NaN) };
    const servedOnly = {
      ...withoutSlate,
      deliveredNothing: Uint8Array.of(1, 0, 0, 0, 1, 1, 1, 0),
      slotOneType: Int8Array.from(DECISIONS.slotOneType, (type, i) => (i === 2 ? t('quiz') : type)),
      slotOnePropensity: Float64Array.from(DECISIONS.slotOnePropensity, (p, i) =>
        i === 2 ? 0.5 : p,
      ),
    };
    const options = { rewardDays: 1, clip: 10, testFrom: JUNE_1 + 5 };

    expect(() => upliftRows(withoutSlate, ACTION_DAYS, options)).toThrow('d.ndjson line 3: ');
    expect(upliftRows(servedOnly, ACTION_DAYS, options).treated[t('quiz')].train).toEqual(
      rows([1, 2], [1, 0], [4, 4]),
    );
  });
});

describe(requireTrainableUplift.name, () => {
  const split = (count: number, positives: number): RowSet =>
    rows(
      Array.from({ length: count }, (_, i) => i),
      Array.from({ length: count }, (_, i) => (i < positives ? 1 : 0)),
      new Array<number>(count).fill(1),
    );
  const trainable = (): Pick<UpliftRows, 'treated' | 'controls'> => ({
    treated: NUDGE_TYPES.map((type) => ({
      type,
      train: split(MIN_ROWS, 1),
      test: split(MIN_ROWS, 2),
    })),
    controls: OUTCOME_ACTIONS.map((action) => ({
      action,
      train: split(MIN_ROWS, 3),
      test: split(MIN_ROWS, 4),
    })),
  });

  it('names the treated and control models as the summary does', () => {
    expect(upliftModelRows({ holdoutShare: 0.1, ...trainable() }).map((m) => m.name)).toEqual([
      'treated resume',
      'treated project',
      'treated quiz',
      'treated event_fomo',
      'treated comeback',
      'control upload_resume',
      'control add_project',
      'control take_quiz',
      'control attend_event',
    ]);
  });

  it('accepts logs that give every model enough rows of both labels', () => {
    expect(() =>
      requireTrainableUplift({ holdoutShare: 0.1, ...trainable() }, 'd.ndjson'),
    ).not.toThrow();
  });

  it('names every treated and control model that cannot be trained, and why', () => {
    const { treated, controls } = trainable();
    const sut: UpliftRows = {
      holdoutShare: 0.1,
      treated: treated.map((rows) =>
        rows.type === 'resume' ? { ...rows, test: split(MIN_ROWS, 0) } : rows,
      ),
      controls: controls.map((rows) =>
        rows.action === 'attend_event' ? { ...rows, train: split(4, 1) } : rows,
      ),
    };

    expect(() => requireTrainableUplift(sut, 'd.ndjson')).toThrow(
      new CliUsageError(
        'cannot train every uplift model from d.ndjson: treated resume: no positive test rows; control attend_event: 4 train rows (each needs at least 10 train and 10 test rows, with both labels in each)',
      ),
    );
  });
});
