import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEngineConfig, decisionLine, EngineState } from '@app/engagement';
import { parseCalendarDate } from '@app/learner';
import { FEATURE_COUNT } from '@app/ml';
import { parseDecisionLine, parseOutcomeLine } from '@app/contract';
import { actionBit } from './platform-learner';
import {
  emptyTally,
  PlatformDecision,
  PlatformRequest,
  PlatformRunOptions,
  PlatformSimulator,
} from './platform-simulator';
import { outcomeLines, platformTruth, TRUTH_FILE, writePlatformRun } from './platform-writer';
import { BUILT_IN_STORY } from './story';

const STATE: EngineState = {
  config: buildEngineConfig({
    assignment: { holdout_percent: 30 },
    policy: { exploration_epsilon: 0.2 },
  }),
  models: undefined,
};

const RUN: PlatformRunOptions = {
  users: 30,
  days: 5,
  seed: 3,
  start: parseCalendarDate('2025-06-02')!,
  windowDays: 7,
  rewardDays: 1,
  story: BUILT_IN_STORY,
};

const REQUEST = {
  as_of: '2025-06-03',
  decision_id: 'd1',
  history: [],
} as unknown as PlatformRequest;

/** An answer's fields the platform logs; the rest of an analysis is not read. */
function decision(
  id: string,
  holdout: boolean,
  shown: { type: string; source: string; score: number; propensity: number }[],
  candidates: { type: string; source: string; score: number }[] = shown.map(
    ({ type, source, score }) => ({ type, source, score }),
  ),
): PlatformDecision {
  const nudges = shown.map((nudge, i) => ({ ...nudge, rank: i + 1, title: 'not logged' }));
  const analysis = {
    user_id: 'stu_1',
    as_of: '2025-06-03',
    decision_id: id,
    assignment: holdout ? { holdout, bucket: 0.05 } : { holdout, bucket: 0.5 },
    policy_version: 'rules-only/0123456789abcdef',
    nudges: holdout ? [] : nudges,
    ...(holdout ? { would_have_sent: nudges } : {}),
    slate_propensity: shown.reduce((p, nudge) => p * nudge.propensity, 1),
  };
  const features = new Float64Array(FEATURE_COUNT).fill(0.5);
  return {
    analysis: { ...analysis, candidates },
    request: REQUEST,
    features,
  } as unknown as PlatformDecision;
}

const SHOWN = [
  { type: 'event_fomo', source: 'rule', score: 0.8, propensity: 0.9 },
  { type: 'quiz', source: 'ml', score: 0.64, propensity: 0.1 },
];

describe(decisionLine.name, () => {
  it('logs the answer, the features, what was delivered and the request, in the log format', () => {
    // A third candidate the first slot was drawn from, though only two were delivered.
    const candidates = [
      ...SHOWN.map(({ type, source, score }) => ({ type, source, score })),
      { type: 'comeback', source: 'rule', score: 0.55 },
    ];
    const sut = JSON.parse(decisionLine(decision('d1', false, SHOWN, candidates)));

    expect(Object.keys(sut)).toEqual([
      'decision_id',
      'user_id',
      'as_of',
      'assignment',
      'policy_version',
      'features',
      'candidates',
      'delivered',
      'slate_propensity',
      'request',
    ]);
    expect(sut.slate_propensity).toBeCloseTo(0.09, 12);
    expect(sut.assignment).toEqual({ holdout: false, bucket: 0.5 });
    expect(Object.keys(sut.features)).toHaveLength(FEATURE_COUNT);
    expect(sut.features.log_karma).toBe(0.5);
    expect(sut.candidates).toEqual([
      { type: 'event_fomo', source: 'rule', score: 0.8 },
      { type: 'quiz', source: 'ml', score: 0.64 },
      { type: 'comeback', source: 'rule', score: 0.55 },
    ]);
    expect(sut.delivered).toEqual([
      { type: 'event_fomo', slot: 1, propensity: 0.9 },
      { type: 'quiz', slot: 2, propensity: 0.1 },
    ]);
    expect(sut.request).toEqual(REQUEST);
    expect(parseDecisionLine(JSON.stringify(sut), 'line 1').day).toBe(
      parseCalendarDate('2025-06-03'),
    );
  });

  it("logs a held-out learner's would-be nudges as ghosts and delivers nothing", () => {
    const text = decisionLine(decision('d2', true, SHOWN));
    const sut = JSON.parse(text);

    expect(text.endsWith('}\n')).toBe(true);
    expect(sut.delivered).toEqual([]);
    expect(sut.would_have_sent).toEqual([
      { type: 'event_fomo', slot: 1 },
      { type: 'quiz', slot: 2 },
    ]);
    expect(sut.candidates).toHaveLength(2);
    expect(parseDecisionLine(text.trimEnd(), 'line 1').record.assignment.holdout).toBe(true);
  });
});

describe(outcomeLines.name, () => {
  it("names the day's decision on an action one of its delivered nudges asked for, and only then", () => {
    const decisions = [
      decision('d0', false, SHOWN),
      decision('d1', false, []),
      decision('d2', true, SHOWN),
    ];
    const actions = Uint8Array.of(
      actionBit('add_project') | actionBit('take_quiz'),
      actionBit('attend_event'),
      actionBit('attend_event'),
    );

    const sut = outcomeLines(decisions, actions, (i) => `2025-06-0${i + 2}`);

    expect(sut).toBe(
      [
        '{"user_id":"stu_1","action":"add_project","at":"2025-06-02"}',
        '{"user_id":"stu_1","action":"take_quiz","at":"2025-06-02","decision_id":"d0"}',
        '{"user_id":"stu_1","action":"attend_event","at":"2025-06-03"}',
        // A held-out learner was shown nothing.
        '{"user_id":"stu_1","action":"attend_event","at":"2025-06-04"}',
        '',
      ].join('\n'),
    );
  });
});

describe(platformTruth.name, () => {
  it('takes the lift between the worlds and the policy value over the decisions not held out', () => {
    const tally = {
      ...emptyTally(),
      decisions: 300,
      holdoutDecisions: 60,
      deliveredNudges: 400,
      actions: 90,
      followedWithNudges: 160,
      followedWithoutNudges: 130,
      followedTreated: 128,
      followedHoldout: 20,
      outcomes: 36,
      outcomesWithoutNudges: 24,
      mutedLearners: 2,
    };

    const sut = platformTruth(RUN, STATE, tally);

    expect(sut).toMatchObject({
      users: 30,
      days: 5,
      seed: 3,
      start: '2025-06-02',
      end: '2025-06-06',
      window_days: 7,
      reward_days: 1,
      config_hash: STATE.config.hash,
      model_version: null,
      decisions: 300,
      holdout_decisions: 60,
      delivered_nudges: 400,
      actions: 90,
      muted_learners: 2,
      rate_with_nudges: 0.533333,
      rate_without_nudges: 0.433333,
      absolute_lift: 0.1,
      treated_rate: 0.533333,
      holdout_rate: 0.333333,
      policy_value: 0.15,
      no_nudge_value: 0.1,
      policy_lift: 0.05,
      story: { hash: '9fe9d3f97085e36a', content: BUILT_IN_STORY },
    });
  });

  it('has no holdout rate without held-out decisions, and no policy values without others', () => {
    const base = { ...emptyTally(), decisions: 10, followedWithNudges: 3 };

    expect(platformTruth(RUN, STATE, base).holdout_rate).toBeNull();
    const allHeldOut = platformTruth(RUN, STATE, { ...base, holdoutDecisions: 10 });
    expect(allHeldOut.policy_value).toBeNull();
    expect(allHeldOut.no_nudge_value).toBeNull();
    expect(allHeldOut.policy_lift).toBeNull();
    expect(allHeldOut.treated_rate).toBeNull();
  });
});

describe(writePlatformRun.name, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'platform-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function run(name: string, options = RUN): Promise<Record<string, string>> {
    const outDir = join(dir, name);
    let learners = 0;
    await writePlatformRun(new PlatformSimulator(options, STATE), options, STATE, outDir, () => {
      learners++;
    });
    expect(learners).toBe(options.users);
    const files = (await readdir(outDir)).sort();
    const hashes: Record<string, string> = {};
    for (const file of files) {
      const bytes = await readFile(join(outDir, file));
      hashes[file] = createHash('sha256').update(bytes).digest('hex');
    }
    return hashes;
  }

  it('writes the same bytes for the same arguments, and others for another seed', async () => {
    const first = await run('first');
    const again = await run('again');
    const other = await run('other', { ...RUN, seed: 4 });

    expect(Object.keys(first)).toEqual(['decisions.ndjson', 'outcomes.ndjson', TRUTH_FILE]);
    expect(again).toEqual(first);
    for (const file of Object.keys(first)) expect(other[file]).not.toBe(first[file]);
  });

  it('writes logs every line of which the log readers accept, and truth.json', async () => {
    await run('read');
    const read = (file: string) => readFile(join(dir, 'read', file), 'utf8');

    const decisions = (await read('decisions.ndjson')).trimEnd().split('\n');
    expect(decisions).toHaveLength(150);
    decisions.forEach((line, i) => parseDecisionLine(line, `line ${i + 1}`));
    const outcomes = (await read('outcomes.ndjson')).trimEnd().split('\n');
    outcomes.forEach((line, i) => parseOutcomeLine(line, `line ${i + 1}`));
    const truth = JSON.parse(await read(TRUTH_FILE));
    expect(truth.decisions).toBe(150);
    expect(truth.actions).toBe(outcomes.length);
  });
});
