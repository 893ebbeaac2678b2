import { LearnerSignals } from '@app/learner';
import { FEATURE_COUNT, FEATURE_NAMES, FeatureName, ModelManifest, ModelSet } from '@app/ml';
import { RuleCandidate, RuleId } from '@app/rules';
import { buildEngineConfig } from '../config/engine-config.loader';
import { constantModels } from '../testing/model-fixtures';
import { mlNudgeApplies, mlNudges } from '../candidates/model-drafts';
import { NudgeDraft } from '../candidates/nudge-draft';
import { mergeRuleCandidates } from '../candidates/rule-drafts';
import { chooseNudges } from './choose-nudges';
import { compareNudges } from './ranking';

const config = buildEngineConfig({});

/** The nudges chosen, without the suppressions. */
const choose = (...args: Parameters<typeof chooseNudges>) => chooseNudges(...args).chosen;

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
    params: { count: 3, events: ['a', 'b', 'c'] },
    claims: ['buddies_at_events'],
    score: 0.5,
    reasons: [{ id: 'buddies_at_events', params: { count: 3, threshold: 3 } }],
    evidence: { rule: 'buddies_at_events', inputs: { buddies_attending_events: 3 }, threshold: 3 },
    ...overrides,
  };
}

const trending = candidate({
  rule: 'trending_event',
  message: 'trending_event',
  params: { event: 'hackathon', peers: 30 },
  claims: ['peers_at_events'],
  score: 0.75,
  reasons: [{ id: 'trending_event', params: { event: 'hackathon', peers: 30, threshold: 10 } }],
  evidence: { rule: 'trending_event', inputs: { event: 'hackathon', peers: 30 }, threshold: 10 },
});

const fomo = candidate({
  rule: 'fomo_score',
  message: 'fomo_score',
  params: { days: 40, score: 0.7 },
  claims: ['peers_at_events', 'event_recency'],
  score: 0.7,
  reasons: [{ id: 'event_gap', params: { days: 40, limit: 30 } }],
  evidence: {
    rule: 'fomo_score',
    inputs: { fomo_score: 0.7, days_since_last_event: 40 },
    threshold: 0.6,
  },
  fallback: { message: 'fomo_peers', params: { score: 0.7 }, claims: ['peers_at_events'] },
});

const comeback = candidate({
  rule: 'comeback',
  type: 'comeback',
  message: 'comeback',
  params: { days: 40 },
  claims: ['event_recency'],
  score: 40 / 45,
  reasons: [{ id: 'comeback', params: { days: 40, limit: 5 } }],
  evidence: { rule: 'comeback', inputs: { days_since_last_event: 40 }, threshold: 5 },
});

describe(mergeRuleCandidates.name, () => {
  it('merges three event triggers into one event_fomo draft led by the strongest', () => {
    const sut = mergeRuleCandidates([candidate({}), trending, fomo], config);
    expect(sut).toEqual([
      {
        type: 'event_fomo',
        source: 'rule',
        priority: 'high',
        score: 0.75,
        wordings: [
          {
            message: 'trending_event',
            params: { event: 'hackathon', peers: 30 },
            claims: ['peers_at_events'],
          },
          {
            message: 'fomo_score',
            params: { days: 40, score: 0.7 },
            claims: ['peers_at_events', 'event_recency'],
          },
          {
            message: 'buddies_at_events',
            params: { count: 3, events: ['a', 'b', 'c'] },
            claims: ['buddies_at_events'],
          },
          { message: 'fomo_peers', params: { score: 0.7 }, claims: ['peers_at_events'] },
        ],
        reasons: [
          { key: 'reason.buddies_at_events', params: { count: 3, threshold: 3 } },
          {
            key: 'reason.trending_event',
            params: { event: 'hackathon', peers: 30, threshold: 10 },
          },
          { key: 'reason.event_gap', params: { days: 40, limit: 30 } },
        ],
        evidence: [candidate({}).evidence, trending.evidence, fomo.evidence],
      },
    ]);
  });

  it('lets the earlier rule lead when scores tie', () => {
    const [sut] = mergeRuleCandidates(
      [candidate({}), candidate({ rule: 'fomo_score', message: 'fomo_first_event', params: {} })],
      config,
    );
    expect(sut.wordings.map((w) => w.message)).toEqual(['buddies_at_events', 'fomo_first_event']);
  });
});

describe(chooseNudges.name, () => {
  const quiz = candidate({
    rule: 'quiz_inactive',
    type: 'quiz',
    message: 'quiz_inactive',
    params: { days: 30 },
    claims: [],
    score: 0.81,
    reasons: [{ id: 'quiz_inactive', params: { days: 30, limit: 7 } }],
    evidence: { rule: 'quiz_inactive', inputs: { days_since_last_quiz: 30 }, threshold: 7 },
  });

  it('merges comeback and event_fomo, which both ask for an event, into one event_fomo nudge ranked as the stronger', () => {
    const [sut, ...rest] = choose(mergeRuleCandidates([comeback, fomo], config), [], config);
    expect(rest).toEqual([]);
    expect(sut).toEqual({
      type: 'event_fomo',
      source: 'rule',
      priority: 'high',
      score: 0.89,
      rank: 1,
      propensity: 1,
      // The FOMO message states both premises: peers at events and the time away.
      wording: {
        message: 'fomo_score',
        params: { days: 40, score: 0.7 },
        claims: ['peers_at_events', 'event_recency'],
      },
      wordings: expect.any(Array),
      reasons: [
        { key: 'reason.comeback', params: { days: 40, limit: 5 } },
        { key: 'reason.event_gap', params: { days: 40, limit: 30 } },
      ],
      evidence: [comeback.evidence, fomo.evidence],
      uplift: undefined,
      merged: ['comeback'],
    });
  });

  it('joins the time away to the most specific event message, and gives the freed slot to the next nudge', () => {
    const drafts = mergeRuleCandidates([comeback, fomo, trending, quiz], config);
    const sut = choose(drafts, [], config);
    expect(sut.map((n) => [n.type, n.wording, n.merged])).toEqual([
      [
        'event_fomo',
        {
          message: 'comeback_trending',
          params: { event: 'hackathon', peers: 30, days: 40 },
          claims: ['peers_at_events', 'event_recency'],
        },
        ['comeback'],
      ],
      ['quiz', { message: 'quiz_inactive', params: { days: 30 }, claims: [] }, undefined],
    ]);
  });

  it("joins buddies' events to the time away, whichever of the two is stronger", () => {
    const buddies = candidate({ score: 0.95 });
    const sut = choose(mergeRuleCandidates([comeback, buddies], config), [], config);
    expect(sut.map((n) => [n.type, n.wording.message, n.wording.params, n.merged])).toEqual([
      [
        'event_fomo',
        'comeback_buddies',
        { count: 3, events: ['a', 'b', 'c'], days: 40 },
        ['comeback'],
      ],
    ]);
    expect(sut[0].evidence.map((e) => e.rule)).toEqual(['buddies_at_events', 'comeback']);
  });

  it('merges them whatever the config says of shared facts', () => {
    const free = buildEngineConfig({ overlaps: { event_recency: [] } });
    const sut = choose(mergeRuleCandidates([comeback, fomo], free), [], free);
    expect(sut.map((n) => [n.type, n.wording.message])).toEqual([['event_fomo', 'fomo_score']]);
  });

  it('leaves a nudge alone whose action no other nudge asks for', () => {
    const drafts = mergeRuleCandidates([quiz, fomo], config);
    const sut = choose(drafts, [], config);
    expect(sut.map((n) => [n.type, n.wording.message, n.merged])).toEqual([
      ['event_fomo', 'fomo_score', undefined],
      ['quiz', 'quiz_inactive', undefined],
    ]);
  });

  it('sends the event nudge alone while the comeback cools down', () => {
    const sut = chooseNudges(mergeRuleCandidates([comeback, fomo], config), [], config, {
      fatigue: {
        coolingDown: new Map([['comeback', 20_003] as const]),
        room: 3,
        capFreesOn: null,
        rankWeight: new Map(),
      },
      epsilon: 0,
      random: () => 0,
    });
    expect(sut.chosen.map((n) => [n.type, n.wording.message, n.merged])).toEqual([
      ['event_fomo', 'fomo_score', undefined],
    ]);
    expect(sut.suppressed).toEqual([
      { type: 'comeback', reason: 'cooldown', eligibleAgainOn: 20_003 },
    ]);
  });

  it('fills the room with a model nudge for an action no nudge asks for yet', () => {
    const strongFomo = { ...fomo, score: 0.95, fallback: undefined };
    const models = constantModels({ comeback: 0.99, quiz: 0.8 });
    const away = { ...signals, daysSinceLastEvent: 40, daysSinceLastQuiz: 30 };
    const drafts = mergeRuleCandidates([comeback, strongFomo], config);
    const modelDrafts = modelDraftsOf(new Set(['event_fomo']), away, features(), models, config);
    const sut = choose(drafts, modelDrafts, config);
    // The model comeback would ask for an event a second time, so the quiz model fills the room.
    expect(sut.map((n) => [n.type, n.source])).toEqual([
      ['event_fomo', 'rule'],
      ['quiz', 'ml'],
    ]);
  });

  it('orders by priority, then rule before ml, then score, then type order; and caps', () => {
    const draft = (
      type: NudgeDraft['type'],
      priority: NudgeDraft['priority'],
      source: NudgeDraft['source'],
      score: number,
    ): NudgeDraft => ({
      type,
      priority,
      source,
      score,
      wordings: [{ message: `ml_${type}`, params: {}, claims: [] }],
      reasons: [],
      evidence: [],
    });
    const capped = buildEngineConfig({ max_nudges: 4 });
    const sut = choose(
      [
        draft('project', 'medium', 'rule', 0.57),
        draft('comeback', 'high', 'rule', 0.76),
        draft('resume', 'high', 'rule', 0.84),
        draft('quiz', 'low', 'rule', 1),
      ],
      [draft('quiz', 'medium', 'ml', 0.99)],
      capped,
    );
    expect(sut.map((n) => n.type)).toEqual(['resume', 'comeback', 'project', 'quiz']);
    const tied = [draft('comeback', 'high', 'rule', 0.5), draft('resume', 'high', 'rule', 0.5)];
    expect(choose(tied, [], config).map((n) => n.type)).toEqual(['resume', 'comeback']);
    expect(compareNudges(tied[1], tied[0])).toBeLessThan(0);
  });
});

describe(`${chooseNudges.name} with a history and exploration`, () => {
  const drafts = () =>
    mergeRuleCandidates(
      [
        candidate({ rule: 'resume_peer_gap', type: 'resume', score: 0.9, claims: [] }),
        candidate({ rule: 'quiz_inactive', type: 'quiz', score: 0.8, claims: [] }),
        candidate({ rule: 'project_peer_gap', type: 'project', score: 0.7, claims: [] }),
        candidate({ score: 0.6 }),
      ],
      buildEngineConfig({ priority_labels: { project: 'high', quiz: 'high' } }),
    );
  const sameRank = buildEngineConfig({ priority_labels: { project: 'high', quiz: 'high' } });
  const fatigue = {
    coolingDown: new Map([['resume', 20_003] as const]),
    room: 1,
    capFreesOn: 20_004,
    rankWeight: new Map(),
  };

  it('withholds a type in its cooldown and what the weekly cap has no room for', () => {
    const sut = chooseNudges(drafts(), [], sameRank, { fatigue, epsilon: 0, random: () => 0 });
    expect(sut.chosen.map((n) => [n.type, n.rank, n.propensity])).toEqual([['quiz', 1, 1]]);
    expect(sut.suppressed).toEqual([
      { type: 'resume', reason: 'cooldown', eligibleAgainOn: 20_003 },
      { type: 'project', reason: 'weekly_cap', eligibleAgainOn: 20_004 },
      { type: 'event_fomo', reason: 'weekly_cap', eligibleAgainOn: 20_004 },
    ]);
  });

  it('ranks a recently delivered type lower by its recency weight', () => {
    const penalised = {
      ...fatigue,
      coolingDown: new Map(),
      room: 10,
      rankWeight: new Map([['resume', 0.5] as const]),
    };
    const sut = chooseNudges(drafts(), [], sameRank, {
      fatigue: penalised,
      epsilon: 0,
      random: () => 0,
    });
    expect(sut.chosen.map((n) => n.type)).toEqual(['quiz', 'project', 'event_fomo']);
  });

  it("explores with probability ε and reports each slot's propensity", () => {
    // Draws: explore (0.1 < 0.5), pick index floor(0.7 × 5) = 3 of 4 nudges and stopping; then
    // exploit (0.9); then explore, index floor(0.1 × 3) = 0.
    const draws = [0.1, 0.7, 0.9, 0.2, 0.1];
    const random = () => draws.shift() as number;
    const sut = chooseNudges(drafts(), [], sameRank, {
      fatigue: { ...fatigue, coolingDown: new Map(), room: 10 },
      epsilon: 0.5,
      random,
    });
    expect(sut.chosen.map((n) => [n.type, n.rank, n.propensity])).toEqual([
      ['event_fomo', 1, 0.5 / 5],
      ['resume', 2, 0.5 + 0.5 / 4],
      ['quiz', 3, 0.5 + 0.5 / 3],
    ]);
    expect(sut.slatePropensity).toBeCloseTo((0.5 / 5) * (0.5 + 0.5 / 4) * (0.5 + 0.5 / 3), 12);
  });

  it('may stop early when exploring, and then caps nothing it left unsent', () => {
    // Slot 1 exploits; slot 2 explores and draws index floor(0.99 × 4) = 3: stopping.
    const draws = [0.9, 0.1, 0.99];
    const random = () => draws.shift() as number;
    const sut = chooseNudges(drafts(), [], sameRank, {
      fatigue: { ...fatigue, coolingDown: new Map(), room: 2 },
      epsilon: 0.5,
      random,
    });
    expect(sut.chosen.map((n) => [n.type, n.propensity])).toEqual([['resume', 0.5 + 0.5 / 5]]);
    expect(sut.slatePropensity).toBeCloseTo((0.5 + 0.5 / 5) * (0.5 / 4), 12);
    // Two slots were open: the second stayed empty, and one nudge the cap kept out is reported.
    expect(sut.suppressed.map((s) => [s.type, s.reason])).toEqual([['project', 'weekly_cap']]);
  });

  it('stops before the first slot when exploring draws nothing', () => {
    const draws = [0.1, 0.99];
    const random = () => draws.shift() as number;
    const sut = chooseNudges(drafts(), [], sameRank, {
      fatigue: { ...fatigue, coolingDown: new Map(), room: 10 },
      epsilon: 0.5,
      random,
    });
    expect(sut.chosen).toEqual([]);
    expect(sut.slatePropensity).toBeCloseTo(0.5 / 5, 12);
  });
});

const features = () => new Float64Array(FEATURE_COUNT);

/** The model drafts, all of them, in order. */
const modelDraftsOf = (...args: Parameters<typeof mlNudges>) => [...mlNudges(...args)];

describe(mlNudges.name, () => {
  it('drafts the most probable types at or above the threshold, with reasons and evidence', () => {
    const models = constantModels({
      resume: 0.7,
      project: 0.9,
      quiz: 0.6,
      event_fomo: 0.59,
      comeback: 0.8,
    });
    const away = { ...signals, daysSinceLastEvent: 12 };
    const sut = modelDraftsOf(new Set(), away, features(), models, config);
    expect(sut.map((n) => [n.type, n.score, n.source, n.priority])).toEqual([
      ['project', 0.9, 'ml', 'medium'],
      ['comeback', 0.8, 'ml', 'medium'],
      ['resume', 0.7, 'ml', 'medium'],
      ['quiz', 0.6, 'ml', 'medium'],
    ]);
    expect(sut[0].reasons).toEqual([
      { key: 'reason.model', params: { probability: expect.closeTo(0.9, 12), threshold: 0.6 } },
    ]);
    expect(sut[0].evidence).toEqual([
      { rule: 'model_project', inputs: { probability: 0.9 }, threshold: 0.6 },
    ]);
    expect(sut[1].wordings).toEqual([
      {
        message: 'ml_comeback',
        params: { probability: expect.closeTo(0.8, 12), days: 12 },
        claims: ['event_recency'],
      },
    ]);
  });

  it('names the features that push the probability up and hold it back, by direction', () => {
    const [sut] = modelDraftsOf(
      new Set(),
      signals,
      features(),
      constantModels({ resume: 0.9 }),
      config,
    );
    // Constant models have no feature weights, so they explain nothing beyond the probability.
    expect(sut.reasons.map((r) => r.key)).toEqual(['reason.model']);
  });

  it("names no factor that contradicts a firing rule's premise, the next one instead", () => {
    // A project model pushed up by peers with few projects (below the mean), many goals and high
    // karma: beside the project rule ("your peers have N projects on average") the first would
    // contradict the premise.
    const x = new Float64Array(FEATURE_COUNT);
    const weights = new Float64Array(FEATURE_COUNT);
    const set = (name: FeatureName, value: number, weight: number) => {
      x[FEATURE_NAMES.indexOf(name)] = value;
      weights[FEATURE_NAMES.indexOf(name)] = weight;
    };
    set('peer_avg_projects', -3, -1);
    set('goal_tag_count', 2, 1);
    set('log_karma', 1, 1);
    const manifest = { version: 'v-test', scaling: { mean: new Array(FEATURE_COUNT).fill(0) } };
    const models = new ModelSet(manifest as unknown as ModelManifest, [
      { type: 'project', weights, bias: 2 },
    ]);
    const factors = (premises: ReadonlySet<RuleId>) => {
      const [sut] = modelDraftsOf(new Set(), signals, x, models, config, premises);
      return sut.reasons.find((r) => r.key === 'reason.model_up')?.params.factors;
    };
    expect(factors(new Set())).toEqual([
      'feature.peer_avg_projects.low',
      'feature.goal_tag_count.high',
    ]);
    expect(factors(new Set(['project_peer_gap'] as const))).toEqual([
      'feature.goal_tag_count.high',
      'feature.log_karma.high',
    ]);
    // Another rule's premise says nothing of the peers' projects.
    expect(factors(new Set(['resume_peer_gap'] as const))).toEqual([
      'feature.peer_avg_projects.low',
      'feature.goal_tag_count.high',
    ]);
  });

  it('includes a probability exactly at the threshold and skips types already nudged', () => {
    const models = constantModels({ quiz: 0.6, project: 0.95 });
    const sut = modelDraftsOf(new Set(['project'] as const), signals, features(), models, config);
    expect(sut.map((n) => n.type)).toEqual(['quiz']);
  });

  it('never nudges a resume upload to a learner who has one', () => {
    const models = constantModels({ resume: 0.99 });
    expect(
      modelDraftsOf(new Set(), { ...signals, resumeUploaded: true }, features(), models, config),
    ).toEqual([]);
  });

  it('needs a learner away from events for a comeback and peers at events for event_fomo', () => {
    const models = constantModels({ comeback: 0.99, event_fomo: 0.99 });
    const lonely = {
      ...signals,
      daysSinceLastEvent: null,
      eventAttendance: [['meetup', 0]] as [string, number][],
      buddiesAttendingEvents: [],
    };
    expect(modelDraftsOf(new Set(), lonely, features(), models, config)).toEqual([]);
  });

  it('breaks probability ties in NUDGE_TYPES order', () => {
    const models = constantModels({ comeback: 0.8, quiz: 0.8, project: 0.8 });
    const away = { ...signals, daysSinceLastEvent: 12 };
    expect(modelDraftsOf(new Set(), away, features(), models, config).map((n) => n.type)).toEqual([
      'project',
      'quiz',
      'comeback',
    ]);
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
    ['comeback', { daysSinceLastEvent: 5 }, false],
    ['comeback', { daysSinceLastEvent: 6 }, true],
    ['comeback', { daysSinceLastEvent: null }, false],
    ['event_fomo', { daysSinceLastEvent: 2 }, false],
    ['event_fomo', { daysSinceLastEvent: null }, true],
    [
      'event_fomo',
      { daysSinceLastEvent: 3, eventAttendance: [], buddiesAttendingEvents: [] },
      false,
    ],
    [
      'event_fomo',
      { daysSinceLastEvent: 3, eventAttendance: [['meetup', 0]], buddiesAttendingEvents: [] },
      false,
    ],
    [
      'event_fomo',
      { daysSinceLastEvent: 3, eventAttendance: [], buddiesAttendingEvents: ['meetup'] },
      true,
    ],
  ] as const)('%s with %j → %p', (type, overrides, applies) => {
    expect(mlNudgeApplies(type, { ...signals, ...overrides }, config)).toBe(applies);
  });
});
