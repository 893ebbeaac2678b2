import { ModelSet } from '@app/ml';
import { parseCalendarDate } from '@app/learner';
import { EXAMPLE_HISTORY_REQUEST, EXAMPLE_REQUEST } from '@app/contract';
import { validRequest as valid } from '@app/contract/testing';
import { analyzeLearner } from './analyze-learner';
import { buildEngineConfig } from '../config/engine-config.loader';
import { ranksAlike, requestRanking, slatePolicy } from './slate-policy';
import { forEachSlate, Slate, slateProbability } from '../policy/slate';
import { constantModels } from '../testing/model-fixtures';

const policyOf = (body: object, settings: object, models?: ModelSet) => {
  const { ranked, slots, epsilon, coolingDown, historyMatters } = slatePolicy(valid(body), {
    config: buildEngineConfig(settings),
    models,
  });
  return { ranked, slots, epsilon, coolingDown: [...coolingDown.keys()], historyMatters };
};

/** The example learner's rule nudges, ranked: four, one more than the three slots. */
const RANKED = ['resume', 'comeback', 'quiz', 'project'];

describe(slatePolicy.name, () => {
  it('ranks every candidate and opens max_nudges slots for a learner without history', () => {
    expect(policyOf(EXAMPLE_REQUEST, {})).toEqual({
      ranked: RANKED,
      slots: 3,
      epsilon: 0,
      coolingDown: [],
      historyMatters: false,
    });
  });

  it('counts a model nudge as a candidate, though the rules fill the slots', () => {
    const sut = policyOf(
      EXAMPLE_REQUEST,
      { profile_rules: { projects_avg_threshold: 5 } },
      constantModels({ project: 0.9 }),
    );
    expect(sut.ranked).toEqual(['resume', 'comeback', 'quiz', 'project']);
  });

  it('never ranks a model nudge for an action a rule nudge asks for', () => {
    // The comeback asks the example learner to attend an event; so would an event_fomo nudge.
    const sut = policyOf(EXAMPLE_REQUEST, {}, constantModels({ event_fomo: 0.9 }));
    expect(sut.ranked).toEqual(RANKED);
  });

  it('never ranks a type switched off, from the rules or the models', () => {
    const models = constantModels({ event_fomo: 0.9, quiz: 0.9 });
    const sut = policyOf(
      EXAMPLE_REQUEST,
      { policy: { disabled_types: ['quiz', 'event_fomo'] } },
      models,
    );
    expect(sut.ranked).toEqual(['resume', 'comeback', 'project']);
    const answer = analyzeLearner(valid(EXAMPLE_REQUEST), {
      config: buildEngineConfig({ policy: { disabled_types: ['resume'] } }),
      models,
    });
    expect(answer.nudges.map((nudge) => nudge.type)).toEqual(['comeback', 'quiz', 'project']);
    expect(answer.candidates.map((candidate) => candidate.type)).not.toContain('resume');
  });

  it('leaves out types in their cooldown and opens only the room the weekly cap leaves', () => {
    // The quiz delivered yesterday and the resume dismissed ten days ago still rest; one
    // delivery in the week leaves room for one with a cap of 2.
    const sut = policyOf(EXAMPLE_HISTORY_REQUEST, { fatigue: { max_nudges_per_7_days: 2 } });
    expect(sut).toEqual({
      ranked: ['comeback', 'project'],
      slots: 1,
      epsilon: 0,
      coolingDown: ['quiz', 'resume'],
      historyMatters: true,
    });
    // Each with the day it may be sent again.
    const { coolingDown } = slatePolicy(valid(EXAMPLE_HISTORY_REQUEST), {
      config: buildEngineConfig({}),
      models: undefined,
    });
    expect(coolingDown).toEqual(
      new Map([
        ['quiz', parseCalendarDate('2025-07-02')],
        ['resume', parseCalendarDate('2025-07-04')],
      ]),
    );
    const full = policyOf(EXAMPLE_HISTORY_REQUEST, { fatigue: { max_nudges_per_7_days: 1 } });
    expect([full.slots, full.historyMatters]).toEqual([0, true]);
    // A policy that never sends has no slot with or without the history: it changes nothing.
    const never = policyOf(EXAMPLE_HISTORY_REQUEST, { fatigue: { max_nudges_per_7_days: 0 } });
    expect([never.slots, never.historyMatters]).toEqual([0, false]);
  });

  it("serves a held-out learner as any other, and explores with the learner's variant's ε", () => {
    // stu_2's holdout bucket is 0.2532.
    const heldOut = {
      ...EXAMPLE_REQUEST,
      user_data: { ...EXAMPLE_REQUEST.user_data, user_id: 'stu_2' },
    };
    expect(policyOf(heldOut, { assignment: { holdout_percent: 30 } }).ranked).toEqual(RANKED);
    const sut = policyOf(EXAMPLE_REQUEST, {
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
    expect(sut.epsilon).toBe(0.4);
  });

  it("gives the engine's own slate, whichever it drew, the propensity the answer states", () => {
    const config = buildEngineConfig({ policy: { exploration_epsilon: 0.5 } });
    const drawn = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const request = valid({ ...EXAMPLE_REQUEST, decision_id: `d-${i}` });
      const answer = analyzeLearner(request, { config, models: undefined });
      const slate = answer.nudges.map((nudge) => nudge.type);
      const policy = slatePolicy(request, { config, models: undefined });
      expect(slateProbability(policy, slate)).toBeCloseTo(answer.slate_propensity, 12);
      expect(answer.slate_propensity).toBeCloseTo(
        answer.nudges.reduce((p, nudge) => p * nudge.propensity, 1) *
          (slate.length < 3 ? 0.5 / (RANKED.length - slate.length + 1) : 1),
        12,
      );
      drawn.add(slate.length === 0 ? 'none' : slate[0]);
    }
    // Exploring draws every type into the first slot, and sending nothing too.
    expect([...drawn].sort()).toEqual([...RANKED, 'none'].sort());
  });
});

describe(ranksAlike.name, () => {
  const models = constantModels({ event_fomo: 0.9 });
  const stateOf = (settings: object, set: ModelSet | undefined = models) => ({
    config: buildEngineConfig(settings),
    models: set,
  });
  const experiment = (overrides: object) => ({
    assignment: {
      experiments: [
        {
          key: 'fewer',
          variants: [
            { key: 'control', weight: 0.5 },
            { key: 'one', weight: 0.5, overrides },
          ],
        },
      ],
    },
  });

  it('holds for policies that differ only in ε, max_nudges and the weekly cap, and then one ranking serves both', () => {
    const logging = stateOf({ policy: { exploration_epsilon: 0.2 } });
    const candidate = stateOf({ max_nudges: 1, fatigue: { max_nudges_per_7_days: 2 } });
    expect(ranksAlike(logging, candidate)).toBe(true);
    for (const body of [EXAMPLE_REQUEST, EXAMPLE_HISTORY_REQUEST]) {
      const request = valid(body);
      const shared = requestRanking(request, logging);
      const own = slatePolicy(request, candidate);
      expect(slatePolicy(request, candidate, undefined, shared)).toEqual(own);
      // max_nudges 1 leaves one slot; the history's one delivery this week leaves the cap room.
      expect(own.slots).toBe(1);
    }
  });

  it('fails for anything else the ranking reads, or other models', () => {
    const logging = stateOf({});
    for (const settings of [
      { policy: { disabled_types: ['quiz'] } },
      { fatigue: { cooldown_days: { quiz: 1 } } },
      { assignment: { holdout_percent: 30 } },
      experiment({ max_nudges: 1 }),
      { messages: { resume_peer_gap: { title: 'Your resume, please', action: 'Upload it' } } },
    ]) {
      expect([settings, ranksAlike(logging, stateOf(settings))]).toEqual([settings, false]);
    }
    expect(ranksAlike(logging, { config: logging.config, models: undefined })).toBe(false);
    expect(
      ranksAlike(stateOf(experiment({ max_nudges: 1 })), stateOf(experiment({ max_nudges: 1 }))),
    ).toBe(true);
  });
});

describe(slateProbability.name, () => {
  const policy = { ranked: ['resume', 'quiz', 'project'] as const, slots: 2, epsilon: 0.2 };

  it('multiplies each slot’s chance and, for a slate that stops early, the chance of stopping', () => {
    // Slot 1 draws from 3 nudges and stopping (ε/4 = 0.05 each, the best 0.85); slot 2 from 2
    // and stopping (ε/3 each, the best 0.8 + ε/3).
    expect(slateProbability(policy, ['resume', 'quiz'])).toBeCloseTo(0.85 * (0.8 + 0.2 / 3), 12);
    expect(slateProbability(policy, ['quiz', 'resume'])).toBeCloseTo(0.05 * (0.8 + 0.2 / 3), 12);
    expect(slateProbability(policy, ['resume'])).toBeCloseTo(0.85 * (0.2 / 3), 12);
    expect(slateProbability(policy, [])).toBeCloseTo(0.05, 12);
  });

  it('is 0 for a slate longer than the slots or with a nudge the policy does not rank', () => {
    expect(slateProbability(policy, ['resume', 'quiz', 'project'])).toBe(0);
    expect(slateProbability(policy, ['comeback'])).toBe(0);
    expect(slateProbability(policy, ['resume', 'resume'])).toBe(0);
  });

  it('is 1 for the greedy slate and 0 for any other without exploration', () => {
    const greedy = { ...policy, epsilon: 0 };
    expect(slateProbability(greedy, ['resume', 'quiz'])).toBe(1);
    expect(slateProbability(greedy, ['resume'])).toBe(0);
    expect(slateProbability(greedy, [])).toBe(0);
    // With one slot and nothing to rank, sending nothing is certain.
    expect(slateProbability({ ranked: [], slots: 3, epsilon: 0.2 }, [])).toBe(1);
  });
});

describe(forEachSlate.name, () => {
  it('visits every slate with probability > 0 once, with slateProbability, adding up to 1', () => {
    const policy = { ranked: ['resume', 'quiz', 'project'] as const, slots: 2, epsilon: 0.2 };
    const visited: [Slate, number][] = [];
    forEachSlate(policy, (slate, probability) => visited.push([slate, probability]));
    // Nothing, 3 single nudges, 3 × 2 pairs.
    expect(visited).toHaveLength(10);
    expect(new Set(visited.map(([slate]) => slate.join(','))).size).toBe(10);
    for (const [slate, probability] of visited) {
      expect(probability).toBeCloseTo(slateProbability(policy, slate), 12);
    }
    expect(visited.reduce((total, [, p]) => total + p, 0)).toBeCloseTo(1, 12);
  });

  it('visits only the greedy slate without exploration', () => {
    const visited: [Slate, number][] = [];
    forEachSlate({ ranked: ['quiz', 'resume'], slots: 3, epsilon: 0 }, (slate, p) =>
      visited.push([slate, p]),
    );
    expect(visited).toEqual([[['quiz', 'resume'], 1]]);
  });
});
