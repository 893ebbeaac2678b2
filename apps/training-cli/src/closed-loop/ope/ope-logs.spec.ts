import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_REQUEST, DecisionRecord, DeliveredNudge } from '@app/contract';
import { buildEngineConfig, EngineState, SlotChoice } from '@app/engagement';
import { FEATURE_COUNT, ModelManifest, ModelSet } from '@app/ml';
import { NudgeType } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { loggedChances, readOpeLogs, unsupportedChoice } from './ope-logs';

/** The example learner's request, made for `user`: its rules rank resume, comeback, quiz, project. */
function requestFor(user: string): object {
  return { ...EXAMPLE_REQUEST, user_data: { ...EXAMPLE_REQUEST.user_data, user_id: user } };
}

const RULE_CANDIDATES = ['resume', 'comeback', 'quiz', 'project'].map((type) => ({
  type,
  source: 'rule',
  score: 0.5,
}));

/** A decision on the example's day (2025-06-30); `delivered` empty for a held-out one. */
function decision(
  id: string,
  user: string,
  delivered: object[],
  changes: Record<string, unknown> = {},
): object {
  const holdout = changes.holdout === true;
  return {
    decision_id: id,
    user_id: user,
    as_of: '2025-06-30',
    assignment: { holdout, bucket: holdout ? 0.01 : 0.5 },
    policy_version: 'rules-only/884005e8da4dd3cc',
    features: {},
    candidates: RULE_CANDIDATES,
    delivered,
    request: requestFor(user),
    ...changes,
  };
}

const slotOne = (type: string, propensity: number) => [{ type, slot: 1, propensity }];

/**
 * The default config: no exploration, so the candidate puts resume first with probability 1;
 * the types it ranks after resume have probability 0 and are not kept.
 */
const RULES_ONLY: EngineState = { config: buildEngineConfig({}), models: undefined };
const GREEDY_CHOICES: SlotChoice[] = [
  { type: 'resume', source: 'rule', score: 0.84, probability: 1 },
];

/** Models that ignore the features: each type answers its fixed probability. */
function constantModels(probabilities: Partial<Record<NudgeType, number>>): ModelSet {
  const manifest = {
    version: 'v-test',
    scaling: { mean: new Array<number>(FEATURE_COUNT).fill(0) },
  };
  return new ModelSet(
    manifest as unknown as ModelManifest,
    Object.entries(probabilities).map(([type, p]) => ({
      type: type as NudgeType,
      weights: new Float64Array(FEATURE_COUNT),
      bias: Math.log(p / (1 - p)),
    })),
  );
}

describe(loggedChances.name, () => {
  const record = { candidates: RULE_CANDIDATES } as unknown as DecisionRecord;
  const top = (type: string, propensity: number) =>
    ({ type, slot: 1, propensity }) as DeliveredNudge;

  it("is the top nudge alone when it had propensity 1: the logging policy's only choice", () => {
    expect(loggedChances(record, top('quiz', 1))).toEqual(new Set(['quiz']));
  });

  it('is every logged candidate when the logging policy explored', () => {
    const explored = { ...record, delivered: [{ type: 'event_fomo', slot: 2, propensity: 0.1 }] };
    expect(loggedChances(explored as DecisionRecord, top('quiz', 0.05))).toEqual(
      new Set(['resume', 'comeback', 'quiz', 'project', 'event_fomo']),
    );
  });

  it('is empty when nothing was delivered', () => {
    expect(loggedChances(record, undefined)).toEqual(new Set());
  });
});

describe(unsupportedChoice.name, () => {
  it('names the first type the candidate may choose and the logging policy could not', () => {
    const candidate: SlotChoice[] = [
      { type: 'resume', source: 'rule', score: 0.84, probability: 0.9 },
      { type: 'quiz', source: 'rule', score: 0.81, probability: 0.05 },
      { type: 'project', source: 'rule', score: 0.57, probability: 0.05 },
    ];
    expect(unsupportedChoice(candidate, new Set(['resume', 'project']))).toBe('quiz');
    expect(unsupportedChoice(candidate, new Set(['resume', 'quiz', 'project']))).toBeUndefined();
  });

  it('ignores the types a greedy candidate ranks but never chooses', () => {
    const greedy: SlotChoice[] = [
      { type: 'resume', source: 'rule', score: 0.84, probability: 1 },
      { type: 'quiz', source: 'rule', score: 0.81, probability: 0 },
    ];
    expect(unsupportedChoice(greedy, new Set(['resume']))).toBeUndefined();
  });
});

describe(readOpeLogs.name, () => {
  let dir: string;
  let files = 0;

  async function log(...lines: object[]): Promise<string> {
    const path = join(dir, `log-${files++}.ndjson`);
    await writeFile(path, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    return path;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ope-logs-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * ana got resume and uploaded one that day; ben is held out; cal got quiz and took one the
   * next day; dee got nothing, so she earns nothing for attending an event.
   */
  async function exampleLogs(): Promise<{ decisions: string; outcomes: string }> {
    return {
      decisions: await log(
        decision('d1', 'ana', slotOne('resume', 0.85)),
        decision('d2', 'ben', [], { holdout: true }),
        decision('d3', 'cal', [
          ...slotOne('quiz', 0.05),
          { type: 'resume', slot: 2, propensity: 0.1 },
        ]),
        decision('d4', 'dee', []),
      ),
      outcomes: await log(
        { user_id: 'ana', action: 'upload_resume', at: '2025-06-30T18:00:00Z', decision_id: 'd1' },
        { user_id: 'cal', action: 'take_quiz', at: '2025-07-01' },
        { user_id: 'cal', action: 'upload_resume', at: '2025-06-29' },
        { user_id: 'dee', action: 'attend_event', at: '2025-06-30' },
        { user_id: 'zed', action: 'take_quiz', at: '2025-06-30' },
      ),
    };
  }

  it("keeps each decision not held out with its reward and the candidate's choices", async () => {
    const sut = await readOpeLogs(await exampleLogs(), RULES_ONLY, 1);
    expect(sut.heldOut).toBe(1);
    expect(sut.decisions).toEqual([
      { action: 'resume', propensity: 0.85, reward: 1, candidate: GREEDY_CHOICES, modelled: {} },
      { action: 'quiz', propensity: 0.05, reward: 0, candidate: GREEDY_CHOICES, modelled: {} },
      { action: 'none', propensity: 1, reward: 0, candidate: GREEDY_CHOICES, modelled: {} },
    ]);
    // dee got nothing where the candidate would have sent resume.
    expect(sut.support).toEqual({
      unsupported: 1,
      first: { line: 4, type: 'resume' },
      explored: true,
    });
  });

  it('rewards an action within the reward window, and asks the models for the DR terms', async () => {
    // The DR terms need the logged action (quiz, unscored) and the candidate's choice (resume).
    const models = constantModels({ resume: 0.3, project: 0.2 });
    const sut = await readOpeLogs(await exampleLogs(), { ...RULES_ONLY, models }, 2);
    expect(sut.decisions.map((d) => d.reward)).toEqual([1, 1, 0]);
    expect(Object.keys(sut.decisions[1].modelled)).toEqual(['resume']);
    expect(sut.decisions[1].modelled.resume).toBeCloseTo(0.3, 12);
  });

  it.each<[string, object[], string]>([
    [
      'a decision without its request',
      [decision('d1', 'ana', slotOne('resume', 1), { request: undefined })],
      'line 1: request: missing; ope asks the candidate policy what it would have done for the request this decision answered, so every decision not held out must log it',
    ],
    [
      'a request the engine refuses',
      [
        decision('d1', 'ana', slotOne('resume', 1), {
          request: { ...requestFor('ana'), peer_snapshot: undefined },
        }),
      ],
      'line 1: request: peer_snapshot is required',
    ],
    [
      'a delivery without slot 1',
      [decision('d1', 'ana', [{ type: 'quiz', slot: 2, propensity: 1 }])],
      'line 1: delivered: has no nudge in slot 1, so the logging propensity of the top nudge is unknown',
    ],
    [
      'a decision id twice',
      [decision('d1', 'ana', slotOne('resume', 1)), decision('d1', 'ana', slotOne('resume', 1))],
      'line 2: decision_id: "d1" is already on line 1',
    ],
    [
      'only held-out decisions',
      [decision('d1', 'ana', [], { holdout: true, request: undefined })],
      "has no decisions that were not held out: a policy's value is its mean reward over those",
    ],
  ])('refuses %s', async (_case, lines, message) => {
    const decisions = await log(...lines);
    const outcomes = await log();
    await expect(readOpeLogs({ decisions, outcomes }, RULES_ONLY, 1)).rejects.toThrow(
      new CliUsageError(`${decisions} ${message}`),
    );
  });

  it("refuses an outcome naming another learner's decision", async () => {
    const decisions = await log(decision('d1', 'ana', slotOne('resume', 1)));
    const outcomes = await log({
      user_id: 'ben',
      action: 'take_quiz',
      at: '2025-06-30',
      decision_id: 'd1',
    });
    await expect(readOpeLogs({ decisions, outcomes }, RULES_ONLY, 1)).rejects.toThrow(
      new CliUsageError(
        `${outcomes} line 1: decision_id: "d1" was made for user_id "ana" (${decisions} line 1), not "ben"`,
      ),
    );
  });
});
