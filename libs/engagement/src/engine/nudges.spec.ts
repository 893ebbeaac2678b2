import { LearnerSignals } from '@app/learner';
import { FEATURE_COUNT } from '@app/ml';
import { RuleCandidate } from '@app/rules';
import { buildEngineConfig } from '../config/engine-config.loader';
import { constantModels } from '../testing/model-fixtures';
import {
  compareNudges,
  mergeRuleCandidates,
  mlNudgeApplies,
  mlNudges,
  Nudge,
  rankNudges,
} from './nudges';

const config = buildEngineConfig({});

const signals: LearnerSignals = {
  resumeUploaded: false,
  karma: 10,
  projectsAdded: 0,
  goalTagCount: 1,
  clubsJoinedCount: 0,
  buddyCount: 2,
  loginStreak: 1,
  postsCreated: 0,
  buddiesInteracted: 0,
  quizzesTaken: 1,
  quizTopicCount: 0,
  daysSinceLastQuiz: 5,
  daysSinceLastEvent: 4,
  batchResumeUploadedPct: 50,
  batchAvgProjects: 1,
  eventAttendance: [['meetup', 3]],
  buddiesAttendingEvents: [],
};

function candidate(overrides: Partial<RuleCandidate>): RuleCandidate {
  return {
    rule: 'buddies_at_events',
    type: 'event_fomo',
    message: 'buddies_at_events',
    params: { count: 3, events: 'a, b and c' },
    score: 0.5,
    reasons: ['buddies'],
    ...overrides,
  };
}

describe(mergeRuleCandidates.name, () => {
  it('merges three event triggers into one event_fomo nudge titled by the strongest', () => {
    const sut = mergeRuleCandidates(
      [
        candidate({ reasons: ['buddy reason'] }),
        candidate({
          rule: 'trending_event',
          message: 'trending_event',
          params: { event: 'hackathon', peers: 30 },
          score: 0.75,
          reasons: ['trending reason'],
        }),
        candidate({
          rule: 'fomo_score',
          message: 'fomo_score',
          params: { days: 40, score: 0.7 },
          score: 0.7,
          reasons: ['fomo reason'],
        }),
      ],
      config,
    );
    expect(sut).toEqual([
      {
        type: 'event_fomo',
        title: 'hackathon is trending: 30 of your peers are going!',
        action: 'Check out hackathon',
        priority: 'high',
        source: 'rule',
        score: 0.75,
        reasons: ['buddy reason', 'trending reason', 'fomo reason'],
      },
    ]);
  });

  it('lets the earlier rule set the title when scores tie', () => {
    const [sut] = mergeRuleCandidates(
      [
        candidate({}),
        candidate({ rule: 'fomo_score', message: 'fomo_first_event', params: { score: 0.5 } }),
      ],
      config,
    );
    expect(sut.title).toBe('Your buddies are going to a, b and c. Join them!');
  });
});

describe(mlNudges.name, () => {
  const features = new Float64Array(FEATURE_COUNT);

  it('fills the room with the most probable types at or above the threshold', () => {
    const models = constantModels({
      resume: 0.7,
      project: 0.9,
      quiz: 0.6,
      event_fomo: 0.59,
      comeback: 0.8,
    });
    const sut = mlNudges(new Set(), 2, signals, features, models, config);
    expect(sut.map((n) => [n.type, n.score, n.source, n.priority])).toEqual([
      ['project', 0.9, 'ml', 'medium'],
      ['comeback', 0.8, 'ml', 'medium'],
    ]);
    expect(sut[0].reasons).toEqual(['model probability 0.9 >= nudge_probability_threshold 0.6']);
    expect(sut[0].title).toBe('Show what you can do: add a project to your profile.');
  });

  it('includes a probability exactly at the threshold and skips types already nudged', () => {
    const models = constantModels({ quiz: 0.6, project: 0.95 });
    const sut = mlNudges(new Set(['project'] as const), 3, signals, features, models, config);
    expect(sut.map((n) => n.type)).toEqual(['quiz']);
  });

  it('never nudges a resume upload to a learner who has one', () => {
    const models = constantModels({ resume: 0.99 });
    expect(
      mlNudges(new Set(), 3, { ...signals, resumeUploaded: true }, features, models, config),
    ).toEqual([]);
  });

  it('needs a past event for a comeback and a known event for event_fomo', () => {
    const models = constantModels({ comeback: 0.99, event_fomo: 0.99 });
    const lonely = {
      ...signals,
      daysSinceLastEvent: null,
      eventAttendance: [],
      buddiesAttendingEvents: [],
    };
    expect(mlNudges(new Set(), 3, lonely, features, models, config)).toEqual([]);
  });

  it('breaks probability ties in NUDGE_TYPES order', () => {
    const models = constantModels({ comeback: 0.8, quiz: 0.8, project: 0.8 });
    expect(mlNudges(new Set(), 3, signals, features, models, config).map((n) => n.type)).toEqual([
      'project',
      'quiz',
      'comeback',
    ]);
  });

  it('adds nothing without room', () => {
    expect(
      mlNudges(new Set(), 0, signals, features, constantModels({ quiz: 0.9 }), config),
    ).toEqual([]);
  });
});

describe(mlNudgeApplies.name, () => {
  it.each([
    ['resume', { resumeUploaded: true }, false],
    ['resume', { resumeUploaded: false }, true],
    ['project', { projectsAdded: 2, batchAvgProjects: 2 }, false],
    ['project', { projectsAdded: 1, batchAvgProjects: 2 }, true],
    ['quiz', { daysSinceLastQuiz: 3 }, false],
    ['quiz', { daysSinceLastQuiz: 4 }, true],
    ['quiz', { daysSinceLastQuiz: null }, true],
    ['comeback', { daysSinceLastEvent: 2 }, false],
    ['comeback', { daysSinceLastEvent: 3 }, true],
    ['comeback', { daysSinceLastEvent: null }, false],
    ['event_fomo', { daysSinceLastEvent: 2 }, false],
    ['event_fomo', { daysSinceLastEvent: null }, true],
    [
      'event_fomo',
      { daysSinceLastEvent: 3, eventAttendance: [], buddiesAttendingEvents: [] },
      false,
    ],
  ] as const)('%s with %j → %p', (type, overrides, applies) => {
    expect(mlNudgeApplies(type, { ...signals, ...overrides }, config)).toBe(applies);
  });
});

describe(rankNudges.name, () => {
  const nudge = (
    type: Nudge['type'],
    priority: Nudge['priority'],
    source: Nudge['source'],
    score: number,
  ): Nudge => ({
    type,
    title: '',
    action: '',
    priority,
    source,
    score,
    reasons: [],
  });

  it('orders by priority, then rule before ml, then score, then type order; and caps', () => {
    const sut = rankNudges(
      [
        nudge('quiz', 'medium', 'ml', 0.99),
        nudge('project', 'medium', 'rule', 0.57),
        nudge('comeback', 'high', 'rule', 0.76),
        nudge('resume', 'high', 'rule', 0.84),
        nudge('event_fomo', 'low', 'rule', 1),
      ],
      4,
    );
    expect(sut.map((n) => n.type)).toEqual(['resume', 'comeback', 'project', 'quiz']);
  });

  it('breaks a full tie by NUDGE_TYPES order, whatever the input order', () => {
    const tied = [nudge('comeback', 'high', 'rule', 0.5), nudge('resume', 'high', 'rule', 0.5)];
    expect(rankNudges(tied, 3).map((n) => n.type)).toEqual(['resume', 'comeback']);
    expect(compareNudges(tied[1], tied[0])).toBeLessThan(0);
  });
});
