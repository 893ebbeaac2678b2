import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_REQUEST, validateAnalyzeRequest } from '@app/contract';
import {
  analyzeLearner,
  buildEngineConfig,
  EngineState,
  policyVersion,
  slatePolicy,
} from '@app/engagement';
import { parseCalendarDate } from '@app/learner';
import { CliUsageError } from '../../cli/cli-errors';
import { LogFiles, oneFileLog } from '../../cli/log-file';
import { OpePolicies, readOpeLogs } from './ope-logs';
import { slateWeight, slateWeighting } from './slate-weights';

const DAY = parseCalendarDate('2025-06-30')!;

/** The example learner's request, made for `user`: its rules rank resume, comeback, quiz, project. */
function requestFor(user: string, decisionId: string): Record<string, unknown> {
  return {
    ...EXAMPLE_REQUEST,
    decision_id: decisionId,
    user_data: { ...EXAMPLE_REQUEST.user_data, user_id: user },
  };
}

/** Logs with ε = 0.2 and a 30% holdout; rules only. */
const LOGGING: EngineState = {
  config: buildEngineConfig({
    policy: { exploration_epsilon: 0.2 },
    assignment: { holdout_percent: 30 },
  }),
  models: undefined,
};

/** The same rules, one slot, no exploration. */
const ONE_SLOT: EngineState = { config: buildEngineConfig({ max_nudges: 1 }), models: undefined };

const policies = (candidate: EngineState, logging = LOGGING): OpePolicies => ({
  logging,
  candidate,
  baseline: undefined,
  loggingName: '--logging-config test.json',
});

/** The decision line a platform logs for the logging policy's answer to this request. */
function logged(user: string, decisionId: string, state = LOGGING): Record<string, unknown> {
  const request = requestFor(user, decisionId);
  const valid = validateAnalyzeRequest(request, DAY);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  const answer = analyzeLearner(valid.value, state);
  return {
    decision_id: answer.decision_id,
    user_id: answer.user_id,
    as_of: answer.as_of,
    assignment: answer.assignment,
    policy_version: answer.policy_version,
    features: {},
    candidates: answer.candidates,
    delivered: answer.nudges.map(({ type, rank, propensity }) => ({
      type,
      slot: rank,
      propensity,
    })),
    slate_propensity: answer.slate_propensity,
    request,
  };
}

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

  // With a 30% holdout, stu_2 (bucket 0.2532) is held out; ana (0.7202) and dee (0.5349) are
  // served. d-1's draws explore slot 1 and send project first.
  const ana = () => logged('ana', 'd-1');
  const held = () => logged('stu_2', 'd-2');
  const cal = () => logged('dee', 'd-3');

  /** ana acted on her day, dee the day after, an event in either case counting. */
  async function exampleLogs(): Promise<{ decisions: LogFiles; outcomes: LogFiles }> {
    return {
      decisions: oneFileLog(await log(ana(), held(), cal())),
      outcomes: oneFileLog(
        await log(
          { user_id: 'ana', action: 'attend_event', at: '2025-06-30T18:00:00Z' },
          { user_id: 'dee', action: 'take_quiz', at: '2025-07-01' },
          { user_id: 'dee', action: 'upload_resume', at: '2025-06-29' },
          { user_id: 'stu_2', action: 'take_quiz', at: '2025-06-30' },
        ),
      ),
    };
  }

  it('keeps each decision not held out with its outcome: any action within the window', async () => {
    const settings = { rewardDays: 1, folds: 2, seed: 1 };
    const sut = await readOpeLogs(await exampleLogs(), policies(LOGGING), settings);
    expect(sut.heldOut).toBe(1);
    expect(sut.learners).toBe(2);
    expect(sut.decisions.map((d) => [d.learner, d.reward])).toEqual([
      [0, 1],
      [1, 0],
    ]);
    const later = await readOpeLogs(await exampleLogs(), policies(LOGGING), {
      ...settings,
      rewardDays: 2,
    });
    expect(later.decisions.map((d) => d.reward)).toEqual([1, 1]);
  });

  it('reads decisions kept in two files as in one, a copy of a line skipped and counted', async () => {
    const settings = { rewardDays: 1, folds: 2, seed: 1 };
    const { decisions, outcomes } = await exampleLogs();
    // A batch of ana's and stu_2's lines, then the batch again and dee's.
    const first = await log(ana(), held());
    const second = await log(ana(), held(), cal());

    const sut = await readOpeLogs(
      { decisions: { name: 'the log', files: [first, second] }, outcomes },
      policies(ONE_SLOT),
      settings,
    );

    const { copies, ...estimates } = sut;
    const { copies: none, ...expected } = await readOpeLogs(
      { decisions, outcomes },
      policies(ONE_SLOT),
      settings,
    );
    expect(estimates).toEqual(expected);
    expect(copies).toEqual({ lines: 2, first: { file: second, line: 1 } });
    expect(none).toBeUndefined();
  });

  it('weighs the logged slate 1 for the logging policy and by the pseudo-inverse for another', async () => {
    const settings = { rewardDays: 1, folds: 2, seed: 1 };
    const same = await readOpeLogs(await exampleLogs(), policies(LOGGING), settings);
    for (const decision of same.decisions) {
      expect(decision.candidate.weight).toBeCloseTo(1, 9);
      expect(decision.baseline.weight).toBeCloseTo(1, 9);
    }
    const sut = await readOpeLogs(await exampleLogs(), policies(ONE_SLOT), settings);
    const valid = validateAnalyzeRequest(requestFor('dee', 'd-3'), DAY);
    if (!valid.ok) throw new Error('invalid');
    const weighting = slateWeighting(
      slatePolicy(valid.value, LOGGING),
      slatePolicy(valid.value, ONE_SLOT),
    );
    const calSlate = (cal().delivered as { type: never }[]).map((n) => n.type);
    expect(sut.decisions[1].candidate.weight).toBeCloseTo(slateWeight(weighting, calSlate), 12);
    expect(sut.support.share('candidate', 2)).toBe(0);
    expect(sut.historyDependent).toBe(0);
  });

  it('counts what a greedy logging policy cannot support', async () => {
    const greedy: EngineState = {
      config: buildEngineConfig({ assignment: { holdout_percent: 30 } }),
      models: undefined,
    };
    const decisions = await log(logged('ana', 'd-1', greedy), logged('dee', 'd-3', greedy));
    const outcomes = await log({ user_id: 'ana', action: 'take_quiz', at: '2025-06-30' });
    const logs = { decisions: oneFileLog(decisions), outcomes: oneFileLog(outcomes) };
    const sut = await readOpeLogs(logs, policies(ONE_SLOT, greedy), {
      rewardDays: 1,
      folds: 2,
      seed: 1,
    });
    // The greedy policy always fills three slots; the candidate always leaves slot 2 empty.
    expect(sut.support.share('candidate', 2)).toBe(1);
    expect(() => sut.support.require(2)).toThrow(
      new CliUsageError(
        `${decisions} line 1: the candidate policy leaves the second slot empty, which the logging policy never does there: the logging policy never explored (policy.exploration_epsilon 0), so its logs give no weight to a slate it did not choose. Log with policy.exploration_epsilon > 0: exploring then draws every nudge, and stopping, into every slot; 100.0% of the candidate's probability over 2 decisions lacks support (at most 1.0% may)`,
      ),
    );
  });

  const version = policyVersion(null, LOGGING.config.hash, { holdout: false, bucket: 0 });

  it.each<[string, () => object[], string]>([
    [
      'a decision without its request',
      () => [{ ...ana(), request: undefined }],
      'line 1: request: missing; ope asks the logging and candidate policies what they would have done for the request this decision answered, so every decision not held out must log it',
    ],
    [
      'a request the engine refuses',
      () => [{ ...ana(), request: { ...requestFor('ana', 'd-1'), peer_snapshot: undefined } }],
      'line 1: request: peer_snapshot is required',
    ],
    [
      'a slate with a gap',
      () => [{ ...ana(), delivered: [{ type: 'resume', slot: 2, propensity: 1 }] }],
      'line 1: delivered: has no nudge in slot 1 but one in slot 2; a slate fills its slots in order',
    ],
    [
      'decisions another policy made',
      () => [{ ...ana(), policy_version: 'rules-only/0000000000000000' }],
      `line 1: policy_version: "rules-only/0000000000000000", but the logging policy (--logging-config test.json) would log "${version}"; ope replays the policy that made the logs to know every slate it could have sent, so pass the config and models that made them`,
    ],
    [
      'a propensity the logging policy did not draw with',
      () => [
        { ...ana(), delivered: [{ type: 'resume', slot: 1, propensity: 1 }], slate_propensity: 1 },
      ],
      'line 1: delivered[slot 1].propensity: logged 1, but the logging policy (--logging-config test.json) gives 0.8400000000000001 (exploration_epsilon 0.2, 4 nudges left and stopping); the propensities must be the ones the logging policy drew with',
    ],
    [
      'a slate propensity the logging policy did not draw with',
      () => [{ ...ana(), slate_propensity: 0.5 }],
      `line 1: slate_propensity: logged 0.5, but the logging policy (--logging-config test.json) gives ${(ana().slate_propensity as number).toString()} for sending project, resume, comeback`,
    ],
    [
      'a decision id on two lines that differ',
      () => [ana(), { ...ana(), platform: 'web' }],
      'line 2: decision_id: "d-1" is already on line 1',
    ],
    [
      'only held-out decisions',
      () => [held()],
      "has no decisions that were not held out: a policy's value is its mean outcome over those",
    ],
  ])('refuses %s', async (_case, lines, message) => {
    const decisions = await log(...lines());
    const outcomes = await log({ user_id: 'ana', action: 'take_quiz', at: '2025-06-30' });
    await expect(
      readOpeLogs(
        { decisions: oneFileLog(decisions), outcomes: oneFileLog(outcomes) },
        policies(LOGGING),
        { rewardDays: 1, folds: 2, seed: 1 },
      ),
    ).rejects.toThrow(new CliUsageError(`${decisions} ${message}`));
  });

  it("refuses an outcome naming another learner's decision", async () => {
    const decisions = await log(ana());
    const outcomes = await log({
      user_id: 'ben',
      action: 'take_quiz',
      at: '2025-06-30',
      decision_id: 'd-1',
    });
    await expect(
      readOpeLogs(
        { decisions: oneFileLog(decisions), outcomes: oneFileLog(outcomes) },
        policies(LOGGING),
        { rewardDays: 1, folds: 2, seed: 1 },
      ),
    ).rejects.toThrow(
      new CliUsageError(
        `${outcomes} line 1: decision_id: "d-1" was made for user_id "ana" (${decisions} line 1), not "ben"`,
      ),
    );
  });
});
