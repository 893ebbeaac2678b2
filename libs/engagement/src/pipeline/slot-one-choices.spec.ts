import { parseCalendarDate } from '@app/learner';
import { ModelSet } from '@app/ml';
import {
  EXAMPLE_HISTORY_REQUEST,
  EXAMPLE_REQUEST,
  validateAnalyzeRequest,
  ValidRequest,
} from '@app/contract';
import { analyzeLearner } from './analyze-learner';
import { buildEngineConfig } from '../config/engine-config.loader';
import { slotOneChoices } from './slot-one-choices';
import { constantModels } from '../testing/model-fixtures';

const AS_OF = parseCalendarDate('2025-06-30')!;

function valid(body: object): ValidRequest {
  const validated = validateAnalyzeRequest(body, AS_OF);
  if (!validated.ok) throw new Error(JSON.stringify(validated.errors));
  return validated.value;
}

const choicesOf = (body: object, settings: object, models?: ModelSet) =>
  slotOneChoices(valid(body), { config: buildEngineConfig(settings), models }).map(
    ({ type, probability }) => ({ type, probability }),
  );

/** The example learner's rule nudges, ranked: four, one more than the three slots. */
const RANKED = ['resume', 'comeback', 'quiz', 'project'];

describe(slotOneChoices.name, () => {
  it('gives the best candidate probability 1 without exploration, and ranks the rest at 0', () => {
    const sut = choicesOf(EXAMPLE_REQUEST, {});
    expect(sut).toEqual([
      { type: 'resume', probability: 1 },
      { type: 'comeback', probability: 0 },
      { type: 'quiz', probability: 0 },
      { type: 'project', probability: 0 },
    ]);
    const answer = analyzeLearner(valid(EXAMPLE_REQUEST), {
      config: buildEngineConfig({}),
      models: undefined,
    });
    expect(answer.nudges[0]).toMatchObject({ type: 'resume', propensity: 1 });
  });

  it('says where each candidate comes from and how strong it is, as the answer would', () => {
    const sut = slotOneChoices(valid(EXAMPLE_REQUEST), {
      config: buildEngineConfig({}),
      models: undefined,
    });
    expect(sut.map(({ type, source, score }) => [type, source, score])).toEqual([
      ['resume', 'rule', 0.84],
      ['comeback', 'rule', 0.76],
      ['quiz', 'rule', 0.81],
      ['project', 'rule', 0.57],
    ]);
  });

  it('spreads ε over every candidate of the slot, the nudge beyond max_nudges included', () => {
    // n = 4: the best gets 1 − 0.2 + 0.2/4 = 0.85, each other one 0.2/4 = 0.05.
    const sut = choicesOf(EXAMPLE_REQUEST, { policy: { exploration_epsilon: 0.2 } });
    expect(sut.map((choice) => choice.type)).toEqual(RANKED);
    expect(sut[0].probability).toBeCloseTo(0.85, 12);
    for (const choice of sut.slice(1)) expect(choice.probability).toBeCloseTo(0.05, 12);
  });

  it("matches the propensity of the engine's own slot-1 pick, whichever it drew", () => {
    const settings = { policy: { exploration_epsilon: 0.5 } };
    const config = buildEngineConfig(settings);
    const picked = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const request = valid({ ...EXAMPLE_REQUEST, decision_id: `d-${i}` });
      const top = analyzeLearner(request, { config, models: undefined }).nudges[0];
      const choice = slotOneChoices(request, { config, models: undefined }).find(
        (c) => c.type === top.type,
      );
      expect(choice?.probability).toBeCloseTo(top.propensity, 12);
      picked.add(top.type);
    }
    expect([...picked].sort()).toEqual([...RANKED].sort());
  });

  it('counts a model nudge as a candidate when exploring, though the rules fill the slots', () => {
    // event_fomo is the only type without a rule nudge; n = 5, so 0.8 + 0.04 and 0.04 each.
    const sut = choicesOf(
      EXAMPLE_REQUEST,
      { policy: { exploration_epsilon: 0.2 } },
      constantModels({ event_fomo: 0.9 }),
    );
    expect(sut.map((choice) => choice.type)).toEqual([...RANKED, 'event_fomo']);
    expect(sut[0].probability).toBeCloseTo(0.84, 12);
    expect(sut[4].probability).toBeCloseTo(0.04, 12);
  });

  it('leaves out types in their cooldown, and draws among all the rest when the cap allows one', () => {
    // The quiz delivered yesterday and the resume dismissed ten days ago still rest; one
    // delivery in the week leaves room for one with a cap of 2.
    const settings = {
      policy: { exploration_epsilon: 0.2 },
      fatigue: { max_nudges_per_7_days: 2 },
    };
    expect(choicesOf(EXAMPLE_HISTORY_REQUEST, settings)).toEqual([
      { type: 'comeback', probability: 0.9 },
      { type: 'project', probability: 0.1 },
    ]);
  });

  it('is empty when the weekly cap is full, the learner is held out, or nothing applies', () => {
    expect(choicesOf(EXAMPLE_HISTORY_REQUEST, { fatigue: { max_nudges_per_7_days: 1 } })).toEqual(
      [],
    );
    // stu_2's holdout bucket is 0.2532.
    const heldOut = {
      ...EXAMPLE_REQUEST,
      user_data: { ...EXAMPLE_REQUEST.user_data, user_id: 'stu_2' },
    };
    expect(choicesOf(heldOut, { assignment: { holdout_percent: 30 } })).toEqual([]);
    expect(choicesOf(heldOut, { assignment: { holdout_percent: 25 } })).toHaveLength(4);
    const settled = {
      ...EXAMPLE_REQUEST,
      user_data: {
        ...EXAMPLE_REQUEST.user_data,
        profile: { ...EXAMPLE_REQUEST.user_data.profile, resume_uploaded: true, projects_added: 5 },
        activity: {
          ...EXAMPLE_REQUEST.user_data.activity,
          last_event_attended: '2025-06-29',
          last_quiz_taken: '2025-06-29',
        },
      },
    };
    expect(choicesOf(settled, {})).toEqual([]);
  });

  it("explores with the learner's variant's ε", () => {
    // Everyone is in `on`, whose ε of 0.4 gives the best 0.6 + 0.4/4 = 0.7.
    const sut = choicesOf(EXAMPLE_REQUEST, {
      assignment: {
        experiments: [
          {
            key: 'explore',
            variants: [
              { key: 'on', weight: 1, overrides: { policy: { exploration_epsilon: 0.4 } } },
              { key: 'off', weight: 0 },
            ],
          },
        ],
      },
    });
    expect(sut[0]).toEqual({ type: 'resume', probability: 0.7 });
    expect(sut[3].probability).toBeCloseTo(0.1, 12);
  });
});
