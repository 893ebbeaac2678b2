import { evaluateRules, formatEventList, RuleCandidate, RuleInput } from './rules';
import { DEFAULT_RULES_CONFIG, RulesConfig } from './rules.config';

/** A learner no rule fires for: resume up, a project, a recent quiz and event, quiet peers. */
const engaged: RuleInput = {
  resumeUploaded: true,
  projectsAdded: 1,
  quizTopicCount: 0,
  daysSinceLastQuiz: 3,
  daysSinceLastEvent: 2,
  batchResumeUploadedPct: 90,
  batchAvgProjects: 3,
  eventAttendance: [['meetup', 4]],
  buddiesAttendingEvents: [],
};

const config = DEFAULT_RULES_CONFIG;
const QUIET_FOMO = 0.2;

function fired(input: Partial<RuleInput>, fomo = QUIET_FOMO, cfg: RulesConfig = config): string[] {
  return evaluateRules({ ...engaged, ...input }, cfg, fomo).map((c) => c.rule);
}

function only(input: Partial<RuleInput>, fomo = QUIET_FOMO): RuleCandidate {
  const candidates = evaluateRules({ ...engaged, ...input }, config, fomo);
  expect(candidates).toHaveLength(1);
  return candidates[0];
}

describe(evaluateRules.name, () => {
  it('fires nothing for an engaged learner', () => {
    expect(fired({})).toEqual([]);
  });

  describe('resume_peer_gap', () => {
    it.each([
      [70, false, []],
      [70.5, false, ['resume_peer_gap']],
      [71, false, ['resume_peer_gap']],
      [100, true, []],
      [69, false, []],
    ])('pct %p with resume_uploaded %p → %p', (pct, uploaded, rules) => {
      expect(fired({ batchResumeUploadedPct: pct, resumeUploaded: uploaded })).toEqual(rules);
    });

    it('explains with the numbers and scores the peer share', () => {
      expect(only({ batchResumeUploadedPct: 84, resumeUploaded: false })).toEqual({
        rule: 'resume_peer_gap',
        type: 'resume',
        message: 'resume_peer_gap',
        params: { pct: 84 },
        score: 0.84,
        reasons: ['batch_resume_uploaded_pct 84 > threshold 70', 'resume_uploaded is false'],
      });
    });

    it('compares against threshold × 100 without floating-point drift', () => {
      const cfg = { ...config, profile_rules: { ...config.profile_rules, resume_threshold: 0.29 } };
      expect(fired({ batchResumeUploadedPct: 29, resumeUploaded: false }, QUIET_FOMO, cfg)).toEqual(
        [],
      );
      expect(
        fired({ batchResumeUploadedPct: 29.01, resumeUploaded: false }, QUIET_FOMO, cfg),
      ).toEqual(['resume_peer_gap']);
    });
  });

  describe('project_peer_gap', () => {
    it.each([
      [0, 1.5, ['project_peer_gap']],
      [0, 1.49, []],
      [0, 2, ['project_peer_gap']],
      [1, 5, []],
    ])('projects %p, peer average %p → %p', (projects, avg, rules) => {
      expect(fired({ projectsAdded: projects, batchAvgProjects: avg })).toEqual(rules);
    });

    it('scores 0.5 exactly at the threshold', () => {
      expect(only({ projectsAdded: 0, batchAvgProjects: 1.5 })).toMatchObject({
        score: 0.5,
        params: { avg: 1.5 },
        reasons: ['projects_added is 0', 'batch_avg_projects 1.5 >= threshold 1.5'],
      });
    });
  });

  describe('quiz_inactive', () => {
    it.each([
      [7, []],
      [8, ['quiz_inactive']],
      [0, []],
    ])('last quiz %p days ago → %p', (days, rules) => {
      expect(fired({ daysSinceLastQuiz: days })).toEqual(rules);
    });

    it('fires for a learner with no quiz at all, at full strength', () => {
      expect(only({ daysSinceLastQuiz: null, quizTopicCount: 0 })).toEqual({
        rule: 'quiz_inactive',
        type: 'quiz',
        message: 'quiz_none',
        params: {},
        score: 1,
        reasons: ['no quiz taken: quiz_history is empty and last_quiz_taken is not set'],
      });
    });

    it('stays quiet when quiz topics are known but no date is', () => {
      expect(fired({ daysSinceLastQuiz: null, quizTopicCount: 2 })).toEqual([]);
    });

    it('names the days since the last quiz', () => {
      expect(only({ daysSinceLastQuiz: 29 })).toMatchObject({
        message: 'quiz_inactive',
        params: { days: 29 },
        score: 29 / 36,
        reasons: ['last quiz 29 days before as_of > quiz_inactive_days 7'],
      });
    });
  });

  describe('comeback', () => {
    it.each([
      [5, []],
      [6, ['comeback']],
      [30, ['comeback']],
    ])('last event %p days ago → %p', (days, rules) => {
      expect(fired({ daysSinceLastEvent: days })).toEqual(rules);
    });

    it('needs a date: a learner who never attended gets no comeback', () => {
      expect(fired({ daysSinceLastEvent: null })).not.toContain('comeback');
    });
  });

  describe('buddies_at_events', () => {
    it.each([
      [['a', 'b'], []],
      [['a', 'b', 'c'], ['buddies_at_events']],
    ])('buddies attend %p → %p', (events, rules) => {
      expect(fired({ buddiesAttendingEvents: events })).toEqual(rules);
    });

    it('lists the events in the title parameters', () => {
      expect(only({ buddiesAttendingEvents: ['a', 'b', 'c', 'd'] })).toMatchObject({
        type: 'event_fomo',
        params: { count: 4, events: 'a, b and 2 more' },
        score: 4 / 7,
      });
    });
  });

  describe('trending_event', () => {
    it.each([
      [[['x', 9]], []],
      [[['x', 10]], ['trending_event']],
      [[], []],
    ] as [[string, number][], string[]][])('attendance %p → %p', (attendance, rules) => {
      expect(fired({ eventAttendance: attendance })).toEqual(rules);
    });

    it('names the most attended event, ties going to the alphabetically first', () => {
      const candidate = only({
        eventAttendance: [
          ['zeta', 12],
          ['alpha', 12],
          ['mid', 11],
        ],
      });
      expect(candidate.params).toEqual({ event: 'alpha', peers: 12 });
      expect(candidate.reasons).toEqual([
        'alpha has 12 peers attending >= event_peer_threshold 10',
      ]);
    });
  });

  describe('fomo_score', () => {
    it.each([
      [0.59, 2, []],
      [0.6, 2, ['fomo_score']],
      [0.2, 30, ['comeback']],
      [0.2, 31, ['comeback', 'fomo_score']],
    ])('score %p, last event %p days ago → %p', (score, days, rules) => {
      expect(fired({ daysSinceLastEvent: days }, score)).toEqual(rules);
    });

    it('fires for a learner who never attended, whatever the score', () => {
      expect(only({ daysSinceLastEvent: null }, 0.1)).toEqual({
        rule: 'fomo_score',
        type: 'event_fomo',
        message: 'fomo_first_event',
        params: { score: 0.1 },
        score: 0.1,
        reasons: ['no event attended yet'],
      });
    });

    it('gives both reasons when both triggers hold', () => {
      const fomo = evaluateRules({ ...engaged, daysSinceLastEvent: 45 }, config, 0.72).find(
        (c) => c.rule === 'fomo_score',
      );
      expect(fomo).toEqual({
        rule: 'fomo_score',
        type: 'event_fomo',
        message: 'fomo_score',
        params: { days: 45, score: 0.72 },
        score: 0.72,
        reasons: [
          'fomo score 0.72 >= event_fomo_threshold 0.6',
          'last event 45 days before as_of > 30 days',
        ],
      });
    });
  });
});

describe(formatEventList.name, () => {
  it.each([
    [[], ''],
    [['a'], 'a'],
    [['a', 'b'], 'a and b'],
    [['a', 'b', 'c'], 'a, b and c'],
    [['a', 'b', 'c', 'd'], 'a, b and 2 more'],
  ])('%p → %p', (events, text) => {
    expect(formatEventList(events)).toBe(text);
  });
});
