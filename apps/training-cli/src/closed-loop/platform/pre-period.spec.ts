import { buildEngineConfig, EngineState } from '@app/engagement';
import { parseCalendarDate } from '@app/learner';
import { actionBit } from './platform-learner';
import { LearnerLogs, PlatformRunOptions, PlatformSimulator } from './platform-simulator';
import { livePrePeriod, prePeriodLines } from './pre-period';
import { BUILT_IN_STORY } from './story';

const START = parseCalendarDate('2025-06-02')!;
const RESUME = actionBit('upload_resume');
const QUIZ = actionBit('take_quiz');
const EVENT = actionBit('attend_event');

const RUN: PlatformRunOptions = {
  users: 30,
  days: 5,
  seed: 11,
  start: START,
  windowDays: 7,
  rewardDays: 1,
  story: BUILT_IN_STORY,
};

const STATE: EngineState = {
  config: buildEngineConfig({
    assignment: { holdout_percent: 30 },
    policy: { exploration_epsilon: 0.2 },
  }),
  models: undefined,
};

function simulate(options: PlatformRunOptions): LearnerLogs[] {
  const sut = new PlatformSimulator(options, STATE);
  return Array.from({ length: options.users }, (_, i) => sut.nextLearner(i));
}

describe(livePrePeriod.name, () => {
  it('draws every action but a resume upload from the habits alone, one mask a day', () => {
    // Certain habits: every action each day, but the upload the day-0 record rules out.
    const always = Float64Array.of(Infinity, Infinity, Infinity, Infinity);
    const never = Float64Array.of(-Infinity, -Infinity, -Infinity, -Infinity);

    const sut = livePrePeriod(always, 123, 3);

    expect(Array.from(sut)).toEqual([0b1110, 0b1110, 0b1110]);
    expect(sut[0] & RESUME).toBe(0);
    expect(Array.from(livePrePeriod(never, 123, 4))).toEqual([0, 0, 0, 0]);
    expect(livePrePeriod(always, 123, 0)).toHaveLength(0);
  });

  it('leaves the habits as they were on day 0', () => {
    const habits = Float64Array.of(0, -1, -2, -3);

    livePrePeriod(habits, 5, 30);

    expect(Array.from(habits)).toEqual([0, -1, -2, -3]);
  });
});

describe(prePeriodLines.name, () => {
  it('writes a line per action, dated on the days before day 0, without a decision', () => {
    const sut = prePeriodLines('stu_1', Uint8Array.of(QUIZ | EVENT, 0, EVENT), START);

    expect(sut).toBe(
      [
        '{"user_id":"stu_1","action":"take_quiz","at":"2025-05-30"}',
        '{"user_id":"stu_1","action":"attend_event","at":"2025-05-30"}',
        '{"user_id":"stu_1","action":"attend_event","at":"2025-06-01"}',
        '',
      ].join('\n'),
    );
    expect(prePeriodLines('stu_1', new Uint8Array(0), START)).toBe('');
  });
});

describe('the pre-period in PlatformSimulator', () => {
  it('draws days 0 on exactly as without a pre-period, on a stream of its own', () => {
    const without = simulate(RUN);
    const withPre = simulate({ ...RUN, preDays: 21 });

    expect(JSON.stringify(withPre.map(({ decisions, actions }) => ({ decisions, actions })))).toBe(
      JSON.stringify(without.map(({ decisions, actions }) => ({ decisions, actions }))),
    );
    expect(without.every((learner) => learner.preActions.length === 0)).toBe(true);
    expect(withPre.every((learner) => learner.preActions.length === 21)).toBe(true);
  });

  it('has learners act unprompted before day 0, never uploading a resume, the same on a rerun', () => {
    const sut = simulate({ ...RUN, preDays: 21 });
    const again = simulate({ ...RUN, preDays: 21 });

    const masks = sut.flatMap((learner) => Array.from(learner.preActions));
    expect(masks.some((mask) => mask !== 0)).toBe(true);
    expect(masks.every((mask) => (mask & RESUME) === 0)).toBe(true);
    expect(again.map((learner) => Array.from(learner.preActions))).toEqual(
      sut.map((learner) => Array.from(learner.preActions)),
    );
  });
});
