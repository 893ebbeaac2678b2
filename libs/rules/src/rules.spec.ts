import { RuleCandidate, RuleInput } from './rule-candidate';
import { evaluateRules, peersAttendEvents, peersGoing } from './rules';
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
        params: { share: 0.84, pct: 84 },
        claims: [],
        score: 0.84,
        reasons: [{ id: 'resume_peer_gap', params: { share: 0.84, threshold: 0.7 } }],
        evidence: {
          rule: 'resume_peer_gap',
          inputs: { batch_resume_uploaded_pct: 84, resume_uploaded: false },
          threshold: 70,
        },
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
        reasons: [{ id: 'project_peer_gap', params: { avg: 1.5, threshold: 1.5 } }],
        evidence: {
          rule: 'project_peer_gap',
          inputs: { projects_added: 0, batch_avg_projects: 1.5 },
          threshold: 1.5,
        },
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
        claims: [],
        score: 1,
        reasons: [{ id: 'quiz_none', params: {} }],
        evidence: {
          rule: 'quiz_inactive',
          inputs: { days_since_last_quiz: null, quiz_topics: 0 },
          threshold: 7,
        },
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
        reasons: [{ id: 'quiz_inactive', params: { days: 29, limit: 7 } }],
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

    it('claims the time since the last event, which a FOMO nudge may also state', () => {
      expect(only({ daysSinceLastEvent: 20 })).toEqual({
        rule: 'comeback',
        type: 'comeback',
        message: 'comeback',
        params: { days: 20 },
        claims: ['event_recency'],
        score: 20 / 25,
        reasons: [{ id: 'comeback', params: { days: 20, limit: 5 } }],
        evidence: { rule: 'comeback', inputs: { days_since_last_event: 20 }, threshold: 5 },
      });
    });
  });

  describe('buddies_at_events', () => {
    it.each([
      [['a', 'b'], []],
      [['a', 'b', 'c'], ['buddies_at_events']],
    ])('buddies attend %p → %p', (events, rules) => {
      expect(fired({ buddiesAttendingEvents: events })).toEqual(rules);
    });

    it('passes the event keys on, for the composer to name', () => {
      expect(only({ buddiesAttendingEvents: ['a', 'b', 'c', 'd'] })).toMatchObject({
        type: 'event_fomo',
        params: { count: 4, events: ['a', 'b', 'c', 'd'] },
        claims: ['buddies_at_events'],
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
        { id: 'trending_event', params: { event: 'alpha', peers: 12, threshold: 10 } },
      ]);
      expect(candidate.evidence).toEqual({
        rule: 'trending_event',
        inputs: { event: 'alpha', peers: 12 },
        threshold: 10,
      });
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
        params: { score: 0.1, event_count: 1, peer_count: 4, event: 'meetup' },
        claims: ['peers_at_events'],
        score: 0.1,
        reasons: [{ id: 'never_attended', params: {} }],
        evidence: {
          rule: 'fomo_score',
          inputs: { fomo_score: 0.1, days_since_last_event: null },
          threshold: 0.6,
        },
      });
    });

    it('says nothing of peers at events when no peer is going to any', () => {
      const quietPeers = { eventAttendance: [['meetup', 0]] as [string, number][] };
      expect(fired({ ...quietPeers, daysSinceLastEvent: null }, 0.9)).toEqual([]);
      expect(fired({ ...quietPeers, daysSinceLastEvent: 45 }, 0.9)).toEqual(['comeback']);
      expect(fired({ eventAttendance: [], daysSinceLastEvent: null }, 0.9)).toEqual([]);
    });

    it('counts a buddy going to an event as peers at events', () => {
      expect(
        fired({ eventAttendance: [], buddiesAttendingEvents: ['x'], daysSinceLastEvent: null }),
      ).toEqual(['fomo_score']);
    });

    it('names the time away only for a learner who is away, by user_inactive_days', () => {
      expect(only({ daysSinceLastEvent: 3 }, 0.8)).toMatchObject({
        message: 'fomo_peers',
        params: { score: 0.8 },
        claims: ['peers_at_events'],
      });
      expect(only({ daysSinceLastEvent: 3 }, 0.8).fallback).toBeUndefined();
    });

    it('gives both reasons when both triggers hold, and a wording without the time away', () => {
      const fomo = evaluateRules({ ...engaged, daysSinceLastEvent: 45 }, config, 0.72).find(
        (c) => c.rule === 'fomo_score',
      );
      expect(fomo).toEqual({
        rule: 'fomo_score',
        type: 'event_fomo',
        message: 'fomo_score',
        params: { days: 45, score: 0.72, event_count: 1, peer_count: 4, event: 'meetup' },
        claims: ['peers_at_events', 'event_recency'],
        score: 0.72,
        reasons: [
          { id: 'fomo_score', params: { score: 0.72, threshold: 0.6 } },
          { id: 'event_gap', params: { days: 45, limit: 30 } },
        ],
        evidence: {
          rule: 'fomo_score',
          inputs: { fomo_score: 0.72, days_since_last_event: 45 },
          threshold: 0.6,
        },
        fallback: {
          message: 'fomo_peers',
          params: { score: 0.72, event_count: 1, peer_count: 4, event: 'meetup' },
          claims: ['peers_at_events'],
        },
      });
    });
  });
});

describe(peersAttendEvents.name, () => {
  it.each([
    [[], [], false],
    [[['a', 0]], [], false],
    [
      [
        ['a', 0],
        ['b', 1],
      ],
      [],
      true,
    ],
    [[], ['a'], true],
  ] as [[string, number][], string[], boolean][])(
    'attendance %p, buddies at %p → %p',
    (eventAttendance, buddiesAttendingEvents, expected) => {
      expect(peersAttendEvents({ eventAttendance, buddiesAttendingEvents })).toBe(expected);
    },
  );
});

describe(peersGoing.name, () => {
  it.each([
    ['nobody', [], [], { events: 0, peers: 0, event: '' }],
    [
      'one peer at one event',
      [
        ['a', 0],
        ['b', 1],
      ],
      [],
      { events: 1, peers: 1, event: 'b' },
    ],
    [
      'peers at several events, the most attended named',
      [
        ['a', 2],
        ['b', 5],
        ['c', 5],
      ],
      [],
      { events: 3, peers: 12, event: 'b' },
    ],
    [
      'a buddy at an event nobody in the batch attends',
      [['a', 0]],
      ['x'],
      { events: 1, peers: 1, event: 'x' },
    ],
    [
      'buddies at an event the batch counts: counted once',
      [['a', 3]],
      ['a', 'a'],
      { events: 1, peers: 3, event: 'a' },
    ],
    ['the same buddy event twice: one event', [], ['x', 'x'], { events: 1, peers: 1, event: 'x' }],
  ] as [string, [string, number][], string[], object][])(
    '%s',
    (_, eventAttendance, buddiesAttendingEvents, expected) => {
      expect(peersGoing({ eventAttendance, buddiesAttendingEvents })).toEqual(expected);
    },
  );
});
