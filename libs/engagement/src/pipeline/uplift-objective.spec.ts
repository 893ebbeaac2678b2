import { ModelSet } from '@app/ml';
import { EXAMPLE_REQUEST } from '@app/contract';
import { validRequest as valid } from '@app/contract/testing';
import { analyzeLearner } from './analyze-learner';
import { buildEngineConfig } from '../config/engine-config.loader';
import { slatePolicy } from './slate-policy';
import { constantModels, constantUpliftModels } from '../testing/model-fixtures';

const UPLIFT = { policy: { objective: 'uplift' } };

/**
 * The example learner's rules draft resume, comeback, quiz and project (priority order high,
 * high, medium, medium); event_fomo's model message is true of them too, but no rule drafts it.
 * Uplifts: quiz +6, event_fomo +5, project +2, resume −1, comeback +0.5 points.
 */
const MODELS = constantUpliftModels(
  { resume: 0.09, project: 0.12, quiz: 0.36, event_fomo: 0.25, comeback: 0.205 },
  { upload_resume: 0.1, add_project: 0.1, take_quiz: 0.3, attend_event: 0.2 },
);

const answer = (
  settings: object,
  models: ModelSet | 'rules-only' = MODELS,
  body: object = EXAMPLE_REQUEST,
) =>
  analyzeLearner(valid(body), {
    config: buildEngineConfig(settings),
    models: models === 'rules-only' ? undefined : models,
  });

describe('the uplift objective', () => {
  it('ranks the rule nudges by predicted uplift, whatever their priority, and adds no model-only nudge', () => {
    const sut = answer(UPLIFT);
    expect(sut.nudges.map((n) => [n.type, n.source])).toEqual([
      ['quiz', 'rule'],
      ['project', 'rule'],
      ['comeback', 'rule'],
    ]);
    expect(sut.candidates.map((c) => c.type)).toEqual(['quiz', 'project', 'comeback']);
    expect(sut.model_version).toBe('uplift-test');
    expect(sut.policy_version.startsWith('uplift-test/')).toBe(true);
  });

  it('withholds a nudge predicted to change too little, saying so, and sends the rest', () => {
    const sut = answer({ policy: { objective: 'uplift', min_uplift: 0.01 } });
    // In rank order: the larger uplift first.
    expect(sut.suppressed).toEqual([
      {
        type: 'comeback',
        reason: 'no_uplift',
        eligible_again_on: null,
        message:
          'The models do not expect this nudge to change what this learner does: 0.5 points, under the minimum of 1.',
      },
      {
        type: 'resume',
        reason: 'no_uplift',
        eligible_again_on: null,
        message:
          'The models do not expect this nudge to change what this learner does: -1 points, under the minimum of 1.',
      },
    ]);
    expect(sut.candidates.map((c) => c.type)).toEqual(['quiz', 'project']);
  });

  it('withholds only negative uplifts at the default minimum of 0', () => {
    const sut = answer(UPLIFT);
    expect(sut.suppressed.map((s) => [s.type, s.reason])).toEqual([['resume', 'no_uplift']]);
  });

  it('says the expected change first among the reasons, in words, and keeps the numbers as evidence', () => {
    const quiz = answer(UPLIFT).nudges[0];
    expect(quiz.reasons[0]).toBe(
      'Expected to raise the chance that this learner takes a quiz today by about 6 points: 36% with this nudge against 30% without.',
    );
    expect(quiz.evidence.at(-1)).toEqual({
      rule: 'uplift_quiz',
      inputs: { treated: 0.36, control: 0.3, uplift: 0.06 },
      threshold: 0,
    });
    const project = answer(
      UPLIFT,
      constantUpliftModels({ project: 0.25 }, { add_project: 0.2 }, 7),
    ).nudges.find((n) => n.type === 'project')!;
    expect(project.reasons[0]).toBe(
      'Expected to raise the chance that this learner adds a project within 7 days by about 5 points: 25% with this nudge against 20% without.',
    );
    // The rule's strength stays the score: the uplift is in the reasons and the evidence.
    const ruleScore = answer({}, 'rules-only').candidates.find((c) => c.type === 'project')!.score;
    expect(project.score).toBe(ruleScore);
  });

  /** The example learner, three of whose buddies go to events: event_fomo drafts beside comeback. */
  const withBuddies = {
    ...EXAMPLE_REQUEST,
    peer_snapshot: {
      ...EXAMPLE_REQUEST.peer_snapshot,
      buddies_attending_events: ['startup-meetup', 'coding-contest', 'hackathon'],
    },
  };

  it('merges comeback into the event nudge led by the larger uplift, saying one expected change', () => {
    const sut = answer(UPLIFT, MODELS, withBuddies);
    const event = sut.nudges.find((n) => n.type === 'event_fomo')!;
    expect(sut.nudges.map((n) => [n.type, n.merged_types])).toEqual([
      ['quiz', []],
      ['event_fomo', ['comeback']],
      ['project', []],
    ]);
    expect(event.reasons.filter((reason) => reason.startsWith('Expected'))).toEqual([
      'Expected to raise the chance that this learner goes to an event today by about 5 points: 25% with this nudge against 20% without.',
    ]);
    // Both predictions stay as data.
    expect(event.evidence.map((e) => e.rule).filter((rule) => rule.startsWith('uplift_'))).toEqual([
      'uplift_event_fomo',
      'uplift_comeback',
    ]);
  });

  it('withholds a merged nudge only when neither of its types is predicted to help enough', () => {
    const sut = answer({ policy: { objective: 'uplift', min_uplift: 0.01 } }, MODELS, withBuddies);
    expect(sut.suppressed.map((s) => [s.type, s.reason])).toEqual([['resume', 'no_uplift']]);
    const low = { policy: { objective: 'uplift', min_uplift: 0.055 } };
    expect(answer(low, MODELS, withBuddies).suppressed.map((s) => [s.type, s.reason])).toEqual([
      ['event_fomo', 'no_uplift'],
      ['project', 'no_uplift'],
      ['resume', 'no_uplift'],
    ]);
  });

  it('words the reason in the answer language', () => {
    const quiz = answer(UPLIFT, MODELS, { ...EXAMPLE_REQUEST, locale: 'es' }).nudges[0];
    expect(quiz.reasons[0]).toBe(
      'Se espera que aumente en unos 6 puntos la probabilidad de que este estudiante haga un cuestionario hoy: 36\u00a0% con esta sugerencia frente a 30\u00a0% sin ella.',
    );
  });

  it('ranks a type the set has no model for after the predicted ones, by priority', () => {
    const partial = constantUpliftModels({ quiz: 0.31 }, { take_quiz: 0.3 });
    expect(answer(UPLIFT, partial).nudges.map((n) => n.type)).toEqual([
      'quiz',
      'resume',
      'comeback',
    ]);
  });

  it('asks nothing of a propensity set, and of no models ranks the rules by priority', () => {
    const rulesOnly = ['resume', 'comeback', 'quiz'];
    expect(answer(UPLIFT, 'rules-only').nudges.map((n) => n.type)).toEqual(rulesOnly);
    expect(answer(UPLIFT, constantModels({ event_fomo: 0.99 })).nudges.map((n) => n.type)).toEqual(
      rulesOnly,
    );
  });

  it('leaves the propensity objective as it was, uplift set or not', () => {
    expect(answer({}, MODELS).nudges.map((n) => n.type)).toEqual(['resume', 'comeback', 'quiz']);
  });

  it('gives off-policy evaluation the same order', () => {
    const policy = slatePolicy(valid(EXAMPLE_REQUEST), {
      config: buildEngineConfig(UPLIFT),
      models: MODELS,
    });
    expect(policy.ranked).toEqual(['quiz', 'project', 'comeback']);
  });

  it('refuses an objective or minimum the engine does not have, naming the key', () => {
    expect(() => buildEngineConfig({ policy: { objective: 'clicks' } })).toThrow(
      'policy.objective must be one of propensity, uplift',
    );
    expect(() => buildEngineConfig({ policy: { min_uplift: 2 } })).toThrow(
      'policy.min_uplift must be a number from -1 to 1',
    );
  });
});
