import { buildEngineConfig, EngineState } from '@app/engagement';
import { formatCalendarDate, parseCalendarDate } from '@app/learner';
import { NUDGE_ACTIONS } from '@app/contract';
import { actionBit } from './platform-learner';
import {
  followedDecisions,
  LearnerLogs,
  nextActionDays,
  PlatformRunOptions,
  PlatformSimulator,
  simulatedDecisionId,
} from './platform-simulator';
import { BUILT_IN_STORY } from './story';

const QUIZ = actionBit('take_quiz');
const EVENT = actionBit('attend_event');
const NONE_COMING = 2 ** 31 - 1;

const START = parseCalendarDate('2025-06-02')!;
const RUN: PlatformRunOptions = {
  users: 40,
  days: 6,
  seed: 7,
  start: START,
  windowDays: 7,
  rewardDays: 1,
  story: BUILT_IN_STORY,
};

/** Rules only: the models are not needed to check what the platform does with the answers. */
function engine(document: object): EngineState {
  return { config: buildEngineConfig(document), models: undefined };
}

const EXPLORING = engine({
  assignment: { holdout_percent: 50 },
  policy: { exploration_epsilon: 0.2 },
});

function simulate(
  state: EngineState,
  options = RUN,
): { logs: LearnerLogs[]; sut: PlatformSimulator } {
  const sut = new PlatformSimulator(options, state);
  const logs = Array.from({ length: options.users }, (_, i) => sut.nextLearner(i));
  return { logs, sut };
}

describe(nextActionDays.name, () => {
  it('gives each day the first day from it on with one of the actions', () => {
    const actions = Uint8Array.of(0, QUIZ, 0, 0, EVENT, 0);

    expect(Array.from(nextActionDays(actions, QUIZ | EVENT))).toEqual([1, 1, 4, 4, 4, NONE_COMING]);
    expect(Array.from(nextActionDays(actions, QUIZ))).toEqual([
      1,
      1,
      NONE_COMING,
      NONE_COMING,
      NONE_COMING,
      NONE_COMING,
    ]);
  });
});

describe(followedDecisions.name, () => {
  it('counts the days an action follows within the window, which ends with the simulated days', () => {
    // Window 3: days 0–2 see day 2's action, days 7–9 day 9's; days 3–6 see none.
    expect(followedDecisions(Uint8Array.of(0, 0, QUIZ, 0, 0, 0, 0, 0, 0, EVENT), 3)).toBe(6);
    // Nothing after day 0 follows days 1–3, however long the window.
    expect(followedDecisions(Uint8Array.of(QUIZ, 0, 0, 0), 7)).toBe(1);
    expect(followedDecisions(Uint8Array.of(QUIZ, 0, 0, 0), 1)).toBe(1);
  });
});

describe(PlatformSimulator.name, () => {
  it('asks the engine once a day per learner, with ids and dates of its own', () => {
    const { logs, sut } = simulate(EXPLORING);

    expect(logs.map((learner) => learner.decisions.length)).toEqual(Array(40).fill(6));
    const { request } = logs[11].decisions[4];
    expect(request.decision_id).toBe('sim-7-stu_12-4');
    expect(request.as_of).toBe('2025-06-06');
    expect(logs[11].decisions[4].analysis.decision_id).toBe(simulatedDecisionId(7, 'stu_12', 4));
    expect(sut.tally.decisions).toBe(240);
    expect(sut.dateOf(5)).toBe('2025-06-07');
  });

  it('sends each learner the history of what it delivered on the earlier days, and nothing to the held out', () => {
    const { logs, sut } = simulate(EXPLORING);

    let heldOut = 0;
    for (const { decisions, actions } of logs) {
      const holdout = decisions[0].analysis.assignment.holdout;
      if (holdout) heldOut++;
      decisions.forEach(({ analysis, request }, i) => {
        expect(analysis.assignment.holdout).toBe(holdout);
        if (holdout) expect(analysis.nudges).toEqual([]);
        const delivered = decisions.slice(0, i).flatMap((earlier, day) =>
          earlier.analysis.nudges.map((nudge) => ({
            type: nudge.type,
            sent_at: formatCalendarDate(START + day),
            outcome:
              (actions[day] & actionBit(NUDGE_ACTIONS[nudge.type])) !== 0 ? 'acted' : 'ignored',
          })),
        );
        expect(request.history).toEqual(delivered);
      });
    }
    expect(heldOut).toBeGreaterThan(0);
    expect(sut.tally.holdoutDecisions).toBe(heldOut * 6);
    expect(sut.tally.deliveredNudges).toBeGreaterThan(0);
  });

  it('makes the same learners, answers and actions for the same seed, and others for another', () => {
    const first = simulate(EXPLORING);
    const again = simulate(EXPLORING);
    const other = simulate(EXPLORING, { ...RUN, seed: 8 });

    expect(JSON.stringify(again.logs)).toBe(JSON.stringify(first.logs));
    expect(again.sut.tally).toEqual(first.sut.tally);
    const profiles = (run: { logs: LearnerLogs[] }) =>
      JSON.stringify(run.logs.map((learner) => learner.decisions[0].request.user_data));
    expect(profiles(other)).not.toBe(profiles(first));
  });

  it('draws both worlds from the same numbers: with no room for nudges they are the same world', () => {
    const { sut } = simulate(
      engine({
        assignment: { holdout_percent: 50 },
        fatigue: { max_nudges_per_7_days: 0 },
      }),
      { ...RUN, users: 100, days: 14 },
    );

    expect(sut.tally.deliveredNudges).toBe(0);
    expect(sut.tally.followedWithNudges).toBe(sut.tally.followedWithoutNudges);
    expect(sut.tally.followedWithNudges).toBe(
      sut.tally.followedTreated + sut.tally.followedHoldout,
    );
    expect(sut.tally.followedWithNudges).toBeGreaterThan(0);
    // Without room the policy is the same as sending nothing: its value is that of no nudges.
    expect(sut.tally.outcomes).toBe(sut.tally.outcomesWithoutNudges);
    expect(sut.tally.outcomes).toBeGreaterThan(0);
  });
});
